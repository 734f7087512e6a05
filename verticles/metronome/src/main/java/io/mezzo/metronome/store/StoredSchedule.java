package io.mezzo.metronome.store;

import io.mezzo.metronome.model.ScheduleSpec;
import java.time.Instant;

/**
 * A schedule as kept in ZooKeeper: the spec (without the computed {@code nextRunAt}) and its cursor, so the spec
 * and the scheduler's progress on it change together under one version.
 *
 * @param decidedUntil every fire time at or before this instant has been decided and is never decided again
 */
public record StoredSchedule(ScheduleSpec schedule, Instant decidedUntil) {

  public StoredSchedule {
    schedule = schedule.withNextRunAt(null);
  }

  public StoredSchedule withDecidedUntil(Instant until) {
    return new StoredSchedule(schedule, until);
  }
}
