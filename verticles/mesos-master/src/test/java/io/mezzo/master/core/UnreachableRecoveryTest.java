package io.mezzo.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.mesos.proto.MesosJson;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;

/** An unreachable agent is recorded in the registry, so a new leader knows it as unreachable rather than recovering. */
class UnreachableRecoveryTest {
  @Test
  void unreachableAgent_isRecorded_andComesBackUnreachableAfterFailover_untilItReregisters() {
    CoreCluster c = new CoreCluster();
    String fw = c.subscribe("web", true);
    String lost = c.register("a1.local");
    String fine = c.register("a2.local");
    for (int i = 0; i < MasterOptions.DEFAULTS.maxAgentPingTimeouts(); i++) {
      c.master.agents().pingMissed(lost);
    }
    assertThat(c.registry).filteredOn(r -> r.kind() == RegistryRecord.Kind.UNREACHABLE_AGENT).singleElement()
        .satisfies(r -> {
          assertThat(r.id()).isEqualTo(lost);
          assertThat(r.json()).contains("unreachable_time");
        });

    // the new leader: the registry still has both agents, one of them recorded unreachable
    Map<String, AgentInfo> agents = Map.of(lost, c.master.agents().unreachable().get(lost),
        fine, AgentInfo.newBuilder().setHostname("a2.local").setId(org.apache.mesos.v1.Protos.AgentID.newBuilder().setValue(fine)).build());
    CoreCluster next = new CoreCluster();
    next.master.recover(Map.of(fw, c.master.frameworks.get(fw).info), agents, Set.of(), Set.of(lost));

    assertThat(next.master.agents().unreachable()).containsOnlyKeys(lost);
    assertThat(next.master.agents().recovering()).containsOnlyKeys(fine);
    assertThat(MesosJson.print(StateViews.agents(next.master))).doesNotContain("a1.local");

    // reconciliation of a task on the unreachable agent answers TASK_UNREACHABLE at once (no waiting for it)
    // the framework re-subscribes with its id
    next.master.subscribe(Call.Subscribe.newBuilder().setFrameworkInfo(c.master.frameworks.get(fw).info).build(), next);
    next.events.clear();
    next.master.call(Call.newBuilder().setType(Call.Type.RECONCILE).setFrameworkId(org.apache.mesos.v1.Protos.FrameworkID.newBuilder()
        .setValue(fw)).setReconcile(Call.Reconcile.newBuilder().addTasks(Call.Reconcile.Task.newBuilder()
            .setTaskId(org.apache.mesos.v1.Protos.TaskID.newBuilder().setValue("t1"))
            .setAgentId(org.apache.mesos.v1.Protos.AgentID.newBuilder().setValue(lost)))).build(), "stream");
    assertThat(next.events).filteredOn(e -> e.getType() == Event.Type.UPDATE).extracting(e -> e.getUpdate().getStatus().getState())
        .containsExactly(TaskState.TASK_UNREACHABLE);

    // when it comes back, its unreachable record goes
    assertThat(next.master.agents().reregister(lost, "pid", agents.get(lost).toBuilder().clearId().build(), "1.11.0", List.of(), List.of())
        .failure()).isNull();
    assertThat(next.master.agents().unreachable()).isEmpty();
    assertThat(next.registry).anySatisfy(r -> {
      assertThat(r.kind()).isEqualTo(RegistryRecord.Kind.UNREACHABLE_AGENT);
      assertThat(r.id()).isEqualTo(lost);
      assertThat(r.json()).isNull();
    });
  }
}
