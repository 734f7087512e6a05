package io.mezzo.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.mezzo.mesos.protocol.AgentProtocol;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.DrainConfig;
import org.apache.mesos.v1.Protos.DrainInfo;
import org.apache.mesos.v1.Protos.DrainState;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.master.Protos.Response;
import org.junit.jupiter.api.Test;

/** DRAIN_AGENT: tasks are killed, the agent is DRAINED once the last one ended and was acknowledged. */
class DrainTest {
  private static DrainInfo draining(boolean markGone) {
    return DrainInfo.newBuilder().setState(DrainState.DRAINING).setConfig(DrainConfig.newBuilder().setMarkGone(markGone)).build();
  }

  private static Response.GetAgents.Agent agent(CoreCluster c, String agentId) {
    return StateViews.agents(c.master).getAgentsList().stream()
        .filter(a -> a.getAgentInfo().getId().getValue().equals(agentId)).findFirst().orElse(null);
  }

  @Test
  void drain_killsEveryTask_drainedOnlyAfterTheLastTerminalUpdateIsAcknowledged() {
    CoreCluster c = new CoreCluster();
    String fw = c.subscribe("web");
    String agentId = c.register("a1.local");
    List<String> tasks = c.launch(fw, agentId, 2);

    assertThat(c.master.agents().drain(agentId, draining(false), null)).isTrue();

    List<String> killed = c.toAgents.stream().filter(m -> AgentProtocol.KILL_TASK.equals(m.getString(AgentProtocol.TYPE)))
        .map(m -> m.getString("task_id")).toList();
    assertThat(killed).containsExactlyInAnyOrderElementsOf(tasks);
    assertThat(agent(c, agentId).getDrainInfo().getState()).isEqualTo(DrainState.DRAINING);
    assertThat(agent(c, agentId).getDeactivated()).isTrue();

    ByteString first = c.update(fw, agentId, tasks.get(0), TaskState.TASK_KILLED);
    ByteString second = c.update(fw, agentId, tasks.get(1), TaskState.TASK_KILLED);
    c.acknowledge(fw, agentId, tasks.get(0), first);
    assertThat(agent(c, agentId).getDrainInfo().getState()).as("one terminal update not yet acknowledged").isEqualTo(DrainState.DRAINING);

    c.acknowledge(fw, agentId, tasks.get(1), second);
    assertThat(agent(c, agentId).getDrainInfo().getState()).isEqualTo(DrainState.DRAINED);
    assertThat(c.master.agents().isGone(agentId)).isFalse();

    // REACTIVATE_AGENT ends the drain
    c.master.agents().setActive(agentId, true);
    assertThat(agent(c, agentId).hasDrainInfo()).isFalse();
    assertThat(agent(c, agentId).getActive()).isTrue();
  }

  @Test
  void drain_withMarkGone_marksTheAgentGoneOnceDrained_andAnIdleAgentDrainsAtOnce() {
    CoreCluster c = new CoreCluster();
    String fw = c.subscribe("web");
    String busy = c.register("a1.local");
    String idle = c.register("a2.local");
    String task = c.launch(fw, busy, 1).get(0);

    c.master.agents().drain(idle, draining(false), null);
    c.master.agents().drain(busy, draining(true), 5_000_000_000L);

    assertThat(agent(c, idle).getDrainInfo().getState()).isEqualTo(DrainState.DRAINED);
    JsonObject kill = c.toAgents.stream().filter(m -> task.equals(m.getString("task_id"))).findFirst().orElseThrow();
    assertThat(kill.getJsonObject("kill_policy").getJsonObject("grace_period").getLong("nanoseconds")).isEqualTo(5_000_000_000L);

    c.acknowledge(fw, busy, task, c.update(fw, busy, task, TaskState.TASK_KILLED));

    assertThat(agent(c, busy)).as("a gone agent is no longer listed").isNull();
    assertThat(c.master.agents().isGone(busy)).isTrue();
    assertThat(c.registry).anySatisfy(r -> {
      assertThat(r.kind()).isEqualTo(RegistryRecord.Kind.GONE_AGENT);
      assertThat(r.id()).isEqualTo(busy);
    });
    assertThat(c.master.agents().reregister(busy, "pid", c.master.agents().recovering().getOrDefault(busy,
        org.apache.mesos.v1.Protos.AgentInfo.newBuilder().setHostname("a1.local").build()), "1.11.0", List.of(), List.of())
        .failureCode()).as("a gone agent may not come back").isEqualTo(AgentProtocol.AGENT_GONE);
  }

  @Test
  void drainingAndDeactivatedAgents_keepTheirStateAcrossFailover() {
    CoreCluster c = new CoreCluster();
    String fw = c.subscribe("web");
    String draining = c.register("a1.local");
    String deactivated = c.register("a2.local");
    String task = c.launch(fw, draining, 1).get(0);
    c.master.agents().drain(draining, draining(false), null);
    c.master.agents().setActive(deactivated, false);
    Map<String, String> states = new java.util.HashMap<>();
    c.registry.stream().filter(r -> r.kind() == RegistryRecord.Kind.AGENT_STATE).forEach(r -> states.put(r.id(), r.json()));
    assertThat(states).containsOnlyKeys(draining, deactivated);

    // a new leader: both agents come back as they were
    CoreCluster next = new CoreCluster();
    Map<String, org.apache.mesos.v1.Protos.AgentInfo> registered = new java.util.HashMap<>();
    c.master.agents().records().forEach(a -> registered.put(a.id, a.info));
    next.master.recover(Map.of(fw, c.master.frameworks.get(fw).info), registered, java.util.Set.of());
    next.master.agents().restoreStates(states);
    next.master.subscribe(org.apache.mesos.v1.scheduler.Protos.Call.Subscribe.newBuilder()
        .setFrameworkInfo(c.master.frameworks.get(fw).info).build(), next);
    org.apache.mesos.v1.Protos.Task running = c.master.frameworks.get(fw).tasks.get(task).toTask();
    for (String id : List.of(draining, deactivated)) {
      assertThat(next.master.agents().reregister(id, "pid", registered.get(id).toBuilder().clearId().build(), "1.11.0",
          id.equals(draining) ? List.of(running) : List.of(), List.of(c.master.frameworks.get(fw).info)).failure()).isNull();
    }
    assertThat(agent(next, draining).getDrainInfo().getState()).isEqualTo(DrainState.DRAINING);
    assertThat(agent(next, draining).getDeactivated()).isTrue();
    assertThat(agent(next, deactivated).getDeactivated()).isTrue();
    assertThat(agent(next, deactivated).hasDrainInfo()).isFalse();
    assertThat(next.offers()).as("no offers from deactivated agents").isEmpty();

    // the drain goes on under the new leader
    next.acknowledge(fw, draining, task, next.update(fw, draining, task, TaskState.TASK_KILLED));
    assertThat(agent(next, draining).getDrainInfo().getState()).isEqualTo(DrainState.DRAINED);
    next.master.agents().setActive(deactivated, true);
    assertThat(next.registry).anySatisfy(r -> {
      assertThat(r.kind()).isEqualTo(RegistryRecord.Kind.AGENT_STATE);
      assertThat(r.id()).isEqualTo(deactivated);
      assertThat(r.json()).isNull();
    });
  }
}
