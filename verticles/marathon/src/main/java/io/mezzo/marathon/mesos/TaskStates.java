package io.mezzo.marathon.mesos;

import io.mezzo.marathon.core.Condition;
import org.apache.mesos.v1.Protos.TaskState;

/** Mesos task states as instance conditions. */
final class TaskStates {

  private TaskStates() {
  }

  static Condition condition(TaskState state) {
    return switch (state) {
      case TASK_STAGING -> Condition.STAGING;
      case TASK_STARTING -> Condition.STARTING;
      case TASK_RUNNING -> Condition.RUNNING;
      case TASK_KILLING -> Condition.KILLING;
      case TASK_FINISHED -> Condition.FINISHED;
      case TASK_FAILED -> Condition.FAILED;
      case TASK_KILLED -> Condition.KILLED;
      case TASK_LOST -> Condition.LOST;
      case TASK_ERROR -> Condition.ERROR;
      case TASK_DROPPED -> Condition.DROPPED;
      case TASK_GONE, TASK_GONE_BY_OPERATOR -> Condition.GONE;
      case TASK_UNREACHABLE -> Condition.UNREACHABLE;
      case TASK_UNKNOWN -> Condition.UNKNOWN;
    };
  }
}
