package io.mezzo.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.master.sim.SimulatedAgent;
import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.proto.Resources;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.master.Protos.Response;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A whole framework session against a real master and a simulated agent, in both encodings. */
class FrameworkSessionTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir
  Path dir;

  private MasterFixture fixture;
  private MasterFixture.Deployed master;
  private SimulatedAgent agent;

  @BeforeEach
  void start() throws Exception {
    fixture = new MasterFixture(dir);
    master = fixture.deploy(new JsonObject());
    await().atMost(WAIT).until(() -> fixture.post(master.url() + "/api/v1", "application/json", null,
        "{\"type\":\"GET_HEALTH\"}").statusCode() == 200);
    agent = new SimulatedAgent(fixture.vertx, "agent-1.example", "cpus:4;mem:4096;disk:10000;ports:[31000-32000]", 200);
    fixture.onLoop(agent::start);
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  private static Call subscribe() {
    return Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("root").setName("session-test").setFailoverTimeout(60)
            .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE)))).build();
  }

  private static Event.Update update(TestScheduler s, String taskId, TaskState state) throws InterruptedException {
    return s.next(e -> e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().getTaskId().getValue().equals(taskId)
        && e.getUpdate().getStatus().getState() == state, WAIT).getUpdate();
  }

  private static Call ack(TaskStatus status) {
    return Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
        .setAgentId(status.getAgentId()).setTaskId(status.getTaskId()).setUuid(status.getUuid())).build();
  }

  @ParameterizedTest
  @ValueSource(strings = {TestScheduler.JSON, TestScheduler.PROTOBUF})
  void wholeSession_subscribeOfferLaunchAckReconcileKillTeardown(String encoding) throws Exception {
    try (TestScheduler s = new TestScheduler(master.url(), encoding)) {
      assertThat(s.subscribe(subscribe())).isEqualTo(200);
      assertThat(s.frameworkId.getValue()).matches("[0-9a-f-]{36}-0000");

      Offer offer = s.next(e -> e.getType() == Event.Type.OFFERS, WAIT).getOffers().getOffers(0);
      assertThat(offer.getAgentId().getValue()).isEqualTo(agent.agentId());
      assertThat(offer.getHostname()).isEqualTo("agent-1.example");
      assertThat(Resources.format(offer.getResourcesList())).isEqualTo("cpus:4;disk:10000;mem:4096;ports:[31000-32000]");

      TaskInfo task = TaskInfo.newBuilder().setName("web").setTaskId(TaskID.newBuilder().setValue("web-1"))
          .setAgentId(offer.getAgentId()).setCommand(CommandInfo.newBuilder().setValue("sleep 1000"))
          .addAllResources(Resources.parse("cpus:1;mem:128;ports:[31000-31000]", "*")).build();
      assertThat(s.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
          .addOfferIds(offer.getId()).addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
              .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)))
          .setFilters(Filters.newBuilder().setRefuseSeconds(0))).build()).statusCode()).isEqualTo(202);

      TaskStatus running = update(s, "web-1", TaskState.TASK_RUNNING).getStatus();
      assertThat(running.hasUuid()).isTrue();
      assertThat(agent.unacknowledged()).isEqualTo(1);
      assertThat(s.call(ack(running)).statusCode()).isEqualTo(202);
      await().atMost(WAIT).until(() -> agent.unacknowledged() == 0);

      // The rest of the agent comes back in a later offer, without the task's share.
      Offer rest = s.next(e -> e.getType() == Event.Type.OFFERS, WAIT).getOffers().getOffers(0);
      assertThat(Resources.format(rest.getResourcesList())).isEqualTo("cpus:3;disk:10000;mem:3968;ports:[31001-32000]");
      s.call(Call.newBuilder().setType(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder().addOfferIds(rest.getId())
          .setFilters(Filters.newBuilder().setRefuseSeconds(3600))).build());

      s.call(Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(Call.Reconcile.getDefaultInstance()).build());
      // the agent may have resent its TASK_RUNNING (with its uuid) before the acknowledgement reached
      // it; the reconciliation answer is the update without a uuid
      TaskStatus implicit = s.next(e -> e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().getTaskId().getValue().equals("web-1")
          && e.getUpdate().getStatus().getState() == TaskState.TASK_RUNNING && !e.getUpdate().getStatus().hasUuid(), WAIT)
          .getUpdate().getStatus();
      assertThat(implicit.getReason()).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);

      s.call(Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(Call.Reconcile.newBuilder()
          .addTasks(Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue("never-launched"))
              .setAgentId(AgentID.newBuilder().setValue(agent.agentId())))
          .addTasks(Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue("elsewhere"))
              .setAgentId(AgentID.newBuilder().setValue("no-such-agent")))).build());
      assertThat(update(s, "never-launched", TaskState.TASK_GONE).getStatus().getReason()).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);
      update(s, "elsewhere", TaskState.TASK_UNKNOWN);

      assertThat(s.call(Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder()
          .setTaskId(TaskID.newBuilder().setValue("web-1"))).build()).statusCode()).isEqualTo(202);
      TaskStatus killed = update(s, "web-1", TaskState.TASK_KILLED).getStatus();
      s.call(ack(killed));
      await().atMost(WAIT).until(() -> agent.unacknowledged() == 0);

      Response state = MesosJson.parse(fixture.post(master.url() + "/api/v1", "application/json", "application/json",
          "{\"type\":\"GET_STATE\"}").body(), Response.getDefaultInstance());
      assertThat(state.getGetState().getGetTasks().getCompletedTasksList())
          .extracting(t -> t.getTaskId().getValue() + " " + t.getState()).containsExactly("web-1 TASK_KILLED");
      assertThat(state.getGetState().getGetAgents().getAgentsList()).hasSize(1);

      JsonObject legacy = new JsonObject(fixture.get(master.url() + "/master/state").body());
      assertThat(legacy.getJsonArray("frameworks").getJsonObject(0).getString("name")).isEqualTo("session-test");
      assertThat(legacy.getJsonArray("slaves").getJsonObject(0).getJsonObject("resources").getDouble("cpus")).isEqualTo(4.0);

      assertThat(s.call(Call.newBuilder().setType(Call.Type.TEARDOWN).build()).statusCode()).isEqualTo(202);
      await().atMost(WAIT).until(() -> !s.streamOpen());
      JsonObject after = new JsonObject(fixture.get(master.url() + "/master/state").body());
      assertThat(after.getJsonArray("frameworks")).isEmpty();
      assertThat(after.getJsonArray("completed_frameworks").getJsonObject(0).getString("id")).isEqualTo(s.frameworkId.getValue());

      // A torn-down framework cannot come back.
      try (TestScheduler again = new TestScheduler(master.url(), encoding)) {
        Call resubscribe = subscribe().toBuilder().setFrameworkId(s.frameworkId).setSubscribe(subscribe().getSubscribe().toBuilder()
            .setFrameworkInfo(subscribe().getSubscribe().getFrameworkInfo().toBuilder().setId(s.frameworkId))).build();
        assertThat(again.subscribe(resubscribe)).isEqualTo(403);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {TestScheduler.JSON, TestScheduler.PROTOBUF})
  void invalidTask_getsTaskErrorAndResourcesReturn(String encoding) throws Exception {
    try (TestScheduler s = new TestScheduler(master.url(), encoding)) {
      s.subscribe(subscribe());
      Offer offer = s.next(e -> e.getType() == Event.Type.OFFERS, WAIT).getOffers().getOffers(0);
      TaskInfo tooBig = TaskInfo.newBuilder().setName("big").setTaskId(TaskID.newBuilder().setValue("big-1"))
          .setAgentId(offer.getAgentId()).setCommand(CommandInfo.newBuilder().setValue("true"))
          .addAllResources(Resources.parse("cpus:64;mem:128", "*")).build();
      s.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
          .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
              .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(tooBig)))
          .setFilters(Filters.newBuilder().setRefuseSeconds(0))).build());
      Event.Update error = update(s, "big-1", TaskState.TASK_ERROR);
      assertThat(error.getStatus().getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_INVALID);
      assertThat(error.getStatus().getMessage()).contains("more resources");

      // Using the same (now spent) offer again: dropped, as the framework is partition-aware.
      s.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
          .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
              .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(tooBig.toBuilder()
                  .setTaskId(TaskID.newBuilder().setValue("late-1")))))).build());
      assertThat(update(s, "late-1", TaskState.TASK_DROPPED).getStatus().getReason()).isEqualTo(TaskStatus.Reason.REASON_INVALID_OFFERS);

      Offer again = s.next(e -> e.getType() == Event.Type.OFFERS, WAIT).getOffers().getOffers(0);
      assertThat(Resources.format(again.getResourcesList())).startsWith("cpus:4;");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {TestScheduler.JSON, TestScheduler.PROTOBUF})
  void operatorSubscribe_streamsStateThenTaskEvents(String encoding) throws Exception {
    var response = fixture.post(master.url() + "/api/v1", "application/json", encoding, "{\"type\":\"GET_AGENTS\"}");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).contains(encoding);
    List<String> types = List.of("GET_HEALTH", "GET_FLAGS", "GET_VERSION", "GET_METRICS", "GET_STATE", "GET_AGENTS",
        "GET_FRAMEWORKS", "GET_EXECUTORS", "GET_TASKS", "GET_ROLES", "GET_MASTER", "GET_WEIGHTS", "GET_QUOTA",
        "GET_MAINTENANCE_STATUS", "GET_MAINTENANCE_SCHEDULE");
    for (String type : types) {
      var r = fixture.post(master.url() + "/api/v1", "application/json", "application/json", "{\"type\":\"" + type + "\"}");
      assertThat(r.statusCode()).as(type).isEqualTo(200);
      assertThat(new JsonObject(r.body()).getString("type")).as(type).isEqualTo(type);
    }
  }
}
