package io.mezzo.mesos.client.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.mesos.proto.Resources;
import java.util.List;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.master.Protos.Event;
import org.apache.mesos.v1.master.Protos.Response;
import org.junit.jupiter.api.Test;

class OperatorStateTest {
  private static final Protos.MasterInfo LEADER = Protos.MasterInfo.newBuilder().setId("m").setIp(0).setPort(5050)
      .setHostname("m.local").setAddress(Protos.Address.newBuilder().setIp("10.0.0.11").setPort(5050)).build();

  private static Protos.TaskStatus.Builder status(String id, Protos.TaskState state, String ip) {
    Protos.TaskStatus.Builder s = Protos.TaskStatus.newBuilder().setTaskId(Protos.TaskID.newBuilder().setValue(id))
        .setState(state);
    if (ip != null) {
      s.setContainerStatus(Protos.ContainerStatus.newBuilder().addNetworkInfos(Protos.NetworkInfo.newBuilder()
          .addIpAddresses(Protos.NetworkInfo.IPAddress.newBuilder().setIpAddress(ip))));
    }
    return s;
  }

  private static Protos.Task task(String id, String agent, String ip) {
    return Protos.Task.newBuilder().setTaskId(Protos.TaskID.newBuilder().setValue(id)).setName("web")
        .setFrameworkId(Protos.FrameworkID.newBuilder().setValue("fw-1"))
        .setAgentId(Protos.AgentID.newBuilder().setValue(agent)).setState(Protos.TaskState.TASK_RUNNING)
        .addAllResources(Resources.parse("cpus:1;mem:32;ports:[31000-31001]", "*"))
        .setLabels(Protos.Labels.newBuilder().addLabels(Protos.Label.newBuilder().setKey("flag")))
        .setDiscovery(Protos.DiscoveryInfo.newBuilder().setVisibility(Protos.DiscoveryInfo.Visibility.FRAMEWORK)
            .setPorts(Protos.Ports.newBuilder().addPorts(Protos.Port.newBuilder().setNumber(8080).setName("http")
                .setLabels(Protos.Labels.newBuilder().addLabels(Protos.Label.newBuilder().setKey("VIP_0").setValue("/web:80"))))))
        .setContainer(Protos.ContainerInfo.newBuilder().setType(Protos.ContainerInfo.Type.DOCKER)
            .setDocker(Protos.ContainerInfo.DockerInfo.newBuilder().setImage("nginx")
                .addPortMappings(Protos.ContainerInfo.DockerInfo.PortMapping.newBuilder().setHostPort(31000).setContainerPort(8080))))
        .addStatuses(status(id, Protos.TaskState.TASK_RUNNING, ip).setHealthy(true))
        .build();
  }

  private static Response.GetState snapshot() {
    return Response.GetState.newBuilder()
        .setGetAgents(Response.GetAgents.newBuilder().addAgents(Response.GetAgents.Agent.newBuilder()
            .setAgentInfo(Protos.AgentInfo.newBuilder().setId(Protos.AgentID.newBuilder().setValue("S0"))
                .setHostname("10.0.0.21").setPort(5051)).setActive(true).setVersion("1.11.0")))
        .setGetFrameworks(Response.GetFrameworks.newBuilder().addFrameworks(Response.GetFrameworks.Framework.newBuilder()
            .setFrameworkInfo(Protos.FrameworkInfo.newBuilder().setUser("root").setName("marathon").setHostname("h")
                .setId(Protos.FrameworkID.newBuilder().setValue("fw-1"))).setActive(true).setConnected(true).setRecovered(false)))
        .setGetTasks(Response.GetTasks.newBuilder().addTasks(task("web.1", "S0", "9.0.0.7"))
            .addUnreachableTasks(task("web.2", "S9", "9.0.0.8")))
        .build();
  }

  @Test
  void snapshot_readsAgentsFrameworksTasksAndTheLeader() {
    ClusterState s = OperatorState.fromSnapshot(snapshot(), LEADER);
    assertThat(s.leader()).isEqualTo(new Master("m", "m.local", "10.0.0.11", 5050));
    assertThat(s.masters()).containsExactly(s.leader());
    assertThat(s.agents()).containsExactly(new Agent("S0", "10.0.0.21", "10.0.0.21", 5051));
    assertThat(s.frameworks()).containsExactly(new Framework("fw-1", "marathon", "h", null, 0));
    Task web = s.tasks().get(0);
    assertThat(web.name()).isEqualTo("web");
    assertThat(web.running()).isTrue();
    assertThat(web.healthy()).isTrue();
    assertThat(web.containerIps()).containsExactly("9.0.0.7");
    assertThat(web.hostPorts()).containsExactly(31000, 31001);
    assertThat(web.portMappings()).containsExactly(new PortMapping(8080, 31000, "tcp"));
    assertThat(web.discoveryPorts()).containsExactly(new DiscoveryInfo.Port(8080, "http", null,
        java.util.Map.of("VIP_0", "/web:80")));
    assertThat(web.labels()).containsEntry("flag", "");
  }

