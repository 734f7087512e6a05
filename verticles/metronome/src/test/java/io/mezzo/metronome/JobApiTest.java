package io.mezzo.metronome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.metronome.MetronomeFixture.Instance;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job API of one leading instance on a real ZooKeeper, driven over HTTP. */
class JobApiTest {

  @TempDir
  static Path dir;
  static MetronomeFixture fx;
  static Instance m;
  static final SettableClock clock = SettableClock.at("2026-03-01T10:00:30Z");
  static final LocalRunLauncher launcher = new LocalRunLauncher();

  @BeforeAll
  static void start() throws Exception {
    fx = new MetronomeFixture(dir);
    m = fx.deploy(clock, launcher, new JsonObject().put("history_count", 2));
    await().atMost(Duration.ofSeconds(15)).until(() -> fx.get(m.url("/v1/jobs")).statusCode() == 200);
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  static HttpResponse<String> get(String path) throws Exception {
    return fx.get(m.url(path));
  }

  static HttpResponse<String> post(String path, String body) throws Exception {
    return fx.post(m.url(path), body);
  }

  static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  static JsonObject defaultsOf(String id, String cmd) {
    return new JsonObject("""
        {"id":"%s","labels":{},"run":{"cmd":"%s","cpus":1.0,"mem":128.0,"disk":0.0,"gpus":0,"env":{},
         "artifacts":[],"placement":{"constraints":[]},"restart":{"policy":"NEVER"},"maxLaunchDelay":3600,
         "volumes":[]},"dependencies":[]}""".formatted(id, cmd));
  }

  @Test
  void createGetReplaceDelete_job_answersWithMetronomeDefaultsAndErrors() throws Exception {
    HttpResponse<String> created = post("/v1/jobs", "{\"id\":\"prod.backup-db\",\"run\":{\"cmd\":\"echo hi\"}}");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(json(created)).isEqualTo(defaultsOf("prod.backup-db", "echo hi"));
    assertThat(json(get("/v1/jobs/prod.backup-db"))).isEqualTo(defaultsOf("prod.backup-db", "echo hi"));

    HttpResponse<String> again = post("/v1/jobs", "{\"id\":\"prod.backup-db\",\"run\":{\"cmd\":\"echo hi\"}}");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(json(again)).isEqualTo(new JsonObject().put("message", "Job with this id already exists"));

    HttpResponse<String> replaced = fx.put(m.url("/v1/jobs/prod.backup-db"),
        "{\"run\":{\"cmd\":\"echo bye\",\"mem\":64}}");
    assertThat(replaced.statusCode()).isEqualTo(200);
    JsonObject expected = defaultsOf("prod.backup-db", "echo bye");
    expected.getJsonObject("run").put("mem", 64.0);
    assertThat(json(get("/v1/jobs/prod.backup-db"))).isEqualTo(expected);

    assertThat(fx.delete(m.url("/v1/jobs/prod.backup-db")).statusCode()).isEqualTo(200);
    HttpResponse<String> gone = get("/v1/jobs/prod.backup-db");
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(gone.body()).isEqualTo("{\"message\":\"Job 'prod.backup-db' does not exist\"}");
    assertThat(fx.put(m.url("/v1/jobs/prod.backup-db"), "{\"run\":{\"cmd\":\"x\"}}").statusCode()).isEqualTo(404);
  }

  @Test
  void badInput_everyKind_422or400WithPathAndNothingStored() throws Exception {
    post("/v1/jobs", "{\"id\":\"keep\",\"run\":{\"cmd\":\"true\"}}");
    post("/v1/jobs/keep/schedules", "{\"id\":\"nightly\",\"cron\":\"0 2 * * *\"}");
    String before = get("/v1/jobs?embed=schedules").body();
    String children = String.join(",", m.curator().getChildren().forPath("/metronome/jobs"));

    assertProblem(post("/v0/scheduled-jobs", """
        {"id":"cronbad","run":{"cmd":"true"},"schedules":[{"id":"s","cron":"61 * * * *"}]}"""),
        422, "Object is not valid", "/schedules/0/cron");
    assertProblem(post("/v0/scheduled-jobs", """
        {"id":"tzbad","run":{"cmd":"true"},"schedules":[{"id":"s","cron":"* * * * *","timezone":"Mars/Olympus"}]}"""),
        422, "Object is not valid", "/schedules/0/timezone");
    assertProblem(post("/v1/jobs", "{\"id\":\"Bad_Id\",\"run\":{\"cmd\":\"true\"}}"), 422, "Object is not valid", "/id");
    HttpResponse<String> mem = post("/v1/jobs", "{\"id\":\"small\",\"run\":{\"cmd\":\"true\",\"mem\":16}}");
    assertProblem(mem, 422, "Object is not valid", "/run/mem");
    assertThat(json(mem).getJsonArray("details").getJsonObject(0).getJsonArray("errors"))
        .isEqualTo(new JsonArray().add("is less than 32"));
    assertProblem(post("/v1/jobs", "{\"id\":\"broken\" \"run\":{}}"), 400, "Invalid JSON", "/");
    assertProblem(post("/v1/jobs", "{\"id\":\"cut\",\"run\":{"), 400, "Invalid JSON", "/run");
    assertProblem(post("/v1/jobs", "{\"id\":\"typed\",\"run\":{\"cmd\":\"true\",\"mem\":\"lots\"}}"),
        400, "Invalid JSON", "/run/mem");
    assertProblem(post("/v1/jobs/keep/schedules", "{\"id\":\"s2\",\"cron\":\"* * * *\"}"),
        422, "Object is not valid", "/cron");
    assertProblem(post("/v1/jobs/keep/schedules", "{\"id\":\"s3\",\"cron\":\"* * * * *\",\"startingDeadlineSeconds\":10}"),
        422, "Object is not valid", "/startingDeadlineSeconds");
    assertProblem(fx.put(m.url("/v1/jobs/keep"), "{\"id\":\"other\",\"run\":{\"cmd\":\"true\"}}"),
        422, "Object is not valid", "/id");
    assertProblem(fx.put(m.url("/v1/jobs/keep"), "{\"run\":{\"cmd\":\"true\"},\"dependencies\":[{\"id\":\"keep\"}]}"),
        422, "Object is not valid", "/dependencies/0/id");

    assertThat(get("/v1/jobs?embed=schedules").body()).isEqualTo(before);
    assertThat(String.join(",", m.curator().getChildren().forPath("/metronome/jobs"))).isEqualTo(children);
    assertThat(get("/v1/jobs?embed=nonsense").statusCode()).isEqualTo(400);
  }

  @Test
  void badInput_replacingAStoredJobOrSchedule_422or400WithPath_andTheStoredNodesKeepTheirBytes() throws Exception {
    post("/v1/jobs", "{\"id\":\"stored\",\"run\":{\"cmd\":\"true\",\"mem\":64}}");
    post("/v1/jobs/stored/schedules", "{\"id\":\"nightly\",\"cron\":\"0 2 * * *\",\"timezone\":\"Europe/Berlin\"}");
    String jobNode = "/metronome/jobs/stored";
    String scheduleNode = jobNode + "/schedules/nightly";
    byte[] job = m.curator().getData().forPath(jobNode);
    byte[] schedule = m.curator().getData().forPath(scheduleNode);
    String before = get("/v0/scheduled-jobs/stored").body();

    assertProblem(fx.put(m.url("/v1/jobs/stored"), "{\"id\":\"stored\",\"run\":{\"cmd\":\"true\",\"mem\":31}}"),
        422, "Object is not valid", "/run/mem");
    assertProblem(fx.put(m.url("/v1/jobs/stored"), "{\"id\":\"stored\",\"run\":{\"cmd\":\"true\",\"mem\":64"),
        400, "Invalid JSON", "/run");
    assertProblem(fx.put(m.url("/v1/jobs/stored/schedules/nightly"), "{\"id\":\"nightly\",\"cron\":\"0 25 * * *\"}"),
        422, "Object is not valid", "/cron");
    assertProblem(fx.put(m.url("/v1/jobs/stored/schedules/nightly"),
        "{\"id\":\"nightly\",\"cron\":\"0 2 * * *\",\"timezone\":\"Europe/Atlantis\"}"),
        422, "Object is not valid", "/timezone");
    assertProblem(fx.put(m.url("/v1/jobs/stored/schedules/nightly"), "{\"id\":\"nightly\",\"cron\":\"0 2 * * *\","),
        400, "Invalid JSON", "/");
    assertProblem(post("/v1/jobs/stored/schedules", "{\"id\":\"Not_A_Schedule\",\"cron\":\"0 2 * * *\"}"),
        422, "Object is not valid", "/id");
    assertProblem(fx.put(m.url("/v0/scheduled-jobs/stored"), """
        {"id":"stored","run":{"cmd":"true","mem":64},"schedules":[{"id":"nightly","cron":"0 2 31 2 MON#6"}]}"""),
        422, "Object is not valid", "/schedules/0/cron");

    assertThat(m.curator().getData().forPath(jobNode)).isEqualTo(job);
    assertThat(m.curator().getData().forPath(scheduleNode)).isEqualTo(schedule);
    assertThat(m.curator().getChildren().forPath(jobNode + "/schedules")).containsExactly("nightly");
    assertThat(get("/v0/scheduled-jobs/stored").body()).isEqualTo(before);
  }

  static void assertProblem(HttpResponse<String> r, int status, String message, String path) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonObject body = json(r);
    assertThat(body.getString("message")).isEqualTo(message);
    assertThat(body.getJsonArray("details").stream().map(d -> ((JsonObject) d).getString("path")).toList())
        .as(r.body()).contains(path);
  }

