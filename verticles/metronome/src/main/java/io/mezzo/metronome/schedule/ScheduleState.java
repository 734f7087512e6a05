package io.mezzo.metronome.schedule;

import io.mezzo.metronome.model.ScheduleSpec;
import java.time.Instant;
import java.util.Objects;

/**
 * A schedule with its persisted cursor: every fire time at or before {@code decidedUntil} has been decided
 * (started, skipped or missed) and is never decided again. A new schedule starts with its creation time, so it
 * does not fire for times before it existed.
 */
public record ScheduleState(String jobId, ScheduleSpec spec, Instant decidedUntil) {

  public ScheduleState {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(decidedUntil, "decidedUntil");
  }

  public ScheduleState withDecidedUntil(Instant until) {
    return new ScheduleState(jobId, spec, until);
  }
}
