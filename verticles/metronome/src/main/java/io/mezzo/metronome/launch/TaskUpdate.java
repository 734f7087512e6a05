package io.mezzo.metronome.launch;

/**
 * What a {@link RunLauncher} learned about the task of one run attempt.
 *
 * @param attempt the run's attempt the task belongs to; updates for an older attempt are ignored
 * @param message why a task failed; null otherwise
 */
public record TaskUpdate(String jobId, String runId, int attempt, Kind kind, String message) {

  public enum Kind {
    /** The task was sent to an agent: the run becomes STARTING. */
    LAUNCHED,
    /** The task runs: the run becomes ACTIVE. */
    RUNNING,
    /** The task exited 0: the run succeeds. */
    FINISHED,
    /** The task failed, was lost or killed: the run restarts per its policy or fails. */
    FAILED
  }
}
