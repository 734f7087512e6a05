package io.mezzo.metronome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.metronome.MetronomeFixture.Instance;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances on one ZooKeeper share a settable clock; a schedule fires every minute while leadership moves
 * between them and both restart. Every minute must produce exactly one launched run.
 */
class FailoverTest {

  static final Instant BASE = Instant.parse("2026-06-01T00:00:30Z");
  static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

  @TempDir
  Path dir;
  final SettableClock clock = new SettableClock(BASE);
  final List<LocalRunLauncher> launchers = new ArrayList<>();
  MetronomeFixture fx;

  Instance deploy() throws Exception {
    LocalRunLauncher launcher = new LocalRunLauncher().autoSucceed();
    launchers.add(launcher);
    return fx.deploy(clock, launcher, new JsonObject());
  }

  void awaitLeader(Instance expected, Instance... asked) {
    for (Instance i : asked) {
      await().atMost(Duration.ofSeconds(15)).until(() -> {
        var r = fx.get(i.url("/leader"));
        return r.statusCode() == 200 && new JsonObject(r.body()).getString("leader").equals(expected.address());
      });
    }
    await().atMost(Duration.ofSeconds(15)).until(() -> fx.get(expected.url("/v1/jobs")).statusCode() == 200);
  }

  /** Moves the clock to the given minute and waits until its run has finished. */
  void fireMinute(Instance via, int minute) {
    clock.set(BASE.plusSeconds(60L * minute - 30));
    await().atMost(Duration.ofSeconds(15)).until(() -> successCount(via) == minute);
  }

  /** The job with its schedules, without the {@code nextRunAt} that moves with the clock. */
  JsonObject definition(Instance via) throws Exception {
    JsonObject job = new JsonObject(fx.get(via.url("/v0/scheduled-jobs/every.minute")).body());
    job.getJsonArray("schedules").forEach(s -> ((JsonObject) s).remove("nextRunAt"));
    return job;
  }

  long successCount(Instance via) throws Exception {
    var r = fx.get(via.url("/v1/jobs/every.minute?embed=history"));
    return r.statusCode() == 200 ? new JsonObject(r.body()).getJsonObject("history").getLong("successCount") : -1;
  }

  @Test
  void leaderFailoverAndRestart_scheduleEveryMinute_eachMinuteRunsExactlyOnce() throws Exception {
    fx = new MetronomeFixture(dir);
    try {
      Instance a = deploy();
      awaitLeader(a, a);
      Instance b = deploy();
      awaitLeader(a, b);

      // written through the follower, which forwards to the leader
      var created = fx.post(b.url("/v0/scheduled-jobs"), """
          {"id":"every.minute","run":{"cmd":"date"},
           "schedules":[{"id":"m","cron":"* * * * *","startingDeadlineSeconds":120}]}""");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      JsonObject definition = definition(a);
      assertThat(definition(b)).isEqualTo(definition);

      for (int minute = 1; minute <= 3; minute++) {
        fireMinute(b, minute);
      }

      // the leader goes away and the clock moves on before the follower has taken over
      fx.undeploy(a);
      clock.set(BASE.plusSeconds(60L * 4 - 30));
      awaitLeader(b, b);
      await().atMost(Duration.ofSeconds(15)).until(() -> successCount(b) == 4);

      Instance a2 = deploy();
      awaitLeader(b, a2);
      fireMinute(a2, 5);
      fireMinute(b, 6);

      fx.undeploy(b);
      awaitLeader(a2, a2);
      fireMinute(a2, 7);
      fireMinute(a2, 8);

      // both stop; state must come back from ZooKeeper
      fx.undeploy(a2);
      Instance a3 = deploy();
      Instance b3 = deploy();
      awaitLeader(a3, a3, b3);
      assertThat(definition(b3)).isEqualTo(definition);
      assertThat(successCount(b3)).isEqualTo(8);
      fireMinute(b3, 9);

      JsonArray finished = new JsonObject(fx.get(b3.url("/v1/jobs/every.minute?embed=history")).body())
          .getJsonObject("history").getJsonArray("successfulFinishedRuns");
      List<String> stamps = finished.stream().map(r -> ((JsonObject) r).getString("id").substring(0, 14))
          .sorted().toList();
      List<String> expected = IntStream.rangeClosed(1, 9)
          .mapToObj(m -> STAMP.format(BASE.plusSeconds(60L * m - 30))).toList();
      assertThat(stamps).isEqualTo(expected);

      List<String> launched = launchers.stream().flatMap(l -> l.launches.stream()).toList();
      assertThat(launched).hasSize(9).doesNotHaveDuplicates();
      assertThat(new JsonArray(fx.get(b3.url("/v1/jobs/every.minute/runs")).body())).isEmpty();
    } finally {
      fx.close();
    }
  }
}
