package io.mezzo.l4lb;

import io.mezzo.mesos.client.cluster.Agent;
import io.mezzo.mesos.client.cluster.ClusterState;
import io.mezzo.mesos.client.cluster.DiscoveryInfo;
import io.mezzo.mesos.client.cluster.Framework;
import io.mezzo.mesos.client.cluster.PortMapping;
import io.mezzo.mesos.client.cluster.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small builders for cluster states. */
final class Fixtures {
  static final String MARATHON = "fw-marathon";
  static final String AGENT = "agent-1";
  static final String AGENT_IP = "10.0.0.5";

  private Fixtures() {
  }

  /** A running task with one discovery port carrying the given labels. */
  static Task task(String id, String ip, int port, String protocol, Map<String, String> labels) {
    return new Task(id, "", MARATHON, AGENT, Task.RUNNING, null, ip == null ? List.of() : List.of(ip),
        DiscoveryInfo.ofPorts(new DiscoveryInfo.Port(port, null, protocol, labels)), List.of(), List.of(), Map.of());
  }

  static Task mapped(Task t, int containerPort, int hostPort, String protocol) {
    return new Task(t.id(), "", t.frameworkId(), t.agentId(), t.state(), t.healthy(), t.containerIps(),
        t.discovery(), List.of(new PortMapping(containerPort, hostPort, protocol)), t.hostPorts(), t.labels());
  }

  static ClusterState state(String agentIp, Task... tasks) {
    return new ClusterState(List.of(), null, List.of(new Agent(AGENT, "", agentIp, 0)), List.of(new Framework(MARATHON, "marathon", "", null, 0)),
        new ArrayList<>(List.of(tasks)));
  }
}