  @Test
  void runNow_testLauncherStartsAndFinishesIt_initialActiveSuccessInHistory() throws Exception {
    post("/v1/jobs", "{\"id\":\"once\",\"run\":{\"cmd\":\"echo once\"}}");
    HttpResponse<String> started = post("/v1/jobs/once/runs", "");
    assertThat(started.statusCode()).isEqualTo(201);
    JsonObject run = json(started);
    String runId = run.getString("id");
    assertThat(runId).matches("\\d{14}[0-9A-Za-z]{5}");
    assertThat(run.getString("jobId")).isEqualTo("once");
    assertThat(run.getString("status")).isEqualTo("INITIAL");
    assertThat(run.getJsonArray("tasks")).isEmpty();

    await().until(() -> launcher.isQueued(runId));
    JsonArray queue = new JsonArray(get("/v1/queue").body());
    assertThat(queue).contains(new JsonObject().put("jobId", "once")
        .put("runs", new JsonArray().add(new JsonObject().put("runId", runId))));

    launcher.start(runId);
    await().until(() -> json(get("/v1/jobs/once/runs/" + runId)).getString("status").equals("ACTIVE"));
    JsonObject active = json(get("/v1/jobs/once?embed=activeRuns"));
    assertThat(active.getJsonArray("activeRuns").getJsonObject(0).getString("status")).isEqualTo("ACTIVE");

    launcher.succeed(runId);
    await().until(() -> json(get("/v1/jobs/once?embed=history")).getJsonObject("history").getLong("successCount") == 1);
    JsonObject job = json(get("/v1/jobs/once?embed=history&embed=activeRuns"));
    assertThat(job.getJsonArray("activeRuns")).isEmpty();
    JsonObject history = job.getJsonObject("history");
    assertThat(history.getLong("failureCount")).isZero();
    assertThat(history.getString("lastSuccessAt")).isEqualTo(clock.instant().toString());
    assertThat(history.getJsonArray("successfulFinishedRuns").getJsonObject(0).getString("id")).isEqualTo(runId);
    assertThat(json(get("/v1/jobs/once/runs/" + runId)).getString("status")).isEqualTo("SUCCESS");
    assertThat(json(get("/v1/jobs/once?embed=historySummary")).getJsonObject("historySummary").fieldNames())
        .containsExactlyInAnyOrder("successCount", "failureCount", "lastSuccessAt", "lastFailureAt");
  }

