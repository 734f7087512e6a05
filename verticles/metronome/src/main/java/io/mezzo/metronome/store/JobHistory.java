package io.mezzo.metronome.store;

import io.mezzo.metronome.schedule.JobRun;
import io.mezzo.metronome.schedule.RunStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The finished runs of one job, newest first, at most {@code limit} of each outcome, with counts over the job's
 * whole life. Immutable.
 */
public record JobHistory(long successCount, long failureCount, Instant lastSuccessAt, Instant lastFailureAt,
                         List<JobRun> successfulFinishedRuns, List<JobRun> failedFinishedRuns) {

  public static final JobHistory EMPTY = new JobHistory(0, 0, null, null, List.of(), List.of());

  public JobHistory {
    successfulFinishedRuns = List.copyOf(successfulFinishedRuns);
    failedFinishedRuns = List.copyOf(failedFinishedRuns);
  }

  /** The history with {@code run} (SUCCESS or FAILED) added in front, trimmed to {@code limit} per outcome. */
  public JobHistory record(JobRun run, int limit) {
    if (contains(run.id())) {
      return this;
    }
    boolean success = run.status() == RunStatus.SUCCESS;
    Instant at = run.completedAt();
    if (success) {
      return new JobHistory(successCount + 1, failureCount, at, lastFailureAt,
          prepend(run, successfulFinishedRuns, limit), failedFinishedRuns);
    }
    return new JobHistory(successCount, failureCount + 1, lastSuccessAt, at, successfulFinishedRuns,
        prepend(run, failedFinishedRuns, limit));
  }

  public boolean contains(String runId) {
    return successfulFinishedRuns.stream().anyMatch(r -> r.id().equals(runId))
        || failedFinishedRuns.stream().anyMatch(r -> r.id().equals(runId));
  }

  /** The newest finished run of either outcome, if any is kept. */
  public java.util.Optional<JobRun> latest() {
    return runs().stream().filter(r -> r.completedAt() != null)
        .max(java.util.Comparator.comparing(JobRun::completedAt));
  }

  /** Every run kept, both outcomes. */
  public List<JobRun> runs() {
    List<JobRun> all = new ArrayList<>(successfulFinishedRuns);
    all.addAll(failedFinishedRuns);
    return all;
  }

  private static List<JobRun> prepend(JobRun run, List<JobRun> runs, int limit) {
    List<JobRun> out = new ArrayList<>(runs.size() + 1);
    out.add(run);
    out.addAll(runs);
    return out.size() > limit ? out.subList(0, limit) : out;
  }
}
