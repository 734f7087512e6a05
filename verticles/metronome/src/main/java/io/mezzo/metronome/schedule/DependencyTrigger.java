package io.mezzo.metronome.schedule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a job with dependencies starts a run (Metronome 0.6.61's jobs with dependencies). Pure.
 *
 * <p>The rule: the job starts a run when, for every job it depends on, that job's newest finished run succeeded and
 * completed strictly after the newest run of the dependent job was created (any run: manual, dependency-triggered,
 * live or finished; a job without runs counts as infinitely old). A dependency whose newest finished run failed, or
 * that never finished a run, holds the job back. The run's id is derived from the triggering runs
 * ({@link RunIds#forDependencies}), so every leader deciding on the same state creates the same run, and the run
 * store rejects a second one.
 */
public final class DependencyTrigger {

  private DependencyTrigger() {
  }

  /**
   * @param jobId          the dependent job
   * @param dependencies   the ids of the jobs it depends on
   * @param latestFinished the newest finished run of each of those jobs that has one
   * @param ownRuns        every run of the dependent job still known (live and in history)
   * @return the run to create now, or empty
   */
  public static Optional<JobRun> due(String jobId, List<String> dependencies, Map<String, JobRun> latestFinished,
                                     List<JobRun> ownRuns, Instant now) {
    if (dependencies.isEmpty()) {
      return Optional.empty();
    }
    Instant ownNewest = ownRuns.stream().map(JobRun::createdAt).max(Comparator.naturalOrder()).orElse(Instant.MIN);
    List<JobRun> triggering = new ArrayList<>();
    for (String dependency : dependencies) {
      JobRun parent = latestFinished.get(dependency);
      if (parent == null || parent.status() != RunStatus.SUCCESS || parent.completedAt() == null
          || !parent.completedAt().isAfter(ownNewest)) {
        return Optional.empty();
      }
      triggering.add(parent);
    }
    String runId = RunIds.forDependencies(jobId, triggering);
    if (ownRuns.stream().anyMatch(r -> r.id().equals(runId))) {
      return Optional.empty();
    }
    return Optional.of(JobRun.manual(runId, jobId, now));
  }
}