  @Test
  void snapshot_unreachableTasks_areKeptAsUnreachable_withoutLeaderNoMasters() {
    ClusterState s = OperatorState.fromSnapshot(snapshot(), null);
    assertThat(s.tasks()).extracting(Task::id, Task::state)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("web.1", Task.RUNNING),
            org.assertj.core.groups.Tuple.tuple("web.2", Task.UNREACHABLE));
    assertThat(s.tasks().get(1).containerIps()).containsExactly("9.0.0.8");
    assertThat(s.leader()).isNull();
    assertThat(s.masters()).isEmpty();
  }

  @Test
  void events_becomeChanges_thatFoldIntoTheState() {
    ClusterState s = OperatorState.fromSnapshot(snapshot(), LEADER);
    Event updated = Event.newBuilder().setType(Event.Type.TASK_UPDATED).setTaskUpdated(Event.TaskUpdated.newBuilder()
        .setFrameworkId(Protos.FrameworkID.newBuilder().setValue("fw-1")).setState(Protos.TaskState.TASK_RUNNING)
        .setStatus(status("web.1", Protos.TaskState.TASK_RUNNING, "9.0.0.9").setHealthy(false))).build();
    assertThat(OperatorState.fromEvent(updated)).contains(
        new TaskEvent.TaskUpdated("fw-1", "web.1", Task.RUNNING, false, List.of("9.0.0.9")));
    s = s.apply(OperatorState.fromEvent(updated).orElseThrow());
    assertThat(s.tasks().get(0).containerIps()).containsExactly("9.0.0.9");

    Event plain = Event.newBuilder().setType(Event.Type.TASK_UPDATED).setTaskUpdated(Event.TaskUpdated.newBuilder()
        .setFrameworkId(Protos.FrameworkID.newBuilder().setValue("fw-1")).setState(Protos.TaskState.TASK_KILLED)
        .setStatus(status("web.1", Protos.TaskState.TASK_KILLED, null))).build();
    assertThat(OperatorState.fromEvent(plain)).contains(
        new TaskEvent.TaskUpdated("fw-1", "web.1", "TASK_KILLED", null, null));

    Event added = Event.newBuilder().setType(Event.Type.TASK_ADDED)
        .setTaskAdded(Event.TaskAdded.newBuilder().setTask(task("web.3", "S0", "9.0.0.3"))).build();
    assertThat(s.apply(OperatorState.fromEvent(added).orElseThrow()).tasks()).extracting(Task::id)
        .containsExactly("web.1", "web.2", "web.3");
  }

  @Test
  void frameworkAndAgentEvents_andHeartbeatChangesNothing() {
    Protos.FrameworkInfo info = Protos.FrameworkInfo.newBuilder().setUser("root").setName("chronos")
        .setId(Protos.FrameworkID.newBuilder().setValue("fw-2")).build();
    Event fwUpdated = Event.newBuilder().setType(Event.Type.FRAMEWORK_UPDATED).setFrameworkUpdated(
        Event.FrameworkUpdated.newBuilder().setFramework(Response.GetFrameworks.Framework.newBuilder()
            .setFrameworkInfo(info).setActive(true).setConnected(true).setRecovered(false))).build();
    assertThat(OperatorState.fromEvent(fwUpdated)).contains(
        new TaskEvent.FrameworkAdded(new Framework("fw-2", "chronos", "", null, 0)));
    Event fwRemoved = Event.newBuilder().setType(Event.Type.FRAMEWORK_REMOVED)
        .setFrameworkRemoved(Event.FrameworkRemoved.newBuilder().setFrameworkInfo(info)).build();
    assertThat(OperatorState.fromEvent(fwRemoved)).contains(new TaskEvent.FrameworkRemoved("fw-2"));
    Event agentRemoved = Event.newBuilder().setType(Event.Type.AGENT_REMOVED)
        .setAgentRemoved(Event.AgentRemoved.newBuilder().setAgentId(Protos.AgentID.newBuilder().setValue("S0"))).build();
    assertThat(OperatorState.fromEvent(agentRemoved)).contains(new TaskEvent.AgentRemoved("S0"));
    assertThat(OperatorState.fromEvent(Event.newBuilder().setType(Event.Type.HEARTBEAT).build())).isEmpty();
  }
}
