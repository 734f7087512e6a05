package io.mezzo.metronome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.common.config.ZkUrl;
import io.mezzo.metronome.MetronomeFixture.Instance;
import io.mezzo.metronome.model.JobRunSpec;
import io.mezzo.metronome.model.JobSpec;
import io.mezzo.metronome.model.ScheduleSpec;
import io.mezzo.metronome.schedule.JobRun;
import io.mezzo.metronome.schedule.ScheduledRunKey;
import io.mezzo.metronome.store.JobHistory;
import io.mezzo.metronome.store.MetronomeStore;
import io.mezzo.metronome.store.StoredSchedule;
import io.mezzo.state.StoreConflictException;
import io.mezzo.state.ZkClients;
import io.mezzo.state.ZkStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State a leader can leave behind when it dies between two writes, written straight into ZooKeeper, then read
 * by a fresh leader.
 */
class CrashRecoveryTest {

  @TempDir
  Path dir;
  MetronomeFixture fx;
  MetronomeStore store;

  @BeforeEach
  void start() throws Exception {
    fx = new MetronomeFixture(dir);
    CuratorFramework curator = ZkClients.connect(ZkUrl.parse(fx.zk.url("mezzo")), Duration.ofSeconds(3),
        Duration.ofSeconds(20), m -> { });
    store = new MetronomeStore(new ZkStore(fx.vertx, curator), "/metronome");
  }

  @AfterEach
  void stop() throws Exception {
    fx.close();
  }

  static <T> T result(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void runStoredButCursorNot_newLeader_launchesThatRunOnceAndStartsNoOther() throws Exception {
    Instant minute1 = Instant.parse("2026-06-01T00:01:00Z");
    JobSpec job = new JobSpec("crash", null, null, JobRunSpec.command("true"), null);
    result(store.createJob(job));
    result(store.createSchedule("crash", new StoredSchedule(
        new ScheduleSpec("m", "* * * * *", null, 120, null, null, null), Instant.parse("2026-06-01T00:00:00Z"))));
    JobRun orphan = JobRun.scheduled(new ScheduledRunKey("crash", minute1), minute1);
    result(store.createRun(orphan));

    LocalRunLauncher launcher = new LocalRunLauncher().autoSucceed();
    Instance m = fx.deploy(new SettableClock(minute1.plusSeconds(10)), launcher, new JsonObject());
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      var r = fx.get(m.url("/v1/jobs/crash?embed=history"));
      return r.statusCode() == 200 && new JsonObject(r.body()).getJsonObject("history").getLong("successCount") == 1;
    });
    Thread.sleep(200); // several more scheduler rounds
    assertThat(launcher.launches).containsExactly(orphan.id());
    JsonObject job1 = new JsonObject(fx.get(m.url("/v1/jobs/crash?embed=history&embed=activeRuns")).body());
    assertThat(job1.getJsonArray("activeRuns")).isEmpty();
    assertThat(job1.getJsonObject("history").getJsonArray("successfulFinishedRuns").getJsonObject(0).getString("id"))
        .isEqualTo(orphan.id());
    assertThat(new JsonObject(fx.get(m.url("/v1/jobs/crash/schedules/m")).body()).getString("nextRunAt"))
        .isEqualTo("2026-06-01T00:02:00Z");
  }

  @Test
  void finishedRunRecordedButLiveNodeLeft_newLeader_dropsLiveNodeAndDoesNotRelaunch() throws Exception {
    Instant t = Instant.parse("2026-06-01T00:00:00Z");
    result(store.createJob(new JobSpec("done", null, null, JobRunSpec.command("true"), null)));
    JobRun live = JobRun.manual("20260601000000abcde", "done", t);
    result(store.createRun(live));
    JobRun finished = new JobRun(live.id(), "done", io.mezzo.metronome.schedule.RunStatus.SUCCESS, t,
        t.plusSeconds(5), null, 1, t, t, null);
    result(store.writeHistory("done", JobHistory.EMPTY.record(finished, 10), -1));

    LocalRunLauncher launcher = new LocalRunLauncher();
    Instance m = fx.deploy(new SettableClock(t.plusSeconds(30)), launcher, new JsonObject());
    await().atMost(Duration.ofSeconds(15)).until(() -> fx.get(m.url("/v1/jobs/done/runs")).statusCode() == 200);
    assertThat(new JsonArray(fx.get(m.url("/v1/jobs/done/runs")).body())).isEmpty();
    Thread.sleep(200);
    assertThat(launcher.launches).isEmpty();
    assertThat(m.curator().getChildren().forPath("/metronome/jobs/done/runs")).isEmpty();
  }

  @Test
  void staleVersion_secondWriter_conflictsInsteadOfOverwriting() throws Exception {
    JobSpec job = new JobSpec("cas", null, null, JobRunSpec.command("true"), null);
    int v0 = result(store.createJob(job));
    result(store.replaceJob(new JobSpec("cas", "first", null, JobRunSpec.command("true"), null), v0));
    assertThat(catchConflict(store.replaceJob(new JobSpec("cas", "second", null, JobRunSpec.command("true"), null), v0)))
        .isInstanceOf(StoreConflictException.class);
    assertThat(result(store.load())).singleElement()
        .satisfies(s -> assertThat(s.spec().value().description()).isEqualTo("first"));
    assertThat(catchConflict(store.createJob(job))).isInstanceOf(StoreConflictException.class);
  }

  static Throwable catchConflict(Future<?> f) throws Exception {
    try {
      result(f);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }
}
