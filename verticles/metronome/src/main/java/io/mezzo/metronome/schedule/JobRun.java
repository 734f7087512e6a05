package io.mezzo.metronome.schedule;

import java.time.Instant;
import java.util.Objects;

/**
 * One run of a job. Immutable; {@link RunLifecycle} computes successors.
 *
 * @param trigger          the fire time that caused the run, or null for a run started by hand
 * @param attempt          1 for the first launch, incremented by every ON_FAILURE restart
 * @param attemptStartedAt when the current attempt began waiting for a launch (for the launch deadline)
 * @param launchNotBefore  earliest launch of the current attempt (restart backoff)
 * @param reason           why the run failed; null otherwise
 */
public record JobRun(String id, String jobId, RunStatus status, Instant createdAt, Instant completedAt,
                     ScheduledRunKey trigger, int attempt, Instant attemptStartedAt, Instant launchNotBefore,
                     String reason) {

  public JobRun {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** A new run for a fire time, with the id every leader derives for it. */
  public static JobRun scheduled(ScheduledRunKey key, Instant now) {
    return new JobRun(key.runId(), key.jobId(), RunStatus.INITIAL, now, null, key, 1, now, now, null);
  }

  /** A new run started by hand. */
  public static JobRun manual(String runId, String jobId, Instant now) {
    return new JobRun(runId, jobId, RunStatus.INITIAL, now, null, null, 1, now, now, null);
  }

  JobRun with(RunStatus newStatus) {
    return new JobRun(id, jobId, newStatus, createdAt, completedAt, trigger, attempt, attemptStartedAt,
        launchNotBefore, reason);
  }

  JobRun finished(RunStatus finalStatus, Instant at, String why) {
    return new JobRun(id, jobId, finalStatus, createdAt, at, trigger, attempt, attemptStartedAt, launchNotBefore,
        why);
  }

  JobRun retry(Instant now, Instant notBefore) {
    return new JobRun(id, jobId, RunStatus.INITIAL, createdAt, null, trigger, attempt + 1, now, notBefore, null);
  }
}
