package io.mezzo.metronome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.metronome.MetronomeFixture.Instance;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A schedule that is disabled for a while and enabled again: the minutes it was disabled are not started late,
 * not even those still inside the starting deadline, and nothing is written for it while it is disabled.
 */
class ScheduleToggleTest {
  @TempDir
  Path dir;
  MetronomeFixture fx;
  Instance m;
  final SettableClock clock = SettableClock.at("2026-03-01T10:00:30Z");
  final LocalRunLauncher launcher = new LocalRunLauncher().autoSucceed();

  @BeforeEach
  void start() throws Exception {
    fx = new MetronomeFixture(dir);
    m = fx.deploy(clock, launcher, new JsonObject());
    await().atMost(Duration.ofSeconds(15)).until(() -> fx.get(m.url("/v1/jobs")).statusCode() == 200);
  }

  @AfterEach
  void stop() throws Exception {
    fx.close();
  }

  long successes() throws Exception {
    return new JsonObject(fx.get(m.url("/v1/jobs/toggled?embed=historySummary")).body())
        .getJsonObject("historySummary").getLong("successCount");
  }

  @Test
  void disabledForThreeMinutes_enabledAgain_startsOnlyFromTheNextFireTime() throws Exception {
    HttpResponse<String> created = fx.post(m.url("/v0/scheduled-jobs"), """
        {"id":"toggled","run":{"cmd":"true"},
         "schedules":[{"id":"m","cron":"* * * * *","startingDeadlineSeconds":600,"enabled":false}]}""");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String node = "/metronome/jobs/toggled/schedules/m";
    int version = m.curator().checkExists().forPath(node).getVersion();

    // three fire times pass while disabled: nothing starts, the schedule node is not rewritten every tick
    for (String at : new String[] {"2026-03-01T10:01:00Z", "2026-03-01T10:02:00Z", "2026-03-01T10:03:00Z"}) {
      clock.set(at);
      Thread.sleep(100); // several 20 ms scheduler ticks
    }
    assertThat(launcher.launches).isEmpty();
    assertThat(m.curator().checkExists().forPath(node).getVersion()).isEqualTo(version);

    // enabled at 10:03:30: 10:01-10:03 are inside the 600 s deadline but are not replayed
    clock.set("2026-03-01T10:03:30Z");
    HttpResponse<String> enabled = fx.put(m.url("/v1/jobs/toggled/schedules/m"),
        "{\"id\":\"m\",\"cron\":\"* * * * *\",\"startingDeadlineSeconds\":600,\"enabled\":true}");
    assertThat(enabled.statusCode()).as(enabled.body()).isEqualTo(200);
    assertThat(new JsonObject(enabled.body()).getString("nextRunAt")).isEqualTo("2026-03-01T10:04:00Z");
    Thread.sleep(200);
    assertThat(launcher.launches).isEmpty();

    clock.set("2026-03-01T10:04:00Z");
    await().atMost(Duration.ofSeconds(10)).until(() -> successes() == 1);
    assertThat(launcher.launches).singleElement().asString().startsWith("20260301100400");
    assertThat(new JsonArray(fx.get(m.url("/v1/jobs/toggled/runs")).body())).isEmpty();
  }
}
