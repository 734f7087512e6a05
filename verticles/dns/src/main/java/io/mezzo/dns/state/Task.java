package io.mezzo.dns.state;

import java.util.List;
import java.util.Map;

/**
 * A task as DNS sees it.
 *
 * @param state        the Mesos state name, e.g. {@code TASK_RUNNING}
 * @param containerIps IPs from the latest running status' {@code container_status.network_infos}
 * @param discovery    the task's DiscoveryInfo, or null
 * @param hostPorts    ports from the task's {@code ports} resource (ports on the agent)
 * @param labels       task labels; Mesos-DNS reads container IPs from two legacy labels
 */
public record Task(String id, String name, String frameworkId, String agentId, String state,
                   List<String> containerIps, DiscoveryInfo discovery, List<Integer> hostPorts,
                   Map<String, String> labels) {

  public static final String RUNNING = "TASK_RUNNING";

  public Task {
    containerIps = List.copyOf(containerIps);
    hostPorts = List.copyOf(hostPorts);
    labels = Map.copyOf(labels);
  }

  public boolean running() {
    return RUNNING.equals(state);
  }

  public Task withStatus(String newState, List<String> ips) {
    return new Task(id, name, frameworkId, agentId, newState, ips, discovery, hostPorts, labels);
  }
}
