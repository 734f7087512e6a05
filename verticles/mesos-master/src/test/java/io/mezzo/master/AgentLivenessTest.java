package io.mezzo.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mezzo.master.sim.SimulatedAgent;
import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.protocol.AgentProtocol;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.master.Protos.Response;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent that stops answering pings becomes unreachable after {@code max_agent_ping_timeouts}
 * missed pings: a PARTITION_AWARE framework sees TASK_UNREACHABLE, another TASK_LOST. MARK_AGENT_GONE
 * then gives TASK_GONE_BY_OPERATOR, and the gone agent may not re-register.
 */
class AgentLivenessTest {
  @TempDir
  Path dir;

  private MasterFixture fixture;

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void silentAgent_unreachableThenMarkedGone_andRefusedWhenItComesBack() throws Exception {
    fixture = new MasterFixture(dir);
    MasterFixture.Deployed master = fixture.deploy(new JsonObject().put("agent_ping_timeout_seconds", 1).put("max_agent_ping_timeouts", 3));
    fixture.leader(List.of(master), Launching.WAIT);
    SimulatedAgent agent = new SimulatedAgent(fixture.vertx, "silent.example", "cpus:4;mem:4096;disk:100", 200);
    fixture.onLoop(agent::start);

    TestScheduler aware = new TestScheduler(master.url(), TestScheduler.JSON);
    assertThat(aware.subscribe(Launching.subscribe("aware", true))).isEqualTo(200);
    Offer offer = aware.next(e -> e.getType() == Event.Type.OFFERS, Launching.WAIT).getOffers().getOffers(0);
    Launching.accept(aware, offer, "cpus:1;mem:256", 3600, "aware-1");
    Launching.updateAndAck(aware, "aware-1", TaskState.TASK_RUNNING);

    TestScheduler plain = new TestScheduler(master.url(), TestScheduler.PROTOBUF);
    assertThat(plain.subscribe(Launching.subscribe("plain", false))).isEqualTo(200);
    offer = plain.next(e -> e.getType() == Event.Type.OFFERS, Launching.WAIT).getOffers().getOffers(0);
    Launching.accept(plain, offer, "cpus:1;mem:256", 3600, "plain-1");
    Launching.updateAndAck(plain, "plain-1", TaskState.TASK_RUNNING);

    // the agent falls silent: its address still takes the pings, and nobody answers them
    AtomicInteger unanswered = new AtomicInteger();
    MessageConsumer<JsonObject> silent = fixture.vertx.eventBus().consumer(AgentProtocol.agentAddress(agent.pid()), m -> {
      if (AgentProtocol.PING.equals(m.body().getString(AgentProtocol.TYPE))) {
        unanswered.incrementAndGet();
      }
    });
    fixture.onLoop(() -> silent.completion().compose(v -> agent.stop()));
    TaskStatus unreachable = Launching.update(aware, "aware-1", TaskState.TASK_UNREACHABLE);
    TaskStatus lost = Launching.update(plain, "plain-1", TaskState.TASK_LOST);
    // unreachable only after max_agent_ping_timeouts (3) pings went unanswered: an agent taken away
    // after fewer misses gets no more pings, so the count would stay below 3. (Counted rather than
    // timed: the first unanswered ping may be one sent just before the agent fell silent.)
    await().atMost(Launching.WAIT).until(() -> unanswered.get() >= 3);
    assertThat(unreachable.getSource()).isEqualTo(TaskStatus.Source.SOURCE_MASTER);
    assertThat(unreachable.hasUuid()).isFalse();
    assertThat(lost.getSource()).isEqualTo(TaskStatus.Source.SOURCE_MASTER);

    Response tasks = operator(master, "{\"type\":\"GET_TASKS\"}");
    assertThat(tasks.getGetTasks().getUnreachableTasksList()).extracting(t -> t.getTaskId().getValue()).containsExactly("aware-1");
    assertThat(operator(master, "{\"type\":\"GET_AGENTS\"}").getGetAgents().getAgentsList()).isEmpty();

    assertThat(fixture.post(master.url() + "/api/v1", "application/json", null, "{\"type\":\"MARK_AGENT_GONE\",\"mark_agent_gone\":"
        + "{\"agent_id\":{\"value\":\"" + agent.agentId() + "\"}}}").statusCode()).isEqualTo(200);
    TaskStatus gone = Launching.update(aware, "aware-1", TaskState.TASK_GONE_BY_OPERATOR);
    assertThat(gone.getReason()).isEqualTo(TaskStatus.Reason.REASON_AGENT_REMOVED_BY_OPERATOR);
    assertThat(operator(master, "{\"type\":\"GET_TASKS\"}").getGetTasks().getUnreachableTasksList()).isEmpty();

    assertThatThrownBy(() -> fixture.onLoop(agent::start)).hasCauseInstanceOf(ReplyException.class)
        .cause().satisfies(e -> assertThat(((ReplyException) e).failureCode()).isEqualTo(AgentProtocol.AGENT_GONE))
        .hasMessageContaining("marked gone");
    aware.close();
    plain.close();
    fixture.onLoop(silent::unregister);
  }

  private Response operator(MasterFixture.Deployed m, String body) throws Exception {
    var r = fixture.post(m.url() + "/api/v1", "application/json", "application/json", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return MesosJson.parse(r.body(), Response.getDefaultInstance());
  }
}
