package io.mezzo.agent;

import io.mezzo.agent.checks.HealthChecker;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;

/** One task run by the built-in command executor in its own container. Owned by the agent's event loop. */
final class Container {
  final String frameworkId;
  final TaskInfo task;
  final String executorId;
  final String containerId;
  final Path directory;
  final Instant launched;
  final List<TaskStatus> statuses = new ArrayList<>();
  TaskState state = TaskState.TASK_STAGING;
  /** The supervisor's pid (see {@link Containerizer#launch}) once started, else 0. */
  long pid;
  /** The supervisor's start time in clock ticks after boot, to tell it from a later process with the same pid. */
  long startTicks = -1;
  /** A kill was asked for (SIGTERM sent or to be sent once the process exists). */
  boolean killing;
  long gracePeriodMs;
  long killTimer = -1;
  /** The kernel killed a process of the container for exceeding its memory limit. */
  boolean memoryLimited;
  /** The task group (default executor) this task belongs to, or null. */
  TaskManager.TaskGroup group;
  /** The custom executor running this task, or null for the built-in command executor. */
  ExecutorRun executor;
  /** The supervisor reported the command's end (or vanished). */
  boolean exited;
  /** The command's exit status as its supervisor recorded it (128 + n for signal n), or null when unknown. */
  Integer exitStatus;
  /** An exit status notified before the container was adopted (the command ended at once); taken when it is. */
  Integer notifiedExit;
  /** The container's file-system work, in order (see TaskManager#io). */
  Future<Object> work = Future.succeededFuture();
  /** The container is gone: process exited and the box removed. */
  boolean destroyed;
  /** The task's environment and user, for its COMMAND health checks. */
  Map<String, String> environment = Map.of();
  Optional<Containerizer.User> user = Optional.empty();
  /** The running health checker, or null. */
  HealthChecker checker;
  /** The running general check, or null. */
  io.mezzo.agent.checks.GeneralChecker generalChecker;
  /** The check's last result (reported in every later update), or null for a task without a check. */
  org.apache.mesos.v1.Protos.CheckStatusInfo checkStatus;
  /** The health last reported, or null before the first report. */
  Boolean healthy;
  /** The kill came from failed health checks: the terminal update says {@code healthy: false}. */
  boolean killedByHealthCheck;

  Container(String frameworkId, TaskInfo task, String executorId, String containerId, Path directory, Instant launched) {
    this.frameworkId = frameworkId;
    this.task = task;
    this.executorId = executorId;
    this.containerId = containerId;
    this.directory = directory;
    this.launched = launched;
  }

  String taskId() {
    return task.getTaskId().getValue();
  }

  void stopChecker() {
    if (checker != null) {
      checker.stop();
      checker = null;
    }
    if (generalChecker != null) {
      generalChecker.stop();
      generalChecker = null;
    }
  }

  boolean terminal() {
    return isTerminal(state);
  }

  static boolean isTerminal(TaskState s) {
    return io.mezzo.mesos.proto.TaskStates.isTerminal(s);
  }

  /** The task as the agent reports it on re-registration and in its state. */
  Task toTask(String agentId) {
    Task.Builder t = Task.newBuilder().setName(task.getName()).setTaskId(task.getTaskId())
        .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
        .setAgentId(AgentID.newBuilder().setValue(agentId)).setState(state)
        .addAllResources(task.getResourcesList()).addAllStatuses(statuses);
    if (task.hasLabels()) {
      t.setLabels(task.getLabels());
    }
    if (task.hasDiscovery()) {
      t.setDiscovery(task.getDiscovery());
    }
    if (task.hasKillPolicy()) {
      t.setKillPolicy(task.getKillPolicy());
    }
    if (!statuses.isEmpty()) {
      TaskStatus last = statuses.get(statuses.size() - 1);
      t.setStatusUpdateState(last.getState());
      if (last.hasUuid()) {
        t.setStatusUpdateUuid(last.getUuid());
      }
    }
    return t.build();
  }
}
