package io.mezzo.master.core;

import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.proto.ResourceBag;
import io.mezzo.mesos.protocol.AgentProtocol;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;

/** ACCEPT and DECLINE: validating offers and operations, launching tasks, returning what is left. */
final class Offers {
  private Offers() {
  }

  static Master.CallResult decline(Master master, FrameworkRecord fw, List<OfferID> ids, Filters filters) {
    Duration refuse = refuse(master, filters);
    for (OfferID id : ids) {
      OfferRecord offer = master.offers.get(id.getValue());
      if (offer == null || !offer.frameworkId().equals(fw.id)) {
        continue;
      }
      master.takeOffer(offer.id());
      master.allocator.recoverResources(fw.id, offer.agentId(), offer.resources(), refuse);
    }
    return Master.CallResult.ACCEPTED;
  }

  private static Duration refuse(Master master, Filters filters) {
    if (filters == null || !filters.hasRefuseSeconds()) {
      return master.options.defaultRefuse();
    }
    double seconds = filters.getRefuseSeconds();
    if (!(seconds >= 0) || Double.isInfinite(seconds) || seconds > 365L * 24 * 3600) {
      return Duration.ofDays(365);
    }
    return Duration.ofMillis((long) (seconds * 1000));
  }

  static Master.CallResult accept(Master master, FrameworkRecord fw, Call.Accept accept) {
    List<OfferRecord> taken = new ArrayList<>();
    String invalid = null;
    Set<String> seen = new HashSet<>();
    for (OfferID id : accept.getOfferIdsList()) {
      OfferRecord offer = master.offers.get(id.getValue());
      if (!seen.add(id.getValue())) {
        invalid = "Duplicate offer '" + id.getValue() + "' in ACCEPT";
      } else if (offer == null || !offer.frameworkId().equals(fw.id)) {
        invalid = "Offer '" + id.getValue() + "' is no longer valid";
      } else if (!taken.isEmpty() && !taken.get(0).agentId().equals(offer.agentId())) {
        invalid = "Aggregated offers must belong to one single agent";
      }
    }
    if (accept.getOfferIdsCount() == 0) {
      invalid = "No offers specified";
    }
    for (OfferID id : accept.getOfferIdsList()) {
      OfferRecord offer = master.offers.get(id.getValue());
      if (offer != null && offer.frameworkId().equals(fw.id)) {
        taken.add(master.takeOffer(offer.id()));
      }
    }
    if (invalid != null) {
      for (OfferRecord offer : taken) {
        master.allocator.recoverResources(fw.id, offer.agentId(), offer.resources(), Duration.ZERO);
      }
      dropAll(master, fw, accept, invalid);
      return Master.CallResult.ACCEPTED;
    }
    String agentId = taken.get(0).agentId();
    Optional<AgentRecord> agent = master.agents.find(agentId);
    ResourceBag remaining = ResourceBag.EMPTY;
    for (OfferRecord offer : taken) {
      remaining = remaining.add(offer.resources());
    }
    java.util.Set<String> offered = offeredVolumes(taken);
    for (Offer.Operation op : accept.getOperationsList()) {
      switch (op.getType()) {
        case LAUNCH -> {
          for (TaskInfo task : op.getLaunch().getTaskInfosList()) {
            remaining = launch(master, fw, agent, agentId, remaining, task, null);
          }
        }
        case LAUNCH_GROUP -> {
          ExecutorInfo executor = op.getLaunchGroup().getExecutor();
          for (TaskInfo task : op.getLaunchGroup().getTaskGroup().getTasksList()) {
            remaining = launch(master, fw, agent, agentId, remaining, task, executor);
          }
          if (agent.isPresent()) {
            List<TaskInfo> launched = op.getLaunchGroup().getTaskGroup().getTasksList().stream()
                .filter(t -> fw.tasks.containsKey(t.getTaskId().getValue())
                    && fw.tasks.get(t.getTaskId().getValue()).state == TaskState.TASK_STAGING).toList();
            if (!launched.isEmpty()) {
              JsonObject group = new JsonObject().put("tasks", Master.jsonArray(launched));
              master.outbox.toAgent(agent.get().pid, new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.RUN_TASK_GROUP)
                  .put("framework", new JsonObject(MesosJson.print(fw.info)))
                  .put("executor", new JsonObject(MesosJson.print(executor)))
                  .put("task_group", group));
            }
          }
        }
        case RESERVE -> remaining = ReservationOps.reserve(master, fw, agent, remaining, op.getReserve().getResourcesList());
        case UNRESERVE -> remaining = ReservationOps.unreserve(master, fw, agent, remaining, op.getUnreserve().getResourcesList());
        case CREATE -> remaining = VolumeOps.create(master, fw, agent, remaining, op.getCreate().getVolumesList());
        case DESTROY -> remaining = VolumeOps.destroy(master, fw, agent, remaining, op.getDestroy().getVolumesList());
        case GROW_VOLUME -> remaining = VolumeOps.grow(master, fw, agent, remaining, offered, op.getGrowVolume());
        case SHRINK_VOLUME -> remaining = VolumeOps.shrink(master, fw, agent, remaining, offered, op.getShrinkVolume());
        default -> {
          // the disk operations (CREATE_DISK, DESTROY_DISK) are not carried out;
          // their resources stay in the unused part and go back to the pool below.
        }
      }
    }
    if (!remaining.isEmpty()) {
      master.allocator.recoverResources(fw.id, agentId, remaining, refuse(master, accept.hasFilters() ? accept.getFilters() : null));
    }
    return Master.CallResult.ACCEPTED;
  }

  /** Ids of the persistent volumes in the offers an ACCEPT takes. */
  private static java.util.Set<String> offeredVolumes(List<OfferRecord> taken) {
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (OfferRecord offer : taken) {
      offer.offer().getResourcesList().stream().filter(Volumes::isVolume).forEach(r -> ids.add(Volumes.id(r)));
    }
    return ids;
  }

  /** Validates and launches one task; returns the resources still unused. Invalid tasks get TASK_ERROR. */
  private static ResourceBag launch(Master master, FrameworkRecord fw, Optional<AgentRecord> agent, String agentId,
                                    ResourceBag remaining, TaskInfo task, ExecutorInfo groupExecutor) {
    String problem = null;
    String taskId = task.getTaskId().getValue();
    ResourceBag needs = ResourceBag.EMPTY;
    try {
      needs = ResourceBag.of(task.getResourcesList());
    } catch (IllegalArgumentException e) {
      problem = "Task uses invalid resources: " + e.getMessage();
    }
    if (problem != null) {
      // reported below
    } else if (taskId.isEmpty()) {
      problem = "Task ID must not be empty";
    } else if (fw.tasks.containsKey(taskId)) {
      problem = "Task has duplicate ID: " + taskId;
    } else if (!task.getAgentId().getValue().equals(agentId)) {
      problem = "Task uses agent " + task.getAgentId().getValue() + " but the offers are for agent " + agentId;
    } else if (groupExecutor == null && task.hasCommand() == task.hasExecutor()) {
      problem = "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present";
    } else if (groupExecutor != null && task.hasExecutor()) {
      problem = "Task in a task group must not have an ExecutorInfo";
    } else if (task.getResourcesCount() == 0 && groupExecutor == null) {
      problem = "Task uses no resources";
    } else if (!remaining.contains(needs)) {
      problem = "Task uses more resources " + needs + " than available " + remaining;
    }
    if (problem == null && agent.isPresent()) {
      List<org.apache.mesos.v1.Protos.Resource> all = new ArrayList<>(task.getResourcesList());
      if (task.hasExecutor()) {
        all.addAll(task.getExecutor().getResourcesList());
      }
      problem = VolumeOps.checkTaskVolumes(master, agent.get(), all);
    }
    if (problem != null) {
      TaskStatus status = master.tasks.masterStatus(taskId, agentId, TaskState.TASK_ERROR, TaskStatus.Reason.REASON_TASK_INVALID, problem);
      if (fw.channel != null) {
        fw.channel.send(MasterTasks.update(status));
      }
      return remaining;
    }
    TaskInfo launched = groupExecutor != null ? task.toBuilder().setExecutor(groupExecutor).build() : task;
    if (agent.isEmpty()) {
      TaskState lost = fw.partitionAware() ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;
      TaskStatus status = master.tasks.masterStatus(taskId, agentId, lost, TaskStatus.Reason.REASON_AGENT_REMOVED, "Agent removed");
      if (fw.channel != null) {
        fw.channel.send(MasterTasks.update(status));
      }
      return remaining.subtract(needs);
    }
    TaskRecord record = new TaskRecord(fw.id, agentId, launched);
    fw.tasks.put(taskId, record);
    agent.get().putTask(AgentRecord.key(fw.id, taskId), record);
    master.tasks.taskAdded(record);
    if (groupExecutor == null) {
      master.outbox.toAgent(agent.get().pid, new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.RUN_TASK)
          .put(AgentProtocol.FRAMEWORK_PROTOBUF, AgentProtocol.encode(fw.info))
          .put(AgentProtocol.TASK_PROTOBUF, AgentProtocol.encode(launched)));
    }
    return remaining.subtract(needs);
  }

  /** Every task of an ACCEPT with an invalid offer is dropped (TASK_LOST for frameworks that are not partition-aware). */
  private static void dropAll(Master master, FrameworkRecord fw, Call.Accept accept, String why) {
    TaskState state = fw.partitionAware() ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;
    for (Offer.Operation op : accept.getOperationsList()) {
      List<TaskInfo> tasks = op.getType() == Offer.Operation.Type.LAUNCH ? op.getLaunch().getTaskInfosList()
          : op.getType() == Offer.Operation.Type.LAUNCH_GROUP ? op.getLaunchGroup().getTaskGroup().getTasksList() : List.of();
      for (TaskInfo task : tasks) {
        TaskStatus status = master.tasks.masterStatus(task.getTaskId().getValue(), task.getAgentId().getValue(), state,
            TaskStatus.Reason.REASON_INVALID_OFFERS, why);
        if (fw.channel != null) {
          fw.channel.send(MasterTasks.update(status));
        }
      }
    }
  }
}
