package io.mezzo.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.master.sim.SimulatedAgent;
import io.mezzo.mesos.protocol.AgentProtocol;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor's message on its way to its framework: the agent sends EXECUTOR_MESSAGE, the master
 * hands it to the subscribed framework as a MESSAGE event with the bytes unchanged, and drops it
 * (best effort, as Mesos does) when the framework is not connected.
 */
class ExecutorMessageTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir
  Path dir;

  private MasterFixture fixture;
  private MasterFixture.Deployed master;
  private SimulatedAgent agent;

  @BeforeEach
  void start() throws Exception {
    fixture = new MasterFixture(dir);
    master = fixture.leader(java.util.List.of(fixture.deploy(new JsonObject())), WAIT);
    agent = new SimulatedAgent(fixture.vertx, "messages.example", "cpus:1;mem:512", 200);
    fixture.onLoop(agent::start);
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  private static Call subscribe() {
    return Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("root").setName("messages").setFailoverTimeout(60))).build();
  }

  private static byte[] allBytes() {
    byte[] data = new byte[256];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) i;
    }
    return data;
  }

  @ParameterizedTest
  @ValueSource(strings = {TestScheduler.JSON, TestScheduler.PROTOBUF})
  void executorMessage_reachesTheSubscribedFramework_byteForByte(String encoding) throws Exception {
    try (TestScheduler s = new TestScheduler(master.url(), encoding)) {
      assertThat(s.subscribe(subscribe())).isEqualTo(200);
      byte[] data = allBytes();
      fixture.onLoop(() -> agent.executorMessage(s.frameworkId.getValue(), "exec-1", data));

      Event.Message message = s.next(e -> e.getType() == Event.Type.MESSAGE, WAIT).getMessage();
      assertThat(message.getAgentId().getValue()).isEqualTo(agent.agentId());
      assertThat(message.getExecutorId().getValue()).isEqualTo("exec-1");
      assertThat(message.getData().toByteArray()).isEqualTo(data);
      assertThat(metrics()).containsEntry("master/messages_executor_to_framework", 1.0)
          .containsEntry("master/valid_executor_to_framework_messages", 1.0)
          .containsEntry("master/invalid_executor_to_framework_messages", 0.0);
    }
  }

  @Test
  void messagesForAnAbsentFramework_areDropped_andNotDeliveredLater() throws Exception {
    // a framework the master never heard of: accepted from the agent, counted as invalid
    fixture.onLoop(() -> agent.executorMessage("no-such-framework", "exec-1", new byte[] {1}));
    assertThat(metrics()).containsEntry("master/invalid_executor_to_framework_messages", 1.0);

    TestScheduler first = new TestScheduler(master.url(), TestScheduler.JSON);
    assertThat(first.subscribe(subscribe())).isEqualTo(200);
    var frameworkId = first.frameworkId;
    first.close();
    await().atMost(WAIT).until(() -> metrics().get("master/frameworks_connected") == 0.0);
    // disconnected (within its failover timeout): the message is dropped, not kept for the re-subscription
    fixture.onLoop(() -> agent.executorMessage(frameworkId.getValue(), "exec-1", "while away".getBytes()));
    assertThat(metrics()).containsEntry("master/invalid_executor_to_framework_messages", 2.0);

    try (TestScheduler again = new TestScheduler(master.url(), TestScheduler.JSON)) {
      Call resubscribe = subscribe().toBuilder().setFrameworkId(frameworkId).setSubscribe(subscribe().getSubscribe().toBuilder()
          .setFrameworkInfo(subscribe().getSubscribe().getFrameworkInfo().toBuilder().setId(frameworkId))).build();
      assertThat(again.subscribe(resubscribe)).isEqualTo(200);
      fixture.onLoop(() -> agent.executorMessage(frameworkId.getValue(), "exec-1", "back".getBytes()));
      // the first MESSAGE after the re-subscription is the new one
      assertThat(again.next(e -> e.getType() == Event.Type.MESSAGE, WAIT).getMessage().getData().toStringUtf8()).isEqualTo("back");
      assertThat(metrics()).containsEntry("master/valid_executor_to_framework_messages", 1.0);
    }
  }

  @Test
  void malformedOrUnregistered_areRefused() throws Exception {
    DeliveryOptions wait = new DeliveryOptions().setSendTimeout(10_000);
    JsonObject noData = new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.EXECUTOR_MESSAGE).put("agent_id", agent.agentId())
        .put("framework_id", "f").put("executor_id", "e");
    assertThat(failureCode(noData, wait)).isEqualTo(AgentProtocol.BAD_MESSAGE);
    assertThat(failureCode(noData.copy().put("data", "not base64!"), wait)).isEqualTo(AgentProtocol.BAD_MESSAGE);
    assertThat(failureCode(noData.copy().put("data", "AQ==").put("agent_id", "unknown-agent"), wait))
        .isEqualTo(AgentProtocol.UNKNOWN_AGENT);
    assertThat(metrics()).containsEntry("master/messages_executor_to_framework", 0.0);
  }

  private int failureCode(JsonObject message, DeliveryOptions options) throws Exception {
    try {
      fixture.onLoop(() -> fixture.vertx.eventBus().request(AgentProtocol.MASTER_ADDRESS, message, options));
    } catch (ExecutionException e) {
      return ((ReplyException) e.getCause()).failureCode();
    }
    throw new AssertionError("accepted: " + message);
  }

  private Map<String, Double> metrics() throws Exception {
    return new io.vertx.core.json.JsonObject(fixture.get(master.url() + "/metrics/snapshot").body()).getMap().entrySet().stream()
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> ((Number) e.getValue()).doubleValue()));
  }
}
