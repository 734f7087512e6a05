package io.mezzo.metronome.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.metronome.SettableClock;
import io.mezzo.metronome.model.ScheduleSpec;
import io.mezzo.metronome.schedule.Decision.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulerTest {

  final SettableClock clock = SettableClock.at("2026-01-01T12:00:00Z");
  final Scheduler scheduler = new Scheduler(clock);

  static ScheduleSpec spec(String cron, int deadline, String policy) {
    return new ScheduleSpec("s", cron, "UTC", deadline, policy, true, null);
  }

  static ScheduleState state(ScheduleSpec spec, String cursor) {
    return new ScheduleState("job", spec, Instant.parse(cursor));
  }

  static List<Instant> instants(String... iso) {
    return java.util.Arrays.stream(iso).map(Instant::parse).toList();
  }

  static JobRun live(String jobId) {
    return JobRun.manual("20260101115900abcde", jobId, Instant.parse("2026-01-01T11:59:00Z"));
  }

  @Test
  void everyMinute_beforeAndAtFireTime_startsExactlyOnceWhenDue() {
    ScheduleState s = state(spec("* * * * *", 900, "ALLOW"), "2026-01-01T12:00:00Z");
    clock.set("2026-01-01T12:00:59Z");
    assertThat(scheduler.decide(List.of(s), List.of()).starts()).isEmpty();

    clock.set("2026-01-01T12:01:00Z");
    Decision d = scheduler.decide(List.of(s), List.of());
    assertThat(d.startTimes()).isEqualTo(instants("2026-01-01T12:01:00Z"));
    assertThat(d.schedules().get(0).decidedUntil()).isEqualTo("2026-01-01T12:01:00Z");

    assertThat(scheduler.decide(d.schedules(), List.of()).starts()).isEmpty();
  }

  @Test
  void fireTimeOlderThanStartingDeadline_decide_skippedAsMissedAndNewerOneStarts() {
    ScheduleState s = state(spec("0 * * * *", 900, "ALLOW"), "2026-01-01T10:30:00Z");
    clock.set("2026-01-01T12:10:00Z");
    Decision d = scheduler.decide(List.of(s), List.of());
    assertThat(d.skipped()).extracting(k -> k.key().scheduledAt(), Decision.Skip::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Instant.parse("2026-01-01T11:00:00Z"),
            Reason.MISSED_DEADLINE));
    assertThat(d.startTimes()).isEqualTo(instants("2026-01-01T12:00:00Z"));
  }

  @Test
  void fireTimeExactlyAtDeadline_decide_stillStarts() {
    ScheduleState s = state(spec("0 * * * *", 600, "ALLOW"), "2026-01-01T11:30:00Z");
    clock.set("2026-01-01T12:10:00Z");
    assertThat(scheduler.decide(List.of(s), List.of()).startTimes()).isEqualTo(instants("2026-01-01T12:00:00Z"));
    clock.set("2026-01-01T12:10:01Z");
    assertThat(scheduler.decide(List.of(s), List.of()).skipped()).hasSize(1);
  }

  @Test
  void forbidWithLiveRun_decide_skipsAndAllowStarts() {
    clock.set("2026-01-01T12:01:00Z");
    ScheduleState forbid = state(spec("* * * * *", 900, "FORBID"), "2026-01-01T12:00:00Z");
    Decision d = scheduler.decide(List.of(forbid), List.of(live("job")));
    assertThat(d.starts()).isEmpty();
    assertThat(d.skipped()).extracting(Decision.Skip::reason).containsExactly(Reason.CONCURRENCY_FORBIDDEN);
    assertThat(d.schedules().get(0).decidedUntil()).isEqualTo("2026-01-01T12:01:00Z");

    ScheduleState allow = state(spec("* * * * *", 900, "ALLOW"), "2026-01-01T12:00:00Z");
    assertThat(scheduler.decide(List.of(allow), List.of(live("job"))).starts()).hasSize(1);
  }

  @Test
  void forbidWithFinishedRunOrOtherJob_decide_starts() {
    clock.set("2026-01-01T12:01:00Z");
    ScheduleState forbid = state(spec("* * * * *", 900, "FORBID"), "2026-01-01T12:00:00Z");
    JobRun done = new RunLifecycle(Backoff.DEFAULT).stopped(live("job"), clock.instant());
    assertThat(scheduler.decide(List.of(forbid), List.of(done, live("other"))).starts()).hasSize(1);
  }

  @Test
  void forbidCatchUpAfterOutage_decide_startsTheFirstAndSkipsTheRest() {
    clock.set("2026-01-01T12:03:00Z");
    ScheduleState forbid = state(spec("* * * * *", 900, "FORBID"), "2026-01-01T12:00:00Z");
    Decision d = scheduler.decide(List.of(forbid), List.of());
    assertThat(d.startTimes()).isEqualTo(instants("2026-01-01T12:01:00Z"));
    assertThat(d.skipped()).extracting(s -> s.key().scheduledAt())
        .isEqualTo(instants("2026-01-01T12:02:00Z", "2026-01-01T12:03:00Z"));
  }

  @Test
  void failoverAfterRunCreatedButBeforeCursorSaved_newLeader_doesNotStartItAgain() {
    ScheduleState persisted = state(spec("* * * * *", 900, "ALLOW"), "2026-01-01T12:00:00Z");
    clock.set("2026-01-01T12:01:05Z");
    Decision leaderA = new Scheduler(clock).decide(List.of(persisted), List.of());
    JobRun created = JobRun.scheduled(leaderA.starts().get(0).key(), clock.instant());
    // leader A dies here: its run is stored, its cursor is not

    clock.set("2026-01-01T12:01:20Z");
    Decision leaderB = new Scheduler(clock).decide(List.of(persisted), List.of(created));
    assertThat(leaderB.starts()).isEmpty();
    assertThat(leaderB.skipped()).isEmpty();
    assertThat(leaderB.schedules().get(0).decidedUntil()).isEqualTo("2026-01-01T12:01:00Z");

    clock.set("2026-01-01T12:02:00Z");
    assertThat(new Scheduler(clock).decide(leaderB.schedules(), List.of(created)).startTimes())
        .isEqualTo(instants("2026-01-01T12:02:00Z"));
  }

  @Test
  void twoLeadersDecideTheSameFireTime_runIds_areIdentical() {
    ScheduleState persisted = state(spec("*/5 * * * *", 900, "ALLOW"), "2026-01-01T12:00:00Z");
    clock.set("2026-01-01T12:05:00Z");
    ScheduledRunKey a = new Scheduler(clock).decide(List.of(persisted), List.of()).starts().get(0).key();
    clock.set("2026-01-01T12:05:30Z");
    ScheduledRunKey b = new Scheduler(clock).decide(List.of(persisted), List.of()).starts().get(0).key();
    assertThat(a).isEqualTo(b);
    assertThat(JobRun.scheduled(a, Instant.EPOCH).id()).isEqualTo(JobRun.scheduled(b, Instant.EPOCH).id())
        .startsWith("20260101120500").matches(RunIds.FORMAT);
  }

  @Test
  void leaderDownForTenMinutes_newLeaderWithinDeadline_startsEveryMissedMinuteOnce() {
    ScheduleState s = state(spec("* * * * *", 900, "ALLOW"), "2026-01-01T12:00:00Z");
    clock.set("2026-01-01T12:10:30Z");
    Decision d = scheduler.decide(List.of(s), List.of());
    List<Instant> expected = new ArrayList<>();
    for (int m = 1; m <= 10; m++) {
      expected.add(Instant.parse("2026-01-01T12:00:00Z").plus(Duration.ofMinutes(m)));
    }
    assertThat(d.startTimes()).isEqualTo(expected);
    assertThat(d.skipped()).isEmpty();
  }

  @Test
  void leaderDownForAWeek_decide_listsAtMostTheCapAndStillStartsInsideDeadline() {
    ScheduleState s = state(spec("* * * * *", 120, "ALLOW"), "2025-12-25T12:00:00Z");
    clock.set("2026-01-01T12:00:00Z");
    Decision d = scheduler.decide(List.of(s), List.of());
    assertThat(d.skipped()).hasSize(Scheduler.MAX_LISTED_MISSES);
    assertThat(d.startTimes()).isEqualTo(instants("2026-01-01T11:58:00Z", "2026-01-01T11:59:00Z",
        "2026-01-01T12:00:00Z"));
  }

  @Test
  void disabledSchedule_decide_startsNothingAndDoesNotReplayWhenEnabled() {
    ScheduleSpec disabled = new ScheduleSpec("s", "* * * * *", "UTC", 900, "ALLOW", false, null);
    clock.set("2026-01-01T12:05:00Z");
    Decision d = scheduler.decide(List.of(state(disabled, "2026-01-01T12:00:00Z")), List.of());
    assertThat(d.starts()).isEmpty();
    ScheduleState reEnabled = new ScheduleState("job", spec("* * * * *", 900, "ALLOW"),
        d.schedules().get(0).decidedUntil());
    clock.set("2026-01-01T12:06:00Z");
    assertThat(scheduler.decide(List.of(reEnabled), List.of()).startTimes())
        .isEqualTo(instants("2026-01-01T12:06:00Z"));
  }

  @Test
  void twoSchedulesOfOneJobAtTheSameInstant_decide_startOneRun() {
    ScheduleState a = state(spec("0 12 * * *", 900, "ALLOW"), "2026-01-01T11:00:00Z");
    ScheduleState b = new ScheduleState("job", new ScheduleSpec("t", "0 * * * *", "UTC", 900, "ALLOW", true, null),
        Instant.parse("2026-01-01T11:00:00Z"));
    Decision d = scheduler.decide(List.of(a, b), List.of());
    assertThat(d.starts()).hasSize(1);
    assertThat(d.schedules()).extracting(ScheduleState::decidedUntil)
        .containsOnly(Instant.parse("2026-01-01T12:00:00Z"));
  }

  @Test
  void scheduleInChicago_decide_firesAtLocalNine() {
    ScheduleSpec chicago = new ScheduleSpec("s", "0 9 * * *", "America/Chicago", 900, "ALLOW", true, null);
    clock.set("2026-01-01T15:00:00Z");
    assertThat(scheduler.decide(List.of(new ScheduleState("job", chicago, Instant.parse("2026-01-01T00:00:00Z"))),
        List.of()).startTimes()).isEqualTo(instants("2026-01-01T15:00:00Z"));
  }
}
