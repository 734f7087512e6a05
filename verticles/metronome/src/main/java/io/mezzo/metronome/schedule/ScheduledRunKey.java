package io.mezzo.metronome.schedule;

import java.time.Instant;

/**
 * The identity of a scheduled run: a job fires at most once per scheduled instant, however many leaders decide it
 * and whichever schedule produced it. Runs started by hand have no key.
 */
public record ScheduledRunKey(String jobId, Instant scheduledAt) {

  /** The run id every leader derives for this key, see {@link RunIds#forScheduled}. */
  public String runId() {
    return RunIds.forScheduled(this);
  }
}