  @Test
  void strayTask_runningAfterItsRunEnded_isKilled_andTheRunStaysInHistory() throws Exception {
    post("/v1/jobs", "{\"id\":\"stray\",\"run\":{\"cmd\":\"sleep 1\"}}");
    String runId = json(post("/v1/jobs/stray/runs", "")).getString("id");
    await().until(() -> launcher.isQueued(runId));
    launcher.start(runId);
    await().until(() -> json(get("/v1/jobs/stray/runs/" + runId)).getString("status").equals("ACTIVE"));
    assertThat(fx.post(m.url("/v1/jobs/stray/runs/" + runId + "/actions/stop"), "").statusCode()).isEqualTo(200);

    // the kill was lost: the task still reports running (e.g. reconciliation after a re-subscription)
    String task = "stray_" + runId + ".1";
    launcher.reportRunning("stray", runId, 1, task).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(launcher.strays).contains(task);
    assertThat(json(get("/v1/jobs/stray/runs/" + runId)).getString("status")).isEqualTo("FAILED");
    assertThat(new JsonArray(get("/v1/jobs/stray/runs").body())).isEmpty();

    // the live run's own attempt is not a stray
    String next = json(post("/v1/jobs/stray/runs", "")).getString("id");
    await().until(() -> launcher.isQueued(next));
    launcher.reportRunning("stray", next, 1, "stray_" + next + ".1").toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertThat(launcher.strays).doesNotContain("stray_" + next + ".1");
    assertThat(json(get("/v1/jobs/stray/runs/" + next)).getString("status")).isEqualTo("ACTIVE");
  }

