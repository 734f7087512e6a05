package io.mezzo.metronome.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.metronome.SettableClock;
import io.mezzo.metronome.model.JobRunSpec;
import io.mezzo.metronome.model.MetronomeJson;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RunLifecycleTest {

  final SettableClock clock = SettableClock.at("2026-01-01T12:00:00Z");
  final RunLifecycle lifecycle = new RunLifecycle(new Backoff(Duration.ofSeconds(10), 2, Duration.ofSeconds(60)));

  static JobRunSpec spec(String runJson) {
    return MetronomeJson.readJob("{\"id\":\"j\",\"run\":" + runJson + "}").run();
  }

  JobRun fresh() {
    return JobRun.manual("20260101120000abcde", "j", clock.instant());
  }

  @Test
  void happyPath_launchRunningFinished_endsInSuccessWithCompletedAt() {
    JobRun run = lifecycle.launched(fresh(), clock.instant());
    assertThat(run.status()).isEqualTo(RunStatus.STARTING);
    run = lifecycle.taskRunning(run);
    assertThat(run.status()).isEqualTo(RunStatus.ACTIVE);
    clock.advance(Duration.ofMinutes(3));
    run = lifecycle.taskFinished(run, clock.instant());
    assertThat(run.status()).isEqualTo(RunStatus.SUCCESS);
    assertThat(run.completedAt()).isEqualTo("2026-01-01T12:03:00Z");
  }

  @Test
  void failureWithNeverPolicy_taskFailed_runFails() {
    JobRun run = lifecycle.taskRunning(lifecycle.launched(fresh(), clock.instant()));
    run = lifecycle.taskFailed(run, spec("{\"cmd\":\"x\"}"), clock.instant(), "exit 1");
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.reason()).isEqualTo("exit 1");
  }

  @Test
  void failureWithOnFailure_taskFailed_restartsAfterGrowingBackoff() {
    JobRunSpec spec = spec("{\"cmd\":\"x\",\"restart\":{\"policy\":\"ON_FAILURE\"}}");
    JobRun run = lifecycle.taskFailed(lifecycle.launched(fresh(), clock.instant()), spec, clock.instant(), "exit 1");
    assertThat(run.status()).isEqualTo(RunStatus.INITIAL);
    assertThat(run.attempt()).isEqualTo(2);
    assertThat(lifecycle.launchable(run, clock.instant().plusSeconds(9))).isFalse();
    assertThat(lifecycle.launchable(run, clock.instant().plusSeconds(10))).isTrue();
    assertThatThrownBy(() -> lifecycle.launched(fresh().with(RunStatus.ACTIVE), clock.instant()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Run '20260101120000abcde'");

    clock.advance(Duration.ofSeconds(10));
    run = lifecycle.taskFailed(lifecycle.launched(run, clock.instant()), spec, clock.instant(), "exit 1");
    assertThat(run.launchNotBefore()).isEqualTo(clock.instant().plusSeconds(20));
    assertThat(new Backoff(Duration.ofSeconds(10), 2, Duration.ofSeconds(60)).after(10)).hasSeconds(60);
  }

  @Test
  void failureAfterActiveDeadline_taskFailed_runFailsInsteadOfRestarting() {
    JobRunSpec spec = spec("{\"cmd\":\"x\",\"restart\":{\"policy\":\"ON_FAILURE\",\"activeDeadlineSeconds\":60}}");
    JobRun run = lifecycle.launched(fresh(), clock.instant());
    assertThat(lifecycle.taskFailed(run, spec, clock.instant().plusSeconds(59), "e").status())
        .isEqualTo(RunStatus.INITIAL);
    assertThat(lifecycle.taskFailed(run, spec, clock.instant().plusSeconds(60), "e").status())
        .isEqualTo(RunStatus.FAILED);
  }

  @Test
  void notRunningWithinMaxLaunchDelay_expire_fails() {
    JobRunSpec spec = spec("{\"cmd\":\"x\",\"maxLaunchDelay\":300}");
    JobRun waiting = fresh();
    assertThat(lifecycle.expire(waiting, spec, clock.instant().plusSeconds(300))).isSameAs(waiting);
    assertThat(lifecycle.expire(waiting, spec, clock.instant().plusSeconds(301)).status()).isEqualTo(RunStatus.FAILED);
    JobRun active = lifecycle.taskRunning(lifecycle.launched(fresh(), clock.instant()));
    assertThat(lifecycle.expire(active, spec, clock.instant().plusSeconds(9999))).isSameAs(active);
  }

  @Test
  void duplicateOrLateStatusUpdates_apply_areNoOps() {
    JobRun active = lifecycle.taskRunning(lifecycle.launched(fresh(), clock.instant()));
    assertThat(lifecycle.taskRunning(active)).isSameAs(active);
    JobRun done = lifecycle.taskFinished(active, clock.instant());
    assertThat(lifecycle.taskRunning(done)).isSameAs(done);
    assertThat(lifecycle.taskFailed(done, spec("{\"cmd\":\"x\"}"), clock.instant(), "late")).isSameAs(done);
    assertThat(lifecycle.stopped(done, clock.instant())).isSameAs(done);
    assertThat(lifecycle.taskFinished(fresh(), clock.instant()).status()).isEqualTo(RunStatus.INITIAL);
  }

  @Test
  void stopLiveRun_stopped_failsWithReason() {
    JobRun run = lifecycle.stopped(lifecycle.launched(fresh(), clock.instant()), clock.instant());
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.reason()).isEqualTo("stopped by user");
  }

  @Test
  void manualRunId_format_isUtcStampAndFiveAlphanumerics() {
    String id = RunIds.manual(Instant.parse("2026-01-01T12:00:00Z"), new SplittableRandom(7));
    assertThat(id).matches(RunIds.FORMAT).startsWith("20260101120000");
    assertThat(RunIds.manual(Instant.parse("2026-01-01T12:00:00Z"), new SplittableRandom(8))).isNotEqualTo(id);
  }
}
