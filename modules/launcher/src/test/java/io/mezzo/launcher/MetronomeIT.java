package io.mezzo.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metronome's run semantics on a real `mezzo up`: jobs run as processes on the agent through the master. A failing
 * job under {@code ON_FAILURE} is restarted, attempt after attempt, until its {@code activeDeadlineSeconds} pass,
 * and its run then ends FAILED; a job with a {@code FORBID} schedule refuses a second run while one is active.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetronomeIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  static Path workDir;

  private MezzoProcess mezzo;
  private String metronome;
  private String agent;

  @BeforeAll
  void up() throws Exception {
    int metronomePort = MezzoProcess.freePort();
    int agentPort = MezzoProcess.freePort();
    mezzo = MezzoProcess.start(Map.of(), "up", "--work-dir", workDir.toString(),
        "--set", "zookeeper.port=" + MezzoProcess.freePort(), "--set", "diagnostics.port=" + MezzoProcess.freePort(),
        "--set", "mesos-master.port=" + MezzoProcess.freePort(), "--set", "mesos-master.allocation_interval_ms=200",
        "--set", "dns.port=" + MezzoProcess.freePort(), "--set", "dns.dns_port=" + MezzoProcess.freePort(),
        "--set", "dns.dns_host=127.0.0.1",
        "--set", "l4lb.port=" + MezzoProcess.freePort(), "--set", "l4lb.vip_range=127.11.0.0/16",
        "--set", "mesos-agent.port=" + agentPort,
        "--set", "mesos-agent.resources=cpus:2;mem:1024;disk:1024;ports:[31000-31100]",
        "--set", "marathon.port=" + MezzoProcess.freePort(),
        "--set", "metronome.port=" + metronomePort, "--set", "metronome.scheduler_tick_ms=200");
    mezzo.awaitOut(l -> l.startsWith("ready"), WAIT);
    metronome = "http://127.0.0.1:" + metronomePort;
    agent = "http://127.0.0.1:" + agentPort;
  }

  @AfterAll
  void down() throws Exception {
    if (mezzo == null) {
      return;
    }
    try {
      mezzo.sigterm();
      assertThat(mezzo.awaitExit(Duration.ofSeconds(30))).isZero();
    } finally {
      mezzo.close();
    }
  }

  @Test
  void onFailure_restartsTheFailingTask_untilTheDeadline_thenTheRunFails() throws Exception {
    int deadline = 10;
    var created = send("POST", "/v1/jobs", """
        {"id":"flaky","run":{"cmd":"echo attempt-$MESOS_TASK_ID; exit 3","cpus":0.1,"mem":32,
         "restart":{"policy":"ON_FAILURE","activeDeadlineSeconds":%d}}}""".formatted(deadline));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    var started = send("POST", "/v1/jobs/flaky/runs", "");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    JsonObject run = new JsonObject(started.body());
    String runId = run.getString("id");
    Instant createdAt = Instant.parse(run.getString("createdAt"));

    // while inside the deadline the run stays live and its failed attempts pile up in its tasks
    await().atMost(WAIT).untilAsserted(() -> {
      JsonObject live = new JsonObject(get("/v1/jobs/flaky/runs/" + runId));
      assertThat(live.getString("status")).as(live::encode).isIn("INITIAL", "STARTING", "ACTIVE");
      assertThat(live.getJsonArray("tasks").stream().map(JsonObject.class::cast)
          .filter(t -> t.getString("status").equals("TASK_FAILED")).count()).as(live::encode).isGreaterThanOrEqualTo(2);
    });

    // after the deadline the next failure ends the run: FAILED, in history with every attempt's task
    JsonObject history = await().atMost(WAIT).until(
        () -> new JsonObject(get("/v1/jobs/flaky?embed=history")).getJsonObject("history"),
        h -> h.getInteger("failureCount") == 1);
    assertThat(history.getInteger("successCount")).isZero();
    JsonObject failed = history.getJsonArray("failedFinishedRuns").getJsonObject(0);
    assertThat(failed.getString("id")).isEqualTo(runId);
    assertThat(Instant.parse(failed.getString("finishedAt")))
        .isAfterOrEqualTo(createdAt.plusSeconds(deadline));
    List<String> taskIds = failed.getJsonArray("tasks").stream().map(String.class::cast).toList();
    assertThat(taskIds).hasSizeGreaterThanOrEqualTo(3)
        .allMatch(id -> id.startsWith("flaky_" + runId + "."))
        .contains("flaky_" + runId + ".1", "flaky_" + runId + ".2", "flaky_" + runId + ".3");
    assertThat(new JsonArray(get("/v1/jobs/flaky/runs"))).isEmpty();

    // each attempt was a real process on the agent, with its own sandbox and output
    List<JsonObject> attempts = metronomeExecutors().filter(e -> e.getString("source").startsWith("flaky_" + runId + "."))
        .toList();
    assertThat(attempts).hasSize(taskIds.size());
    for (JsonObject attempt : attempts) {
      JsonObject stdout = new JsonObject(MezzoProcess.get(agent + "/files/read?offset=0&path="
          + URLEncoder.encode(attempt.getString("directory") + "/stdout", StandardCharsets.UTF_8)).body());
      assertThat(stdout.getString("data")).contains("attempt-" + attempt.getString("source"));
    }
  }

  @Test
  void forbid_refusesAnOverlappingRun_whileOneIsActive_andAcceptsOneAfterItEnded() throws Exception {
    var created = send("POST", "/v0/scheduled-jobs", """
        {"id":"slow","run":{"cmd":"sleep 120","cpus":0.1,"mem":32},
         "schedules":[{"id":"nightly","cron":"0 3 * * *","concurrencyPolicy":"FORBID"}]}""");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    var first = send("POST", "/v1/jobs/slow/runs", "");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    String firstId = new JsonObject(first.body()).getString("id");
    await().atMost(WAIT).until(() -> new JsonObject(get("/v1/jobs/slow/runs/" + firstId)).getString("status"),
        "ACTIVE"::equals);
    assertThat(metronomeTasks(true).filter(t -> t.startsWith("slow_" + firstId + "."))).hasSize(1);

    // the overlapping run is refused and nothing is started for it
    var overlapping = send("POST", "/v1/jobs/slow/runs", "");
    assertThat(overlapping.statusCode()).as(overlapping.body()).isEqualTo(409);
    assertThat(new JsonObject(overlapping.body()).getString("message")).isEqualTo("Concurrent JobRun not allowed slow");
    JsonArray live = new JsonArray(get("/v1/jobs/slow/runs"));
    assertThat(live).hasSize(1);
    assertThat(live.getJsonObject(0).getString("id")).isEqualTo(firstId);
    assertThat(metronomeTasks(true).filter(t -> t.startsWith("slow_"))).hasSize(1);

    // once the active run is stopped (its process killed), a new run is accepted
    var stopped = send("POST", "/v1/jobs/slow/runs/" + firstId + "/actions/stop", "");
    assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(200);
    await().atMost(WAIT).until(() -> metronomeTasks(true).noneMatch(t -> t.startsWith("slow_")));
    var second = send("POST", "/v1/jobs/slow/runs", "");
    assertThat(second.statusCode()).as(second.body()).isEqualTo(201);
    String secondId = new JsonObject(second.body()).getString("id");
    await().atMost(WAIT).until(() -> new JsonObject(get("/v1/jobs/slow/runs/" + secondId)).getString("status"),
        "ACTIVE"::equals);

    var deleted = send("DELETE", "/v1/jobs/slow?stopCurrentJobRuns=true", null);
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
    await().atMost(WAIT).until(() -> metronomeTasks(true).noneMatch(t -> t.startsWith("slow_")));
  }

  /** Every executor (running or completed) the agent has for the framework {@code metronome}. */
  private Stream<JsonObject> metronomeExecutors() throws Exception {
    JsonObject state = new JsonObject(MezzoProcess.get(agent + "/state").body());
    return state.getJsonArray("frameworks").stream().map(JsonObject.class::cast)
        .filter(f -> f.getString("name").equals("metronome"))
        .flatMap(f -> Stream.concat(f.getJsonArray("executors").stream(), f.getJsonArray("completed_executors").stream()))
        .map(JsonObject.class::cast);
  }

  /** Task ids of the framework {@code metronome} the agent runs now ({@code running}) or has finished. */
  private Stream<String> metronomeTasks(boolean running) throws Exception {
    JsonObject state = new JsonObject(MezzoProcess.get(agent + "/state").body());
    return state.getJsonArray("frameworks").stream().map(JsonObject.class::cast)
        .filter(f -> f.getString("name").equals("metronome"))
        .flatMap(f -> f.getJsonArray(running ? "executors" : "completed_executors").stream())
        .map(e -> ((JsonObject) e).getString("source"));
  }

  private String get(String path) throws Exception {
    return MezzoProcess.get(metronome + path).body();
  }

  private HttpResponse<String> send(String method, String path, String json) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(metronome + path)).timeout(Duration.ofSeconds(10));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    request.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
