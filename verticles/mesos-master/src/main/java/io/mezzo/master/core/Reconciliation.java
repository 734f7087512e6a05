package io.mezzo.master.core;

import java.util.List;
import java.util.Optional;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;

/**
 * RECONCILE. Implicit (no tasks named): the latest state of every task the master knows for the
 * framework. Explicit, per task: known → its latest state; unknown on an agent that is recovered but
 * not yet re-registered → no answer; on a registered agent → TASK_GONE; on an unreachable agent →
 * TASK_UNREACHABLE; on a gone agent → TASK_GONE_BY_OPERATOR; agent unknown → TASK_UNKNOWN.
 * Frameworks that are not PARTITION_AWARE get TASK_LOST in place of these. Answers carry
 * REASON_RECONCILIATION and no uuid.
 */
final class Reconciliation {
  private Reconciliation() {
  }

  static void reconcile(Master master, FrameworkRecord fw, List<Call.Reconcile.Task> tasks) {
    if (fw.channel == null) {
      return;
    }
    if (tasks.isEmpty()) {
      for (TaskRecord task : fw.tasks.values()) {
        fw.channel.send(MasterTasks.update(latest(master, task)));
      }
      return;
    }
    for (Call.Reconcile.Task wanted : tasks) {
      String taskId = wanted.getTaskId().getValue();
      TaskRecord task = fw.tasks.get(taskId);
      if (task != null) {
        fw.channel.send(MasterTasks.update(latest(master, task)));
        continue;
      }
      String agentId = wanted.hasAgentId() ? wanted.getAgentId().getValue() : null;
      Optional<TaskState> state = unknownTaskState(master, agentId);
      if (state.isEmpty()) {
        continue;
      }
      TaskState answer = fw.partitionAware() ? state.get() : TaskState.TASK_LOST;
      fw.channel.send(MasterTasks.update(master.tasks.masterStatus(taskId, agentId, answer, TaskStatus.Reason.REASON_RECONCILIATION,
          "Reconciliation: task is unknown")));
    }
  }

  private static Optional<TaskState> unknownTaskState(Master master, String agentId) {
    if (agentId == null) {
      return Optional.of(TaskState.TASK_UNKNOWN);
    }
    MasterAgents agents = master.agents;
    if (agents.isRecovering(agentId)) {
      return Optional.empty();
    }
    if (agents.find(agentId).isPresent()) {
      return Optional.of(TaskState.TASK_GONE);
    }
    if (agents.isUnreachable(agentId)) {
      return Optional.of(TaskState.TASK_UNREACHABLE);
    }
    if (agents.isGone(agentId)) {
      return Optional.of(TaskState.TASK_GONE_BY_OPERATOR);
    }
    return Optional.of(TaskState.TASK_UNKNOWN);
  }

  /** The task's latest state as a reconciliation answer (few fields, no uuid). */
  private static TaskStatus latest(Master master, TaskRecord task) {
    TaskStatus.Builder s = master.tasks.masterStatus(task.id(), task.agentId, task.state, TaskStatus.Reason.REASON_RECONCILIATION,
        "Reconciliation: latest task status").toBuilder();
    if (!task.statuses.isEmpty()) {
      TaskStatus last = task.statuses.get(task.statuses.size() - 1);
      if (last.hasHealthy()) {
        s.setHealthy(last.getHealthy());
      }
      if (last.hasContainerStatus()) {
        s.setContainerStatus(last.getContainerStatus());
      }
      if (last.hasExecutorId()) {
        s.setExecutorId(last.getExecutorId());
      }
    }
    return s.build();
  }
}
