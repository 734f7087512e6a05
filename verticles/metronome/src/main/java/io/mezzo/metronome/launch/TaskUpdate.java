package io.mezzo.metronome.launch;

/**
 * What a {@link RunLauncher} learned about the task of one run attempt.
 *
 * @param attempt the run's attempt the task belongs to; updates for an older attempt are ignored
 * @param message why a task failed; null otherwise
 * @param taskId  the Mesos task id, or null when the launcher has no tasks (tests)
 * @param state   the Mesos task state name ({@code TASK_RUNNING}...), or null with {@code taskId}
 * @param agentId the agent the task is on, when known
 */
public record TaskUpdate(String jobId, String runId, int attempt, Kind kind, String message, String taskId,
                         String state, String agentId) {

  public TaskUpdate(String jobId, String runId, int attempt, Kind kind, String message) {
    this(jobId, runId, attempt, kind, message, null, null, null);
  }

  public enum Kind {
    /** The task was sent to an agent: the run becomes STARTING. */
    LAUNCHED,
    /** The task runs: the run becomes ACTIVE. */
    RUNNING,
    /** The task exited 0: the run succeeds. */
    FINISHED,
    /** The task failed, was lost or killed: the run restarts per its policy or fails. */
    FAILED;

    public boolean terminal() {
      return this == FINISHED || this == FAILED;
    }
  }
}
