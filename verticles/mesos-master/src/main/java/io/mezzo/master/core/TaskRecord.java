package io.mezzo.master.core;

import io.mezzo.mesos.proto.ResourceBag;
import java.util.ArrayList;
import java.util.List;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;

/** A task as the master knows it: launched from a TaskInfo, then changed by status updates. */
final class TaskRecord {
  final String frameworkId;
  final String agentId;
  final TaskInfo info;
  final List<TaskStatus> statuses = new ArrayList<>();
  TaskState state = TaskState.TASK_STAGING;
  /** How often {@link #state} was set through {@link #setState}: sums over a map of tasks change when one does. */
  long changes;
  private ResourceBag resources;
  private Task task;
  /** The state of the latest update forwarded to the framework that waits for its acknowledgement. */
  TaskStatus unacknowledged;

  /**
   * The task's operator-API JSON (a {@code Task}) and its {@code /master/state} JSON, kept until its
   * state or statuses change: state answers copy them instead of printing 100,000 tasks each time.
   * Valid while {@link #state} and the number of statuses are those recorded (statuses are only appended).
   */
  private byte[] operatorJson;
  private byte[] legacyJson;
  private TaskState jsonState;
  private int jsonStatuses = -1;

  TaskRecord(String frameworkId, String agentId, TaskInfo info) {
    this.frameworkId = frameworkId;
    this.agentId = agentId;
    this.info = info;
  }

  /** Whether the task or its executor uses a persistent volume. */
  boolean usesVolumes() {
    return anyVolume(info.getResourcesList()) || info.hasExecutor() && anyVolume(info.getExecutor().getResourcesList());
  }

  /** A plain loop: this runs for each of 100,000 tasks when agents re-register after a failover. */
  private static boolean anyVolume(List<org.apache.mesos.v1.Protos.Resource> resources) {
    for (int i = 0; i < resources.size(); i++) {
      if (Volumes.isVolume(resources.get(i))) {
        return true;
      }
    }
    return false;
  }

  /** Rebuilt from the agent's report when it re-registers. */
  static TaskRecord fromReport(Task task) {
    return fromReport(task, task.getAgentId().getValue());
  }

  /** Rebuilt from the report of the agent {@code agentId} (whatever agent id the report names). */
  static TaskRecord fromReport(Task task, String agentId) {
    org.apache.mesos.v1.Protos.AgentID agent = task.getAgentId().getValue().equals(agentId) ? task.getAgentId()
        : org.apache.mesos.v1.Protos.AgentID.newBuilder().setValue(agentId).build();
    TaskInfo.Builder info = TaskInfo.newBuilder().setName(task.getName()).setTaskId(task.getTaskId())
        .setAgentId(agent).addAllResources(task.getResourcesList());
    if (task.hasExecutorId()) {
      info.setExecutor(org.apache.mesos.v1.Protos.ExecutorInfo.newBuilder().setExecutorId(task.getExecutorId())
          .setCommand(org.apache.mesos.v1.Protos.CommandInfo.newBuilder().setShell(false)));
    }
    if (task.hasLabels()) {
      info.setLabels(task.getLabels());
    }
    if (task.hasDiscovery()) {
      info.setDiscovery(task.getDiscovery());
    }
    if (task.hasContainer()) {
      info.setContainer(task.getContainer());
    }
    if (task.hasKillPolicy()) {
      info.setKillPolicy(task.getKillPolicy());
    }
    TaskRecord record = new TaskRecord(task.getFrameworkId().getValue(), agentId, info.build());
    record.setState(task.getState());
    record.statuses.addAll(task.getStatusesList());
    return record;
  }

  /** Sets the state; use this rather than assigning {@link #state}, so kept sums over tasks see the change. */
  void setState(TaskState next) {
    if (next != state) {
      state = next;
      changes++;
    }
  }

  /** The task's resources as a bag (its TaskInfo never changes). */
  ResourceBag resources() {
    if (resources == null) {
      List<org.apache.mesos.v1.Protos.Resource> list = info.getResourcesList();
      LastBag last = lastBag;
      if (last != null && last.resources.equals(list)) {
        resources = last.bag;
      } else {
        resources = ResourceBag.of(list);
        lastBag = new LastBag(list, resources);
      }
    }
    return resources;
  }

  /**
   * The last resources turned into a bag, and the bag: tasks of one application ask for the same
   * resources, and comparing the lists is much cheaper than building a bag (100,000 tasks come back at
   * once after a failover). Both are immutable, so masters on other threads may share it.
   */
  private record LastBag(List<org.apache.mesos.v1.Protos.Resource> resources, ResourceBag bag) {
  }

  private static volatile LastBag lastBag;

  String id() {
    return info.getTaskId().getValue();
  }

  boolean terminal() {
    return isTerminal(state);
  }

  static boolean isTerminal(TaskState s) {
    return io.mezzo.mesos.proto.TaskStates.isTerminal(s);
  }

  private void checkJson() {
    if (jsonState != state || jsonStatuses != statuses.size()) {
      operatorJson = null;
      legacyJson = null;
      task = null;
      jsonState = state;
      jsonStatuses = statuses.size();
    }
  }

  /** {@code MesosJson.print(toTask())} as UTF-8, kept until the task changes. */
  byte[] operatorJson() {
    checkJson();
    if (operatorJson == null) {
      operatorJson = io.mezzo.mesos.proto.MesosJson.printBytes(toTask());
    }
    return operatorJson;
  }

  /** The task's {@code /master/state} object as UTF-8, kept until the task changes. */
  byte[] legacyJson() {
    checkJson();
    if (legacyJson == null) {
      legacyJson = LegacyState.task(this).toBuffer().getBytes();
    }
    return legacyJson;
  }

  /** The Task message of the operator API, kept until the task changes. */
  Task toTask() {
    checkJson();
    if (task == null) {
      task = buildTask();
    }
    return task;
  }

  private Task buildTask() {
    Task.Builder t = Task.newBuilder()
        .setName(info.getName())
        .setTaskId(info.getTaskId())
        .setFrameworkId(org.apache.mesos.v1.Protos.FrameworkID.newBuilder().setValue(frameworkId))
        .setAgentId(org.apache.mesos.v1.Protos.AgentID.newBuilder().setValue(agentId))
        .setState(state)
        .addAllResources(info.getResourcesList())
        .addAllStatuses(statuses);
    if (info.hasExecutor()) {
      t.setExecutorId(info.getExecutor().getExecutorId());
    }
    if (info.hasLabels()) {
      t.setLabels(info.getLabels());
    }
    if (info.hasDiscovery()) {
      t.setDiscovery(info.getDiscovery());
    }
    if (info.hasContainer()) {
      t.setContainer(info.getContainer());
    }
    if (info.hasHealthCheck()) {
      t.setHealthCheck(info.getHealthCheck());
    }
    if (info.hasKillPolicy()) {
      t.setKillPolicy(info.getKillPolicy());
    }
    if (info.hasCommand() && info.getCommand().hasUser()) {
      t.setUser(info.getCommand().getUser());
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
