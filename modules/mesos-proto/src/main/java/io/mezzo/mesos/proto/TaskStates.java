package io.mezzo.mesos.proto;

import org.apache.mesos.v1.Protos.TaskState;

/** Facts about Mesos task states shared by the master, the agent and simulated agents. */
public final class TaskStates {
  private TaskStates() {
  }

  /** Whether no further update follows this state (TASK_LOST counts, as the master treats it). */
  public static boolean isTerminal(TaskState s) {
    return switch (s) {
      case TASK_FINISHED, TASK_FAILED, TASK_KILLED, TASK_ERROR, TASK_DROPPED, TASK_GONE, TASK_GONE_BY_OPERATOR, TASK_LOST -> true;
      default -> false;
    };
  }
}
