package io.mezzo.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.mesos.client.cluster.Agent;
import io.mezzo.mesos.client.cluster.ClusterState;
import io.mezzo.mesos.client.cluster.StateJson;
import io.mezzo.mesos.client.cluster.Task;
import io.mezzo.mesos.client.cluster.TaskEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateJsonTest {

  @Test
  void parse_masterStateFixture_readsLeaderAgentsFrameworksAndTasks() {
    ClusterState s = Fixtures.state();
    assertThat(s.leader().ip()).isEqualTo("10.0.0.1");
    assertThat(s.leader().port()).isEqualTo(5050);
    assertThat(s.masters()).containsExactly(s.leader());
    assertThat(s.agents()).extracting(Agent::ip).containsExactly("10.0.1.1", "10.0.1.2", "10.0.1.3");
    assertThat(s.frameworks()).hasSize(3);
    assertThat(s.framework("fw-marathon-0001").orElseThrow().port()).isEqualTo(15101);
    assertThat(s.tasks()).hasSize(7);
  }

  @Test
  void parse_taskWithRunningStatusAndDiscovery_readsContainerIpsPortsAndDiscovery() {
    Task nginx = task(Fixtures.state(), "nginx");
    assertThat(nginx.containerIps()).containsExactly("9.0.0.5");
    assertThat(nginx.hostPorts()).containsExactly(31000, 31001);
    assertThat(nginx.discovery().ports()).hasSize(2);
    assertThat(nginx.discovery().ports().get(0).name()).isEqualTo("http");
    assertThat(nginx.discovery().ports().get(0).labels()).containsEntry("VIP_0", "/nginx:80");
    assertThat(nginx.labels()).containsEntry("HAPROXY_GROUP", "external");
    Task broker = task(Fixtures.state(), "broker-0");
    assertThat(broker.containerIps()).containsExactly("9.0.1.7", "fd00:0:0:0:0:0:0:17");
    assertThat(broker.discovery().ports().get(0).protocol()).isNull();
  }

  @Test
  void parse_notAnObject_fails() {
    assertThatThrownBy(() -> StateJson.parse("[1]")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StateJson.parse("{")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void apply_taskUpdatedToKilled_changesOnlyThatTask() {
    ClusterState s = Fixtures.state();
    ClusterState next = s.apply(new TaskEvent.TaskUpdated("fw-marathon-0001", task(s, "nginx").id(), "TASK_KILLED", null, null));
    assertThat(task(next, "nginx").running()).isFalse();
    assertThat(task(next, "nginx").containerIps()).containsExactly("9.0.0.5");
    assertThat(task(next, "job").running()).isTrue();
    assertThat(s.apply(new TaskEvent.TaskUpdated("x", "y", "TASK_KILLED", null, null))).isEqualTo(s);
  }

  @Test
  void apply_agentRemovedAndFrameworkRemoved_dropAgentAndFrameworkTasks() {
    ClusterState s = Fixtures.state()
        .apply(new TaskEvent.AgentRemoved("20250101-000000-16777226-5050-1-S3"))
        .apply(new TaskEvent.FrameworkRemoved("fw-chronos-0002"));
    assertThat(s.agents()).hasSize(2);
    assertThat(s.framework("fw-chronos-0002")).isEmpty();
    assertThat(s.tasks()).noneMatch(t -> t.name().equals("job"));
  }

  @Test
  void apply_taskAddedTwice_keepsOneCopy() {
    Task t = new Task("t1", "extra", "fw-kafka-0003", "20250101-000000-16777226-5050-1-S1", Task.RUNNING, null,
        List.of(), null, List.of(), List.of(), java.util.Map.of());
    ClusterState s = Fixtures.state().apply(new TaskEvent.TaskAdded(t)).apply(new TaskEvent.TaskAdded(t));
    assertThat(s.tasks()).filteredOn(x -> x.id().equals("t1")).hasSize(1);
  }

  static Task task(ClusterState s, String name) {
    return s.tasks().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }
}
