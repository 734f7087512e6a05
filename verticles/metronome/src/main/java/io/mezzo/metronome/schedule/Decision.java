package io.mezzo.metronome.schedule;

import java.time.Instant;
import java.util.List;

/**
 * What {@link Scheduler#decide} concluded. The caller applies it in this order: create the runs in
 * {@code starts} (each with {@link JobRun#scheduled}), record {@code skipped}, then persist {@code schedules}.
 * Persisting runs before cursors is what makes a crash in between harmless: the next leader sees the runs' keys.
 *
 * @param starts    fire times to start now, oldest first
 * @param skipped   fire times that will never run, with the reason
 * @param schedules every input schedule with its advanced cursor (unchanged ones included)
 */
public record Decision(List<Start> starts, List<Skip> skipped, List<ScheduleState> schedules) {

  public Decision {
    starts = List.copyOf(starts);
    skipped = List.copyOf(skipped);
    schedules = List.copyOf(schedules);
  }

  /** Start a run for {@code key}; {@code scheduleId} is the schedule that produced it, for events and logs. */
  public record Start(ScheduledRunKey key, String scheduleId) {
  }

  /** A fire time that is not run. */
  public record Skip(ScheduledRunKey key, String scheduleId, Reason reason) {
  }

  public enum Reason {
    /** Older than the schedule's startingDeadlineSeconds when it was decided (e.g. the leader was down). */
    MISSED_DEADLINE,
    /** FORBID and a run of the job was live. */
    CONCURRENCY_FORBIDDEN
  }

  /** The instants of {@link #starts()}, handy in tests and logs. */
  public List<Instant> startTimes() {
    return starts.stream().map(s -> s.key().scheduledAt()).toList();
  }
}