  @Test
  void onFailureRestart_taskFails_runGoesBackToInitialAndIsRelaunchedAfterBackoff() throws Exception {
    post("/v1/jobs", "{\"id\":\"flaky\",\"run\":{\"cmd\":\"false\",\"restart\":"
        + "{\"policy\":\"ON_FAILURE\",\"activeDeadlineSeconds\":600}}}");
    String runId = json(post("/v1/jobs/flaky/runs", "")).getString("id");
    await().until(() -> launcher.isQueued(runId));
    launcher.start(runId);
    await().until(() -> json(get("/v1/jobs/flaky/runs/" + runId)).getString("status").equals("ACTIVE"));
    launcher.fail(runId);
    await().until(() -> json(get("/v1/jobs/flaky/runs/" + runId)).getString("status").equals("INITIAL"));
    assertThat(launcher.launches.stream().filter(runId::equals).count()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(2)); // past the first restart backoff of 1 s
    await().until(() -> launcher.launches.stream().filter(runId::equals).count() == 2);
    launcher.start(runId);
    launcher.succeed(runId);
    await().until(() -> json(get("/v1/jobs/flaky/runs/" + runId)).getString("status").equals("SUCCESS"));
    assertThat(json(get("/v1/jobs/flaky?embed=history")).getJsonObject("history").getLong("failureCount")).isZero();
  }

  @Test
  void historyCount_moreFinishedRunsThanKept_keepsNewestAndCountsAll() throws Exception {
    post("/v1/jobs", "{\"id\":\"many\",\"run\":{\"cmd\":\"true\"}}");
    for (int i = 0; i < 3; i++) {
      String runId = json(post("/v1/jobs/many/runs", "")).getString("id");
      await().until(() -> launcher.isQueued(runId));
      launcher.start(runId);
      launcher.succeed(runId);
      int expected = i + 1;
      await().until(() -> json(get("/v1/jobs/many?embed=history")).getJsonObject("history")
          .getLong("successCount") == expected);
    }
    assertThat(json(get("/v1/jobs/many?embed=history")).getJsonObject("history")
        .getJsonArray("successfulFinishedRuns")).hasSize(2);
  }

