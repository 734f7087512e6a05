package io.mezzo.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.sim.SimulatedAgent;
import io.mezzo.mesos.protocol.AgentProtocol;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-registrations wait in line while they are decoded: a malformed one is answered 400 like any
 * malformed agent message, and the messages behind it (from the same sender) are still answered, in
 * order, with an agent that re-registers properly.
 */
class AgentMessageOrderTest {
  @TempDir
  Path dir;

  private MasterFixture fixture;

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void malformedReregistration_is400_andTheQueueBehindItGoesOn() throws Exception {
    fixture = new MasterFixture(dir);
    MasterFixture.Deployed master = fixture.leader(List.of(fixture.deploy(new JsonObject())), Launching.WAIT);
    SimulatedAgent agent = new SimulatedAgent(fixture.vertx, "order.example", "cpus:1;mem:256", 100);
    fixture.onLoop(agent::start);

    DeliveryOptions wait = new DeliveryOptions().setSendTimeout(10_000);
    JsonObject broken = new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.REREGISTER).put("agent_id", agent.agentId())
        .put("agent_pid", "nobody").put(AgentProtocol.AGENT_INFO_PROTOBUF, "not base64 at all!").put(AgentProtocol.TASKS_PROTOBUF, "%%%");
    JsonObject unknownType = new JsonObject().put(AgentProtocol.TYPE, "NO_SUCH_MESSAGE");
    // sent back to back: the second and third wait behind the first while it is decoded
    List<Future<Message<Object>>> replies = fixture.onLoop(() -> Future.succeededFuture(List.of(
        fixture.vertx.eventBus().request(AgentProtocol.MASTER_ADDRESS, broken, wait),
        fixture.vertx.eventBus().request(AgentProtocol.MASTER_ADDRESS, unknownType, wait),
        fixture.vertx.eventBus().<Object>request(AgentProtocol.MASTER_ADDRESS, new JsonObject(), wait))));
    for (Future<Message<Object>> reply : replies) {
      Throwable failure = reply.toCompletionStage().toCompletableFuture().handle((m, e) -> e).get();
      assertThat(failure).isInstanceOf(ReplyException.class);
      assertThat(((ReplyException) failure).failureCode()).isEqualTo(AgentProtocol.BAD_MESSAGE);
    }
    // the agent itself re-registers fine afterwards and is still registered
    assertThat(fixture.onLoop(agent::reregister)).isEqualTo(agent.agentId());
    assertThat(fixture.operator(master, "GET_AGENTS").getGetAgents().getAgentsList())
        .extracting(a -> a.getAgentInfo().getId().getValue()).containsExactly(agent.agentId());
  }
}
