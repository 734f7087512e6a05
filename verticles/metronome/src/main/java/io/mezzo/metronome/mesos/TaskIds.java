package io.mezzo.metronome.mesos;

import io.mezzo.metronome.schedule.JobRun;
import java.util.Optional;

/**
 * Mesos task ids of runs: {@code <jobId>_<runId>.<attempt>}, e.g. {@code prod.backup-db_20160715130259A34HX.1}:
 * job and run id first, as Metronome's task ids, then the attempt where Metronome's carry a random suffix. Being
 * derived, the id is the same on every leader for the same attempt. That is what lets a new leader find, by
 * reconciliation, a task its predecessor launched but did not record, instead of launching a second one.
 * Job ids never contain {@code _} and run ids never contain {@code .}, so the id parses back unambiguously.
 */
public final class TaskIds {

  /** The parts of a task id. */
  public record Parsed(String jobId, String runId, int attempt) {
  }

  private TaskIds() {
  }

  public static String of(JobRun run) {
    return of(run.jobId(), run.id(), run.attempt());
  }

  public static String of(String jobId, String runId, int attempt) {
    return jobId + "_" + runId + "." + attempt;
  }

  /** The parts, or empty for an id this framework did not make. */
  public static Optional<Parsed> parse(String taskId) {
    int underscore = taskId.lastIndexOf('_');
    int dot = taskId.lastIndexOf('.');
    if (underscore <= 0 || dot <= underscore + 1 || dot == taskId.length() - 1) {
      return Optional.empty();
    }
    try {
      int attempt = Integer.parseInt(taskId.substring(dot + 1));
      return attempt < 1 ? Optional.empty()
          : Optional.of(new Parsed(taskId.substring(0, underscore), taskId.substring(underscore + 1, dot), attempt));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