  @Test
  void stopAndDelete_activeRuns_stopRecordsFailureAndDeleteNeedsOverride() throws Exception {
    post("/v1/jobs", "{\"id\":\"busy\",\"run\":{\"cmd\":\"sleep 100\"}}");
    String first = json(post("/v1/jobs/busy/runs", "")).getString("id");
    HttpResponse<String> stopped = post("/v1/jobs/busy/runs/" + first + "/actions/stop", "");
    assertThat(stopped.statusCode()).isEqualTo(200);
    assertThat(json(stopped).getString("status")).isEqualTo("FAILED");
    assertThat(json(get("/v1/jobs/busy?embed=history")).getJsonObject("history")
        .getJsonArray("failedFinishedRuns").getJsonObject(0).getString("id")).isEqualTo(first);
    assertThat(post("/v1/jobs/busy/runs/nope/actions/stop", "").statusCode()).isEqualTo(404);

    String second = json(post("/v1/jobs/busy/runs", "")).getString("id");
    HttpResponse<String> refused = fx.delete(m.url("/v1/jobs/busy"));
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(json(refused)).isEqualTo(new JsonObject()
        .put("message", "There are active job runs. Override with stopCurrentJobRuns=true"));
    assertThat(get("/v1/jobs/busy").statusCode()).isEqualTo(200);

    assertThat(fx.delete(m.url("/v1/jobs/busy?stopCurrentJobRuns=true")).statusCode()).isEqualTo(200);
    assertThat(launcher.kills).contains(first, second);
    assertThat(get("/v1/jobs/busy").statusCode()).isEqualTo(404);
    assertThat(m.curator().checkExists().forPath("/metronome/jobs/busy")).isNull();
  }

  @Test
  void schedulesCrud_andV0ScheduledJobs_roundTrip() throws Exception {
    HttpResponse<String> created = post("/v0/scheduled-jobs", """
        {"id":"cron.job","run":{"cmd":"date"},
         "schedules":[{"id":"every5","cron":"*/5 * * * *","timezone":"Europe/Berlin","concurrencyPolicy":"FORBID"}]}""");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject schedule = json(created).getJsonArray("schedules").getJsonObject(0);
    assertThat(schedule).isEqualTo(new JsonObject("""
        {"id":"every5","cron":"*/5 * * * *","timezone":"Europe/Berlin","startingDeadlineSeconds":900,
         "concurrencyPolicy":"FORBID","enabled":true,"nextRunAt":"2026-03-01T10:05:00Z"}"""));
    assertThat(new JsonArray(get("/v1/jobs/cron.job/schedules").body())).containsExactly(schedule);

    HttpResponse<String> added = post("/v1/jobs/cron.job/schedules", "{\"id\":\"hourly\",\"cron\":\"@hourly\"}");
    assertThat(added.statusCode()).isEqualTo(201);
    assertThat(post("/v1/jobs/cron.job/schedules", "{\"id\":\"hourly\",\"cron\":\"@hourly\"}").statusCode())
        .isEqualTo(409);
    HttpResponse<String> changed = fx.put(m.url("/v1/jobs/cron.job/schedules/hourly"),
        "{\"cron\":\"30 * * * *\",\"enabled\":false}");
    assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
    JsonObject hourly = json(get("/v1/jobs/cron.job/schedules/hourly"));
    assertThat(hourly.getString("cron")).isEqualTo("30 * * * *");
    assertThat(hourly.getBoolean("enabled")).isFalse();
    assertThat(hourly.containsKey("nextRunAt")).isFalse();

    assertThat(fx.delete(m.url("/v1/jobs/cron.job/schedules/hourly")).statusCode()).isEqualTo(200);
    HttpResponse<String> missing = get("/v1/jobs/cron.job/schedules/hourly");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json(missing).getString("message")).isEqualTo("Schedule 'hourly' of job 'cron.job' does not exist");

