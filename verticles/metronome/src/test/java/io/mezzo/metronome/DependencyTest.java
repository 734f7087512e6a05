package io.mezzo.metronome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.metronome.MetronomeFixture.Instance;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs with dependencies on a real ZooKeeper with the in-module test launcher, across leader failovers. */
class DependencyTest {
  static final Duration WAIT = Duration.ofSeconds(15);
  /** The longest tick period: within a test step of a few seconds the instance decides nothing by itself. */
  static final JsonObject NO_TICKS = new JsonObject().put("scheduler_tick_ms", 60_000);

  @TempDir
  Path dir;
  MetronomeFixture fx;
  // a whole minute, so that the minute tick is a real minute away
  final SettableClock clock = SettableClock.at("2026-03-01T10:00:00Z");

  @BeforeEach
  void start() throws Exception {
    fx = new MetronomeFixture(dir);
  }

  @AfterEach
  void stop() throws Exception {
    fx.close();
  }

  Instance lead(LocalRunLauncher launcher, JsonObject config) throws Exception {
    Instance m = fx.deploy(clock, launcher, config);
    await().atMost(WAIT).ignoreExceptions().until(() -> fx.get(m.url("/v1/jobs")).statusCode() == 200);
    return m;
  }

  void createJobs(Instance m) throws Exception {
    assertThat(fx.post(m.url("/v1/jobs"), "{\"id\":\"a\",\"run\":{\"cmd\":\"true\"}}").statusCode()).isEqualTo(201);
    HttpResponse<String> b = fx.post(m.url("/v1/jobs"),
        "{\"id\":\"b\",\"run\":{\"cmd\":\"true\"},\"dependencies\":[{\"id\":\"a\"}]}");
    assertThat(b.statusCode()).as(b.body()).isEqualTo(201);
  }

  String runA(Instance m, LocalRunLauncher launcher) throws Exception {
    HttpResponse<String> r = fx.post(m.url("/v1/jobs/a/runs"), "");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    String runId = new JsonObject(r.body()).getString("id");
    await().atMost(WAIT).until(() -> launcher.isQueued(runId));
    launcher.start(runId);
    return runId;
  }

  JsonArray live(Instance m, String jobId) throws Exception {
    return new JsonArray(fx.get(m.url("/v1/jobs/" + jobId + "/runs")).body());
  }

  JsonObject history(Instance m, String jobId) throws Exception {
    return new JsonObject(fx.get(m.url("/v1/jobs/" + jobId + "?embed=history")).body()).getJsonObject("history");
  }

  /** Every run id of job b the instance knows, live or finished. */
  Set<String> runsOfB(Instance m) throws Exception {
    Set<String> ids = new HashSet<>();
    live(m, "b").forEach(r -> ids.add(((JsonObject) r).getString("id")));
    JsonObject h = history(m, "b");
    for (String list : List.of("successfulFinishedRuns", "failedFinishedRuns")) {
      h.getJsonArray(list).forEach(r -> ids.add(((JsonObject) r).getString("id")));
    }
    return ids;
  }

  @Test
  void dependency_aSucceeds_bStartsOnceAndAgainOnlyAfterTheNextSuccess() throws Exception {
    LocalRunLauncher launcher = new LocalRunLauncher();
    Instance m = lead(launcher, new JsonObject());
    createJobs(m);
    clock.advance(Duration.ofSeconds(1));
    String a1 = runA(m, launcher);
    Thread.sleep(200);
    assertThat(live(m, "b")).as("b waits while a runs").isEmpty();

    clock.advance(Duration.ofSeconds(1));
    launcher.succeed(a1);
    await().atMost(WAIT).until(() -> live(m, "b").size() == 1);
    String b1 = live(m, "b").getJsonObject(0).getString("id");
    await().atMost(WAIT).until(() -> launcher.isQueued(b1));
    clock.advance(Duration.ofSeconds(1));
    launcher.start(b1);
    launcher.succeed(b1);
    await().atMost(WAIT).until(() -> history(m, "b").getLong("successCount") == 1);
    Thread.sleep(300); // many ticks
    assertThat(runsOfB(m)).containsExactly(b1);
    assertThat(launcher.launches.stream().filter(b1::equals).count()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));
    String a2 = runA(m, launcher);
    clock.advance(Duration.ofSeconds(1));
    launcher.succeed(a2);
    await().atMost(WAIT).until(() -> runsOfB(m).size() == 2);
  }

  @Test
  void dependency_aFails_bDoesNotStart() throws Exception {
    LocalRunLauncher launcher = new LocalRunLauncher();
    Instance m = lead(launcher, new JsonObject());
    createJobs(m);
    clock.advance(Duration.ofSeconds(1));
    String a1 = runA(m, launcher);
    clock.advance(Duration.ofSeconds(1));
    launcher.fail(a1);
    await().atMost(WAIT).until(() -> history(m, "a").getLong("failureCount") == 1);
    Thread.sleep(500); // many ticks
    assertThat(runsOfB(m)).isEmpty();
    assertThat(launcher.launches).containsExactly(a1);
  }

  @Test
  void replace_dependencyThatClosesACycle_422AndNothingChanges() throws Exception {
    Instance m = lead(new LocalRunLauncher(), new JsonObject());
    createJobs(m);
    String before = fx.get(m.url("/v1/jobs/a")).body();
    HttpResponse<String> r = fx.put(m.url("/v1/jobs/a"), "{\"run\":{\"cmd\":\"true\"},\"dependencies\":[{\"id\":\"b\"}]}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
    assertThat(new JsonObject(r.body()).getJsonArray("details").getJsonObject(0).getString("path"))
        .isEqualTo("/dependencies");
    assertThat(fx.get(m.url("/v1/jobs/a")).body()).isEqualTo(before);
  }

  @Test
  void dependency_leaderFailsOverBetweenSuccessOfAAndStartOfB_bStartsExactlyOnce() throws Exception {
    // the first leader records a's success but never gets to decide b
    LocalRunLauncher first = new LocalRunLauncher();
    Instance one = lead(first, NO_TICKS);
    createJobs(one);
    clock.advance(Duration.ofSeconds(1));
    String a1 = runA(one, first);
    clock.advance(Duration.ofSeconds(1));
    first.succeed(a1);
    await().atMost(WAIT).until(() -> history(one, "a").getLong("successCount") == 1);
    assertThat(runsOfB(one)).isEmpty();
    fx.undeploy(one);

    // the second leader starts b from the stored history, then dies while b runs
    LocalRunLauncher second = new LocalRunLauncher();
    Instance two = lead(second, new JsonObject());
    await().atMost(WAIT).until(() -> runsOfB(two).size() == 1);
    String b1 = runsOfB(two).iterator().next();
    await().atMost(WAIT).until(() -> second.isQueued(b1));
    second.start(b1);
    await().atMost(WAIT).until(() -> "ACTIVE".equals(live(two, "b").getJsonObject(0).getString("status")));
    fx.undeploy(two);

    // the third leader finds b's run and starts no other
    LocalRunLauncher third = new LocalRunLauncher();
    Instance three = lead(third, new JsonObject());
    Thread.sleep(500); // many ticks
    assertThat(runsOfB(three)).containsExactly(b1);
    assertThat(third.launches).isEmpty();
    assertThat(second.launches).containsExactly(b1);
  }
}
