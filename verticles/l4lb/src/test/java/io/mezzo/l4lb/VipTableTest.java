package io.mezzo.l4lb;

import static io.mezzo.l4lb.Fixtures.AGENT;
import static io.mezzo.l4lb.Fixtures.AGENT_IP;
import static io.mezzo.l4lb.Fixtures.MARATHON;
import static io.mezzo.l4lb.Fixtures.mapped;
import static io.mezzo.l4lb.Fixtures.state;
import static io.mezzo.l4lb.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.l4lb.state.LostAgents;
import io.mezzo.l4lb.vip.Backend;
import io.mezzo.l4lb.vip.BackendAddress;
import io.mezzo.l4lb.vip.Protocol;
import io.mezzo.l4lb.vip.Vip;
import io.mezzo.l4lb.vip.VipKey;
import io.mezzo.l4lb.vip.VipRange;
import io.mezzo.l4lb.vip.VipTable;
import io.mezzo.mesos.client.cluster.Agent;
import io.mezzo.mesos.client.cluster.ClusterState;
import io.mezzo.mesos.client.cluster.DiscoveryInfo;
import io.mezzo.mesos.client.cluster.Framework;
import io.mezzo.mesos.client.cluster.Task;
import io.mezzo.mesos.client.cluster.TaskEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VipTableTest {
  private static final VipRange RANGE = VipRange.parse("11.0.0.0/8");
  private static final String L4LBTEST = "l4lbtest.marathon.l4lb.thisdcos.directory";

  private static Vip only(ClusterState s) {
    List<Vip> vips = VipTable.build(s, RANGE);
    assertThat(vips).hasSize(1);
    return vips.get(0);
  }

  @Test
  void namedVip_fiveTasks_oneVipWithFiveBackends() {
    Task[] tasks = new Task[5];
    for (int i = 0; i < 5; i++) {
      tasks[i] = task("t" + i, "9.0.0." + (i + 1), 80, "tcp", Map.of("VIP_0", "/l4lbtest:5000"));
    }
    Vip vip = only(state(AGENT_IP, tasks));
    assertThat(vip.key()).isEqualTo(new VipKey(Protocol.TCP, L4LBTEST, 5000));
    assertThat(RANGE.contains(vip.address())).isTrue();
    assertThat(vip.backends()).extracting(b -> b.address().ip())
        .containsExactly("9.0.0.1", "9.0.0.2", "9.0.0.3", "9.0.0.4", "9.0.0.5");
    assertThat(vip.backends()).allMatch(b -> b.weight() == 1 && b.address().port() == 80);
  }

  @Test
  void hostMapping_givesAgentIpAndHostPort() {
    Task t = mapped(task("t", "172.17.0.2", 80, "tcp", Map.of("VIP_0", "/web:80")), 80, 31005, "tcp");
    assertThat(only(state(AGENT_IP, t)).backends()).containsExactly(new Backend(new BackendAddress(AGENT_IP, 31005), 1));
  }

  @Test
  void mappingOfOtherProtocol_isIgnored_taskIpUsed() {
    Task t = mapped(task("t", "172.17.0.2", 53, "udp", Map.of("VIP_0", "/dns:53")), 53, 31053, "tcp");
    Vip vip = only(state(AGENT_IP, t));
    assertThat(vip.key().protocol()).isEqualTo(Protocol.UDP);
    assertThat(vip.backends()).containsExactly(new Backend(new BackendAddress("172.17.0.2", 53), 1));
  }

  @Test
  void severalTaskIps_oneBackendEach_andNoIpFallsBackToAgent() {
    Task two = new Task("t", "", MARATHON, AGENT, Task.RUNNING, null, List.of("9.0.0.1", "9.0.0.2"),
        DiscoveryInfo.ofPorts(new DiscoveryInfo.Port(8080, null, "tcp", Map.of("VIP_0", "/a:80"))), List.of(), List.of(), Map.of());
    assertThat(only(state(AGENT_IP, two)).backends()).hasSize(2);
    Task none = task("u", null, 8080, null, Map.of("vip_x", "/a:80"));
    assertThat(only(state(AGENT_IP, none)).backends()).containsExactly(new Backend(new BackendAddress(AGENT_IP, 8080), 1));
  }

  @Test
  void ipVip_usesTheGivenAddress() {
    Vip vip = only(state(AGENT_IP, task("t", "9.0.0.1", 80, "tcp", Map.of("VIP_1", "10.10.0.1:443"))));
    assertThat(vip.key()).isEqualTo(new VipKey(Protocol.TCP, "10.10.0.1", 443));
    assertThat(vip.address()).isEqualTo("10.10.0.1");
  }

  @Test
  void weights_unhealthyAndKilling_areZero_terminalAndStagingAreGone() {
    ClusterState s = state(AGENT_IP,
        task("ok", "9.0.0.1", 80, "tcp", Map.of("VIP_0", "/a:80")),
        task("sick", "9.0.0.2", 80, "tcp", Map.of("VIP_0", "/a:80")),
        task("dying", "9.0.0.3", 80, "tcp", Map.of("VIP_0", "/a:80")),
        task("dead", "9.0.0.4", 80, "tcp", Map.of("VIP_0", "/a:80")),
        task("new", "9.0.0.5", 80, "tcp", Map.of("VIP_0", "/a:80")));
    s = s.apply(new TaskEvent.TaskUpdated(MARATHON, "sick", Task.RUNNING, false, null))
        .apply(new TaskEvent.TaskUpdated(MARATHON, "dying", Task.KILLING, null, null))
        .apply(new TaskEvent.TaskUpdated(MARATHON, "dead", "TASK_FINISHED", null, null))
        .apply(new TaskEvent.TaskUpdated(MARATHON, "new", "TASK_STAGING", null, null));
    assertThat(only(s).backends()).containsExactly(
        new Backend(new BackendAddress("9.0.0.1", 80), 1),
        new Backend(new BackendAddress("9.0.0.2", 80), 0),
        new Backend(new BackendAddress("9.0.0.3", 80), 0));
  }

  @Test
  void vipWithOnlyTerminalTasks_disappears() {
    ClusterState s = state(AGENT_IP, task("t", "9.0.0.1", 80, "tcp", Map.of("VIP_0", "/a:80")))
        .apply(new TaskEvent.TaskUpdated(MARATHON, "t", "TASK_KILLED", null, null));
    assertThat(VipTable.build(s, RANGE)).isEmpty();
  }

  @Test
  void agentRemoved_itsRunningTasksAreUnreachable_andServeOnlyWhenEveryBackendIs() {
    Task here = task("a", null, 8080, "tcp", Map.of("VIP_0", "/l4lbtest:5000"));
    Task there = new Task("b", "", MARATHON, "agent-2", Task.RUNNING, null, List.of(), here.discovery(), List.of(),
        List.of(), Map.of());
    Task finished = new Task("c", "", MARATHON, "agent-2", "TASK_FINISHED", null, List.of(), here.discovery(),
        List.of(), List.of(), Map.of());
    ClusterState s = new ClusterState(List.of(), null, List.of(new Agent(AGENT, "", AGENT_IP, 0),
        new Agent("agent-2", "", "10.0.0.6", 0)), state(AGENT_IP).frameworks(), List.of(here, there, finished));
    assertThat(only(s).backends()).extracting(b -> b.address().ip()).containsExactly(AGENT_IP, "10.0.0.6");

    ClusterState lost = LostAgents.apply(s, new TaskEvent.AgentRemoved("agent-2"));
    assertThat(lost.tasks()).filteredOn(t -> t.id().equals("b")).extracting(Task::state).containsExactly(Task.UNREACHABLE);
    assertThat(lost.tasks()).extracting(Task::id).containsExactly("a", "b");
    assertThat(lost.agent("agent-2")).as("kept for its address while it has unreachable tasks").isPresent();
    assertThat(only(lost).backends()).containsExactly(new Backend(new BackendAddress(AGENT_IP, 8080), 1));

    ClusterState allLost = LostAgents.apply(lost, new TaskEvent.AgentRemoved(AGENT));
    assertThat(only(allLost).backends()).extracting(b -> b.address().ip()).containsExactly(AGENT_IP, "10.0.0.6");

    // a terminal status settles the unreachable task; an agent without tasks left is forgotten
    ClusterState settled = LostAgents.apply(allLost.apply(new TaskEvent.TaskUpdated(MARATHON, "b", "TASK_LOST", null, null)),
        new TaskEvent.AgentRemoved("agent-2"));
    assertThat(settled.agent("agent-2")).isEmpty();
    assertThat(only(settled).backends()).containsExactly(new Backend(new BackendAddress(AGENT_IP, 8080), 1));
  }

  @Test
  void badLabels_andUnknownProtocol_giveNoVip() {
    ClusterState s = state(AGENT_IP,
        task("a", "9.0.0.1", 80, "tcp", Map.of("VIP_0", "/a:0", "OTHER", "/b:80")),
        task("b", "9.0.0.2", 80, "sctp", Map.of("VIP_0", "/c:80")),
        task("c", "9.0.0.3", 80, "tcp", Map.of("VIP_0", "///:80")));
    assertThat(VipTable.build(s, RANGE)).isEmpty();
  }

  @Test
  void tcpAndUdpOfOneName_shareTheAddress() {
    Task t = new Task("t", "", MARATHON, AGENT, Task.RUNNING, null, List.of("9.0.0.1"), DiscoveryInfo.ofPorts(
        new DiscoveryInfo.Port(53, null, "tcp", Map.of("VIP_0", "/dns:53")),
        new DiscoveryInfo.Port(53, null, "udp", Map.of("VIP_1", "/dns:53"))), List.of(), List.of(), Map.of());
    List<Vip> vips = VipTable.build(state(AGENT_IP, t), RANGE);
    assertThat(vips).hasSize(2);
    assertThat(vips.get(0).address()).isEqualTo(vips.get(1).address());
    assertThat(vips).extracting(v -> v.key().protocol()).containsExactly(Protocol.TCP, Protocol.UDP);
  }

  @Test
  void legacyVipPortLabel_usesTheIdxthHostPortOnTheAgent() {
    Task t = new Task("t", "", MARATHON, AGENT, Task.RUNNING, null, List.of("9.0.0.1"), null, List.of(),
        List.of(31000, 31001), Map.of("VIP_PORT1", "udp://10.20.0.1:5353", "VIP_PORT7", "tcp://10.20.0.2:1"));
    Vip vip = only(state(AGENT_IP, t));
    assertThat(vip.key()).isEqualTo(new VipKey(Protocol.UDP, "10.20.0.1", 5353));
    assertThat(vip.backends()).containsExactly(new Backend(new BackendAddress(AGENT_IP, 31001), 1));
  }

  @Test
  void namedVip_frameworkNameIsPartOfTheKey() {
    ClusterState s = state(AGENT_IP, task("t", "9.0.0.1", 80, "tcp", Map.of("VIP_0", "/mygroup/myapp:80")))
        .apply(new TaskEvent.FrameworkAdded(new Framework("fw-2", "My_Sched", "", null, 0)))
        .apply(new TaskEvent.TaskAdded(new Task("u", "", "fw-2", AGENT, Task.RUNNING, null, List.of("9.0.0.2"),
            DiscoveryInfo.ofPorts(new DiscoveryInfo.Port(80, null, "tcp", Map.of("VIP_0", "/mygroup/myapp:80"))), List.of(), List.of(),
            Map.of())));
    assertThat(VipTable.build(s, RANGE)).extracting(v -> v.key().label()).containsExactly(
        "mygroupmyapp.marathon.l4lb.thisdcos.directory:80", "mygroupmyapp.my-sched.l4lb.thisdcos.directory:80");
  }
}
