package io.mezzo.metronome.schedule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of a job. Immutable; {@link RunLifecycle} computes successors.
 *
 * @param trigger          the fire time that caused the run, or null for a run started by hand
 * @param attempt          1 for the first launch, incremented by every ON_FAILURE restart
 * @param attemptStartedAt when the current attempt began waiting for a launch (for the launch deadline)
 * @param launchNotBefore  earliest launch of the current attempt (restart backoff)
 * @param reason           why the run failed; null otherwise
 * @param tasks            the Mesos tasks of its attempts, oldest first
 */
public record JobRun(String id, String jobId, RunStatus status, Instant createdAt, Instant completedAt,
                     ScheduledRunKey trigger, int attempt, Instant attemptStartedAt, Instant launchNotBefore,
                     String reason, List<JobRunTask> tasks) {

  public JobRun {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    tasks = tasks == null ? List.of() : List.copyOf(tasks);
  }

  public JobRun(String id, String jobId, RunStatus status, Instant createdAt, Instant completedAt,
                ScheduledRunKey trigger, int attempt, Instant attemptStartedAt, Instant launchNotBefore, String reason) {
    this(id, jobId, status, createdAt, completedAt, trigger, attempt, attemptStartedAt, launchNotBefore, reason,
        List.of());
  }

  /** The task with this id, if the run has one. */
  public Optional<JobRunTask> task(String taskId) {
    return tasks.stream().filter(t -> t.id().equals(taskId)).findFirst();
  }

  /** The run with {@code task} added, or replacing the task with the same id. */
  public JobRun withTask(JobRunTask task) {
    List<JobRunTask> next = new ArrayList<>(tasks);
    int at = -1;
    for (int i = 0; i < next.size(); i++) {
      if (next.get(i).id().equals(task.id())) {
        at = i;
      }
    }
    if (at < 0) {
      next.add(task);
    } else {
      next.set(at, task);
    }
    return new JobRun(id, jobId, status, createdAt, completedAt, trigger, attempt, attemptStartedAt,
        launchNotBefore, reason, next);
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
        launchNotBefore, reason, tasks);
  }

  JobRun finished(RunStatus finalStatus, Instant at, String why) {
    return new JobRun(id, jobId, finalStatus, createdAt, at, trigger, attempt, attemptStartedAt, launchNotBefore,
        why, tasks);
  }

  JobRun retry(Instant now, Instant notBefore) {
    return new JobRun(id, jobId, RunStatus.INITIAL, createdAt, null, trigger, attempt + 1, now, notBefore, null,
        tasks);
  }
}