    HttpResponse<String> replaced = fx.put(m.url("/v0/scheduled-jobs/cron.job"), """
        {"id":"cron.job","run":{"cmd":"date -u"},"schedules":[{"id":"daily","cron":"0 3 * * *"}]}""");
    assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
    JsonObject v0 = json(get("/v0/scheduled-jobs/cron.job"));
    assertThat(v0.getJsonObject("run").getString("cmd")).isEqualTo("date -u");
    assertThat(v0.getJsonArray("schedules").stream().map(s -> ((JsonObject) s).getString("id")).toList())
        .isEqualTo(List.of("daily"));
    assertThat(json(get("/v1/jobs/cron.job?embed=schedules")).getJsonArray("schedules")).hasSize(1);
  }

  @Test
  void forbidSchedule_runStillActive_skipsFireTimeUntilRunEnds() throws Exception {
    post("/v0/scheduled-jobs", """
        {"id":"forbid","run":{"cmd":"sleep 90"},
         "schedules":[{"id":"m","cron":"* * * * *","concurrencyPolicy":"FORBID","startingDeadlineSeconds":60}]}""");
    clock.set("2026-03-01T10:01:00Z");
    await().until(() -> new JsonArray(get("/v1/jobs/forbid/runs").body()).size() == 1);
    String first = new JsonArray(get("/v1/jobs/forbid/runs").body()).getJsonObject(0).getString("id");
    assertThat(first).startsWith("20260301100100");
    await().until(() -> launcher.isQueued(first));
    launcher.start(first);

    clock.set("2026-03-01T10:02:00Z");
    await().until(() -> json(get("/v1/metrics")).getJsonObject("counters")
        .getJsonObject("metronome.schedules.fires-skipped").getLong("count") >= 1);
    assertThat(new JsonArray(get("/v1/jobs/forbid/runs").body())).hasSize(1);

    launcher.succeed(first);
    await().until(() -> new JsonArray(get("/v1/jobs/forbid/runs").body()).isEmpty());
    clock.set("2026-03-01T10:03:00Z");
    await().until(() -> new JsonArray(get("/v1/jobs/forbid/runs").body()).size() == 1);
    assertThat(new JsonArray(get("/v1/jobs/forbid/runs").body()).getJsonObject(0).getString("id"))
        .startsWith("20260301100300");
  }

  @Test
  void manualRun_forbidScheduleAndRunActive_409AndStartsNothingUntilItEnds() throws Exception {
    post("/v0/scheduled-jobs", """
        {"id":"forbid.manual","run":{"cmd":"sleep 90"},
         "schedules":[{"id":"yearly","cron":"0 0 1 1 *","concurrencyPolicy":"FORBID"}]}""");
    HttpResponse<String> first = post("/v1/jobs/forbid.manual/runs", "");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    String runId = json(first).getString("id");
    await().until(() -> launcher.isQueued(runId));
    launcher.start(runId);

    HttpResponse<String> refused = post("/v1/jobs/forbid.manual/runs", "");
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(json(refused)).isEqualTo(new JsonObject().put("message", "Concurrent JobRun not allowed forbid.manual"));
    assertThat(new JsonArray(get("/v1/jobs/forbid.manual/runs").body())).hasSize(1);
    assertThat(launcher.launches).containsOnlyOnce(runId);

    launcher.succeed(runId);
    await().until(() -> new JsonArray(get("/v1/jobs/forbid.manual/runs").body()).isEmpty());
    HttpResponse<String> after = post("/v1/jobs/forbid.manual/runs", "");
    assertThat(after.statusCode()).as(after.body()).isEqualTo(201);
    assertThat(json(after).getString("id")).isNotEqualTo(runId);
  }

  @Test
  void manualRun_allowSchedule_runsOverlap() throws Exception {
    post("/v0/scheduled-jobs", """
        {"id":"allow.manual","run":{"cmd":"sleep 90"},"schedules":[{"id":"yearly","cron":"0 0 1 1 *"}]}""");
    assertThat(post("/v1/jobs/allow.manual/runs", "").statusCode()).isEqualTo(201);
    assertThat(post("/v1/jobs/allow.manual/runs", "").statusCode()).isEqualTo(201);
    assertThat(new JsonArray(get("/v1/jobs/allow.manual/runs").body())).hasSize(2);
  }

  @Test
  void serviceEndpoints_pingInfoLeaderMetrics_answer() throws Exception {
    assertThat(get("/ping").body()).isEqualTo("pong");
    assertThat(json(get("/info")).getString("version")).isNotBlank();
    assertThat(json(get("/leader"))).isEqualTo(new JsonObject().put("leader", m.address()));
    JsonObject metrics = json(get("/v1/metrics"));
    assertThat(metrics.getJsonObject("gauges").getJsonObject("metronome.leader").getInteger("value")).isEqualTo(1);
    assertThat(get("/v2/nothing").statusCode()).isEqualTo(404);
  }
}
