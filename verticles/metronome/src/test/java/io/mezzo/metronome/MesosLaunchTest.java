package io.mezzo.metronome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.master.sim.SimulatedAgent;
import io.mezzo.metronome.MetronomeFixture.Instance;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.mesos.v1.Protos.TaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metronome's runs as tasks of the framework {@code metronome} on a real master with simulated agents. */
class MesosLaunchTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;
  MesosCluster cluster;
  final SettableClock clock = SettableClock.at("2026-03-01T10:00:30Z");
  Instance m;
  SimulatedAgent agent;

  @BeforeEach
  void start() throws Exception {
    cluster = new MesosCluster(dir);
    agent = cluster.agent("agent-a.example", "cpus:4;mem:4096;disk:10000");
    m = cluster.metronome(clock, new JsonObject());
    await().atMost(WAIT).ignoreExceptions().until(() -> cluster.fx.get(m.url("/v1/jobs")).statusCode() == 200);
  }

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  JsonObject json(String path) throws Exception {
    var r = cluster.fx.get(m.url(path));
    assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  void createJob(String body) throws Exception {
    var r = cluster.fx.post(m.url("/v1/jobs"), body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  String runNow(String jobId) throws Exception {
    var r = cluster.fx.post(m.url("/v1/jobs/" + jobId + "/runs"), "");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new JsonObject(r.body()).getString("id");
  }

  /** Waits until the live run is ACTIVE with its newest task running, and returns that task's id. */
  String awaitActive(String jobId, String runId) {
    String[] task = new String[1];
    await().atMost(WAIT).ignoreExceptions().until(() -> {
      var r = cluster.fx.get(m.url("/v1/jobs/" + jobId + "/runs/" + runId));
      JsonObject run = new JsonObject(r.body());
      JsonArray tasks = run.getJsonArray("tasks", new JsonArray());
      if (!"ACTIVE".equals(run.getString("status")) || tasks.isEmpty()) {
        return false;
      }
      JsonObject last = tasks.getJsonObject(tasks.size() - 1);
      task[0] = last.getString("id");
      return "TASK_RUNNING".equals(last.getString("status"));
    });
    return task[0];
  }

  void awaitStatus(String jobId, String runId, String status) {
    await().atMost(WAIT).ignoreExceptions().until(() -> status.equals(new JsonObject(cluster.fx.get(m.url("/v1/jobs/" + jobId + "/runs/"
        + runId)).body()).getString("status")));
  }

  JsonObject history(String jobId) throws Exception {
    return json("/v1/jobs/" + jobId + "?embed=history").getJsonObject("history");
  }

  @Test
  void runNow_taskRunsOnAgentAndFinishes_runSucceedsWithItsTaskInHistory() throws Exception {
    createJob("""
        {"id":"prod.hello","run":{"cmd":"echo hi","cpus":0.5,"mem":64,"env":{"GREETING":"hi"},
         "artifacts":[{"uri":"http://example.com/a.tgz"}],"taskKillGracePeriodSeconds":7}}""");
    String runId = runNow("prod.hello");
    String taskId = awaitActive("prod.hello", runId);
    assertThat(taskId).isEqualTo("prod.hello_" + runId + ".1");
    assertThat(agent.tasks().values()).singleElement()
        .satisfies(t -> assertThat(t.getTaskId().getValue()).isEqualTo(taskId));

    JsonObject framework = cluster.masterState().getJsonArray("frameworks").getJsonObject(0);
    assertThat(framework.getString("name")).isEqualTo("metronome");
    assertThat(framework.getBoolean("checkpoint")).isTrue();
    assertThat(framework.getDouble("failover_timeout")).isEqualTo(604800.0);
    byte[] stored = cluster.fx.session().getData().forPath("/metronome/framework-id");
    assertThat(new String(stored, StandardCharsets.UTF_8)).isEqualTo(framework.getString("id"));

    cluster.finish(agent, taskId, TaskState.TASK_FINISHED);
    await().atMost(WAIT).ignoreExceptions().until(() -> history("prod.hello").getLong("successCount") == 1);
    JsonObject finished = history("prod.hello").getJsonArray("successfulFinishedRuns").getJsonObject(0);
    assertThat(finished.getString("id")).isEqualTo(runId);
    assertThat(finished.getJsonArray("tasks")).containsExactly(taskId);
    await().atMost(WAIT).ignoreExceptions().until(() -> agent.unacknowledged() == 0);
    assertThat(json("/v1/jobs/prod.hello/runs/" + runId).getJsonArray("tasks").getJsonObject(0).getString("status"))
        .isEqualTo("TASK_FINISHED");
  }

  @Test
  void onFailure_failedTasksRelaunchUntilTheDeadline_thenTheRunFails() throws Exception {
    createJob("""
        {"id":"flaky","run":{"cmd":"exit 1","cpus":0.1,"mem":32,
         "restart":{"policy":"ON_FAILURE","activeDeadlineSeconds":60}}}""");
    String runId = runNow("flaky");
    String first = awaitActive("flaky", runId);
    cluster.finish(agent, first, TaskState.TASK_FAILED);
    awaitStatus("flaky", runId, "INITIAL");

    clock.advance(Duration.ofSeconds(5)); // past the backoff
    String second = awaitActive("flaky", runId);
    assertThat(second).isEqualTo("flaky_" + runId + ".2");
    cluster.finish(agent, second, TaskState.TASK_FAILED);
    awaitStatus("flaky", runId, "INITIAL");

    clock.advance(Duration.ofSeconds(5));
    String third = awaitActive("flaky", runId);
    assertThat(third).isEqualTo("flaky_" + runId + ".3");
    clock.advance(Duration.ofSeconds(60)); // past activeDeadlineSeconds
    cluster.finish(agent, third, TaskState.TASK_FAILED);

    await().atMost(WAIT).ignoreExceptions().until(() -> history("flaky").getLong("failureCount") == 1);
    assertThat(history("flaky").getJsonArray("failedFinishedRuns").getJsonObject(0).getJsonArray("tasks"))
        .containsExactly(first, second, third);
    assertThat(cluster.launches).hasSize(3);
  }

  @Test
  void nearAFireTime_theOfferItsJobNeedsIsKept_theOtherGoesBack_andTheRunLaunchesOnTheKeptOne() throws Exception {
    SimulatedAgent other = cluster.agent("agent-b.example", "cpus:4;mem:4096;disk:10000");
    var r = cluster.fx.post(m.url("/v0/scheduled-jobs"), """
        {"id":"minutely","run":{"cmd":"true","cpus":0.1,"mem":32},"schedules":[{"id":"m","cron":"* * * * *"}]}""");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);

    // 8 s before 10:01:00, inside offer_hold_seconds (10): one agent's offer is enough for the one run and is kept
    clock.set("2026-03-01T10:00:52Z");
    await().atMost(WAIT).ignoreExceptions().until(() -> metronomeOffers().size() == 1);
    Thread.sleep(1000); // several allocation rounds: the other agent's offer was declined, not kept
    JsonArray kept = metronomeOffers();
    assertThat(kept).hasSize(1);
    String keptAgent = kept.getJsonObject(0).getString("slave_id");
    assertThat(keptAgent).isIn(agent.agentId(), other.agentId());
    assertThat(cluster.launches).isEmpty();

    // the fire time: the run goes onto the kept offer, which is then used up
    clock.set("2026-03-01T10:01:00.300Z");
    await().atMost(WAIT).until(() -> cluster.launches.size() == 1);
    SimulatedAgent ran = agent.agentId().equals(keptAgent) ? agent : other;
    await().atMost(WAIT).until(() -> ran.tasks().size() == 1);
    assertThat((agent == ran ? other : agent).tasks()).isEmpty();
  }

  /** The offers the master has outstanding to the framework {@code metronome}. */
  JsonArray metronomeOffers() throws Exception {
    return cluster.masterState().getJsonArray("frameworks").stream().map(JsonObject.class::cast)
        .filter(f -> f.getString("name").equals("metronome")).findFirst().orElseThrow().getJsonArray("offers");
  }

  @Test
  void forbid_scheduledRunWhileOneIsActive_isSkippedAndNothingIsLaunched() throws Exception {
    var r = cluster.fx.post(m.url("/v0/scheduled-jobs"), """
        {"id":"nightly","run":{"cmd":"sleep 100","cpus":0.1,"mem":32},
         "schedules":[{"id":"m","cron":"* * * * *","concurrencyPolicy":"FORBID","startingDeadlineSeconds":60}]}""");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    clock.set("2026-03-01T10:01:02Z");
    await().atMost(WAIT).ignoreExceptions().until(() -> cluster.launches.size() == 1);
    String runId = new JsonArray(cluster.fx.get(m.url("/v1/jobs/nightly/runs")).body()).getJsonObject(0).getString("id");
    String task = awaitActive("nightly", runId);

    clock.set("2026-03-01T10:02:02Z");
    await().atMost(WAIT).ignoreExceptions().until(() -> json("/v1/metrics").getJsonObject("counters")
        .getJsonObject("metronome.schedules.fires-skipped").getLong("count") == 1);
    assertThat(new JsonArray(cluster.fx.get(m.url("/v1/jobs/nightly/runs")).body())).hasSize(1);
    assertThat(agent.tasks()).hasSize(1);

    cluster.finish(agent, task, TaskState.TASK_FINISHED);
    await().atMost(WAIT).ignoreExceptions().until(() -> history("nightly").getLong("successCount") == 1);
    clock.set("2026-03-01T10:03:02Z");
    await().atMost(WAIT).ignoreExceptions().until(() -> cluster.launches.size() == 2);
  }

  @Test
  void dependency_aFinishesOnTheAgent_bIsLaunchedOnceAfterIt() throws Exception {
    createJob("{\"id\":\"etl.extract\",\"run\":{\"cmd\":\"true\",\"cpus\":0.1,\"mem\":32}}");
    createJob("""
        {"id":"etl.load","run":{"cmd":"true","cpus":0.1,"mem":32},"dependencies":[{"id":"etl.extract"}]}""");
    String a = runNow("etl.extract");
    String taskA = awaitActive("etl.extract", a);
    assertThat(new JsonArray(cluster.fx.get(m.url("/v1/jobs/etl.load/runs")).body())).isEmpty();

    cluster.finish(agent, taskA, TaskState.TASK_FINISHED);
    await().atMost(WAIT).ignoreExceptions()
        .until(() -> new JsonArray(cluster.fx.get(m.url("/v1/jobs/etl.load/runs")).body()).size() == 1);
    String b = new JsonArray(cluster.fx.get(m.url("/v1/jobs/etl.load/runs")).body()).getJsonObject(0).getString("id");
    String taskB = awaitActive("etl.load", b);
    cluster.finish(agent, taskB, TaskState.TASK_FINISHED);
    await().atMost(WAIT).ignoreExceptions().until(() -> history("etl.load").getLong("successCount") == 1);
    Thread.sleep(500); // several scheduler rounds
    assertThat(cluster.launches).filteredOn(l -> l.startsWith("etl.load_")).singleElement()
        .satisfies(l -> assertThat(l).startsWith(taskB + "@"));
    assertThat(new JsonArray(cluster.fx.get(m.url("/v1/jobs/etl.load/runs")).body())).isEmpty();
  }

  @Test
  void placement_hostnameIs_everyRunLandsOnThatAgent() throws Exception {
    SimulatedAgent b = cluster.agent("agent-b.example", "cpus:4;mem:4096;disk:10000");
    createJob("""
        {"id":"pinned","run":{"cmd":"true","cpus":0.1,"mem":32,
         "placement":{"constraints":[{"attribute":"hostname","operator":"IS","value":"agent-b.example"}]}}}""");
    createJob("""
        {"id":"elsewhere","run":{"cmd":"true","cpus":0.1,"mem":32,
         "placement":{"constraints":[{"attribute":"hostname","operator":"UNLIKE","value":"agent-b.*"}]}}}""");
    List<String> pinned = List.of(runNow("pinned"), runNow("pinned"), runNow("pinned"));
    String other = runNow("elsewhere");
    for (String run : pinned) {
      awaitActive("pinned", run);
    }
    awaitActive("elsewhere", other);
    assertThat(b.tasks().values()).extracting(t -> t.getTaskId().getValue())
        .containsExactlyInAnyOrderElementsOf(pinned.stream().map(run -> "pinned_" + run + ".1").toList());
    assertThat(agent.tasks().values()).extracting(t -> t.getTaskId().getValue())
        .containsExactly("elsewhere_" + other + ".1");
  }

  @Test
  void stop_activeRun_taskIsKilledAndTheRunFails() throws Exception {
    createJob("{\"id\":\"long\",\"run\":{\"cmd\":\"sleep 1000\",\"cpus\":0.1,\"mem\":32}}");
    String runId = runNow("long");
    awaitActive("long", runId);
    var stopped = cluster.fx.post(m.url("/v1/jobs/long/runs/" + runId + "/actions/stop"), "");
    assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(200);
    assertThat(new JsonObject(stopped.body()).getString("status")).isEqualTo("FAILED");
    await().atMost(WAIT).ignoreExceptions().until(() -> agent.tasks().isEmpty() && agent.unacknowledged() == 0);
    JsonObject completed = cluster.masterState().getJsonArray("completed_tasks", new JsonArray()).isEmpty()
        ? null : cluster.masterState().getJsonArray("completed_tasks").getJsonObject(0);
    assertThat(history("long").getLong("failureCount")).isEqualTo(1);
    if (completed != null) {
      assertThat(completed.getString("state")).isEqualTo("TASK_KILLED");
    }
  }
}
