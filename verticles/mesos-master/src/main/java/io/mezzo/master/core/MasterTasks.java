package io.mezzo.master.core;

import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.protocol.AgentProtocol;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.master.Protos.Event.TaskAdded;
import org.apache.mesos.v1.master.Protos.Event.TaskUpdated;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * The tasks side of the master: kills and acknowledgements from frameworks, status updates from
 * agents, master-decided transitions (lost, dropped, killed with their framework) and the move of
 * finished tasks to the completed list. Frameworks and offers are in {@link Master}, agents in
 * {@link MasterAgents}.
 */
public final class MasterTasks {
  private final Master master;

  MasterTasks(Master master) {
    this.master = master;
  }

  Master.CallResult kill(FrameworkRecord fw, Call.Kill kill) {
    String taskId = kill.getTaskId().getValue();
    TaskRecord task = fw.tasks.get(taskId);
    if (task == null) {
      // The master does not know the task: answer as reconciliation would.
      Call.Reconcile.Task.Builder unknown = Call.Reconcile.Task.newBuilder().setTaskId(kill.getTaskId());
      if (kill.hasAgentId()) {
        unknown.setAgentId(kill.getAgentId());
      }
      Reconciliation.reconcile(master, fw, List.of(unknown.build()));
      return Master.CallResult.ACCEPTED;
    }
    master.agents.find(task.agentId).ifPresent(agent -> {
      JsonObject msg = new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.KILL_TASK)
          .put("framework_id", fw.id).put("task_id", taskId);
      if (kill.hasKillPolicy()) {
        msg.put("kill_policy", new JsonObject(MesosJson.print(kill.getKillPolicy())));
      } else if (task.info.hasKillPolicy()) {
        msg.put("kill_policy", new JsonObject(MesosJson.print(task.info.getKillPolicy())));
      }
      master.outbox.toAgent(agent.pid, msg);
    });
    return Master.CallResult.ACCEPTED;
  }

  Master.CallResult acknowledge(FrameworkRecord fw, Call.Acknowledge ack) {
    String taskId = ack.getTaskId().getValue();
    String agentId = ack.getAgentId().getValue();
    Optional<AgentRecord> agent = master.agents.find(agentId);
    if (agent.isEmpty()) {
      return Master.CallResult.ACCEPTED;
    }
    master.outbox.toAgent(agent.get().pid, new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.ACKNOWLEDGE)
        .put("framework_id", fw.id).put("task_id", taskId)
        .put("uuid", java.util.Base64.getEncoder().encodeToString(ack.getUuid().toByteArray())));
    TaskRecord task = fw.tasks.get(taskId);
    if (task != null && task.unacknowledged != null && task.unacknowledged.getUuid().equals(ack.getUuid())) {
      task.unacknowledged = null;
      if (task.terminal()) {
        forgetTask(task);
      }
    }
    return Master.CallResult.ACCEPTED;
  }


  /** A status update from an agent: record it and forward it to the framework (it acknowledges via the agent). */
  public void statusUpdate(String agentId, String frameworkId, TaskStatus status) {
    String taskId = status.getTaskId().getValue();
    FrameworkRecord fw = master.frameworks.get(frameworkId);
    TaskRecord task = fw == null ? null : fw.tasks.get(taskId);
    if (task != null) {
      boolean wasTerminal = task.terminal();
      task.setState(status.getState());
      task.statuses.add(status);
      if (status.hasUuid()) {
        task.unacknowledged = status;
      }
      if (task.terminal() && !wasTerminal) {
        master.allocator.recoverResources(frameworkId, task.agentId, task.resources(), Duration.ZERO);
      }
      master.outbox.toOperators(() -> Master.operatorEvent(org.apache.mesos.v1.master.Protos.Event.Type.TASK_UPDATED)
          .setTaskUpdated(TaskUpdated.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
              .setStatus(status).setState(task.state)).build());
      if (task.terminal() && !status.hasUuid()) {
        forgetTask(task);
      }
    }
    if (fw != null && fw.channel != null) {
      fw.channel.send(update(status));
    }
  }

  /** Moves a terminal, acknowledged task out of the active maps into the completed list. */
  void forgetTask(TaskRecord task) {
    FrameworkRecord fw = master.frameworks.get(task.frameworkId);
    if (fw != null) {
      fw.tasks.remove(task.id());
    }
    Optional<AgentRecord> agent = master.agents.find(task.agentId);
    agent.ifPresent(a -> a.removeTask(AgentRecord.key(task.frameworkId, task.id())));
    keepCompleted(task);
    agent.ifPresent(master.agents::checkDrained);
  }

  private void keepCompleted(TaskRecord task) {
    Deque<TaskRecord> done = master.completedTasks.computeIfAbsent(task.frameworkId, k -> new ArrayDeque<>());
    done.addLast(task);
    while (done.size() > master.options.maxCompletedTasksPerFramework()) {
      done.removeFirst();
    }
  }

  /**
   * A finished task an agent reported when it re-registered (after a master failover): listed among
   * the completed tasks unless it already is. Tasks of frameworks the master does not know are left out.
   */
  void addCompleted(TaskRecord task) {
    if (!master.frameworks.containsKey(task.frameworkId)) {
      return;
    }
    Deque<TaskRecord> done = master.completedTasks.get(task.frameworkId);
    if (done != null) {
      for (TaskRecord t : done) {
        if (t.id().equals(task.id()) && t.agentId.equals(task.agentId)) {
          return;
        }
      }
    }
    keepCompleted(task);
  }

  static Event update(TaskStatus status) {
    return Event.newBuilder().setType(Event.Type.UPDATE).setUpdate(Event.Update.newBuilder().setStatus(status)).build();
  }

  /** A master-generated status (no uuid, so not to be acknowledged). */
  TaskStatus masterStatus(String taskId, String agentId, TaskState state, TaskStatus.Reason reason, String message) {
    TaskStatus.Builder s = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId))
        .setState(state).setSource(TaskStatus.Source.SOURCE_MASTER).setReason(reason)
        .setTimestamp(master.clock.millis() / 1000.0);
    if (agentId != null) {
      s.setAgentId(AgentID.newBuilder().setValue(agentId));
    }
    if (message != null) {
      s.setMessage(message);
    }
    return s.build();
  }

  /** Puts a task into a master-decided state and tells the framework and the operators. */
  void transition(TaskRecord task, TaskState state, TaskStatus.Reason reason, String message) {
    TaskStatus status = masterStatus(task.id(), task.agentId, state, reason, message);
    boolean wasTerminal = task.terminal();
    task.setState(state);
    task.statuses.add(status);
    if (task.terminal() && !wasTerminal) {
      master.allocator.recoverResources(task.frameworkId, task.agentId, task.resources(), Duration.ZERO);
    }
    master.outbox.toOperators(() -> Master.operatorEvent(org.apache.mesos.v1.master.Protos.Event.Type.TASK_UPDATED)
        .setTaskUpdated(TaskUpdated.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue(task.frameworkId))
            .setStatus(status).setState(state)).build());
    FrameworkRecord fw = master.frameworks.get(task.frameworkId);
    if (fw != null && fw.channel != null) {
      fw.channel.send(update(status));
    }
    if (task.terminal()) {
      forgetTask(task);
    }
  }

  void taskAdded(TaskRecord task) {
    master.outbox.toOperators(() -> Master.operatorEvent(org.apache.mesos.v1.master.Protos.Event.Type.TASK_ADDED)
        .setTaskAdded(TaskAdded.newBuilder().setTask(task.toTask())).build());
  }
}
