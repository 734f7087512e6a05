package io.mezzo.agent;

import io.mezzo.mesos.proto.ResourceBag;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.agent.Protos.Response;

/** The agent's state as legacy {@code /state} JSON and as v1 {@code GET_STATE} and friends. */
final class AgentViews {
  static final String VERSION = "1.11.0";

  private AgentViews() {
  }

  /** Everything a view needs, captured on the event loop. */
  record Snapshot(AgentInfo info, String pid, String masterId, double startTime, Map<String, FrameworkInfo> frameworks,
                  List<Container> active, List<Container> completed, Map<String, String> flags) {
  }

  static JsonObject legacyState(Snapshot s) {
    Map<String, List<Container>> byFramework = new LinkedHashMap<>();
    s.frameworks().keySet().forEach(id -> byFramework.put(id, new ArrayList<>()));
    List<Container> all = new ArrayList<>(s.active());
    all.addAll(s.completed());
    for (Container c : all) {
      byFramework.computeIfAbsent(c.frameworkId, k -> new ArrayList<>()).add(c);
    }
    JsonArray frameworks = new JsonArray();
    JsonArray completedFrameworks = new JsonArray();
    byFramework.forEach((fid, list) -> {
      FrameworkInfo fi = s.frameworks().get(fid);
      JsonArray executors = new JsonArray();
      JsonArray completedExecutors = new JsonArray();
      for (Container c : list) {
        JsonObject task = legacyTask(c, s.info().getId().getValue());
        JsonObject executor = new JsonObject().put("id", c.executorId).put("name", executorName(c)).put("source", c.taskId())
            .put("container", c.containerId).put("directory", c.directory.toString())
            .put("resources", resources(c.task.getResourcesList())).put("role", role(fi))
            .put("queued_tasks", new JsonArray());
        boolean done = s.completed().contains(c);
        executor.put("tasks", done ? new JsonArray() : new JsonArray().add(task));
        executor.put("completed_tasks", done ? new JsonArray().add(task) : new JsonArray());
        (done ? completedExecutors : executors).add(executor);
      }
      JsonObject fw = new JsonObject().put("id", fid).put("name", fi == null ? "" : fi.getName())
          .put("user", fi == null ? "" : fi.getUser()).put("hostname", fi == null ? "" : fi.getHostname())
          .put("role", role(fi)).put("checkpoint", fi != null && fi.getCheckpoint())
          .put("executors", executors).put("completed_executors", completedExecutors);
      (fi == null ? completedFrameworks : frameworks).add(fw);
    });
    JsonObject attributes = new JsonObject();
    for (Attribute a : s.info().getAttributesList()) {
      attributes.put(a.getName(), switch (a.getType()) {
        case SCALAR -> a.getScalar().getValue();
        case RANGES -> ranges(a.getRanges());
        case SET -> "{" + String.join(",", a.getSet().getItemList()) + "}";
        default -> a.getText().getValue();
      });
    }
    JsonObject flags = new JsonObject();
    s.flags().forEach(flags::put);
    return new JsonObject().put("version", VERSION).put("id", s.info().getId().getValue()).put("pid", s.pid())
        .put("hostname", s.info().getHostname()).put("start_time", s.startTime())
        .put("resources", resources(s.info().getResourcesList()))
        .put("reserved_resources", reserved(s.info().getResourcesList()))
        .put("unreserved_resources", resources(s.info().getResourcesList().stream().filter(r -> r.getReservationsCount() == 0).toList()))
        .put("attributes", attributes).put("master_hostname", s.masterId() == null ? "" : s.masterId())
        .put("flags", flags).put("capabilities", new JsonArray())
        .put("frameworks", frameworks).put("completed_frameworks", completedFrameworks);
  }

  /** The framework's first role (MULTI_ROLE) or its legacy single role. */
  @SuppressWarnings("deprecation")
  static String role(FrameworkInfo fi) {
    if (fi == null) {
      return "*";
    }
    return fi.getRolesCount() > 0 ? fi.getRoles(0) : fi.getRole();
  }

  static String executorName(Container c) {
    return "Command Executor (Task: " + c.taskId() + ") (Command: sh -c '" + c.task.getCommand().getValue() + "')";
  }

  static JsonObject legacyTask(Container c, String agentId) {
    JsonArray statuses = new JsonArray();
    for (TaskStatus st : c.statuses) {
      statuses.add(new JsonObject().put("state", st.getState().name()).put("timestamp", st.getTimestamp())
          .put("container_status", new JsonObject().put("container_id", new JsonObject().put("value", c.containerId))));
    }
    return new JsonObject().put("id", c.taskId()).put("name", c.task.getName()).put("framework_id", c.frameworkId)
        .put("executor_id", "").put("slave_id", agentId).put("state", c.state.name())
        .put("resources", resources(c.task.getResourcesList())).put("statuses", statuses);
  }

  static JsonObject resources(List<Resource> list) {
    JsonObject out = new JsonObject().put("cpus", 0.0).put("mem", 0.0).put("disk", 0.0).put("gpus", 0.0);
    ResourceBag bag = ResourceBag.of(list);
    for (Resource r : bag.toResources()) {
      switch (r.getType()) {
        case SCALAR -> out.put(r.getName(), out.getDouble(r.getName(), 0.0) + r.getScalar().getValue());
        case RANGES -> out.put(r.getName(), ranges(r.getRanges()));
        case SET -> out.put(r.getName(), "{" + String.join(",", r.getSet().getItemList()) + "}");
        default -> { }
      }
    }
    return out;
  }

  private static JsonObject reserved(List<Resource> list) {
    Map<String, List<Resource>> byRole = new LinkedHashMap<>();
    for (Resource r : list) {
      if (r.getReservationsCount() > 0) {
        byRole.computeIfAbsent(r.getReservations(r.getReservationsCount() - 1).getRole(), k -> new ArrayList<>()).add(r);
      }
    }
    JsonObject out = new JsonObject();
    byRole.forEach((role, rs) -> out.put(role, resources(rs)));
    return out;
  }

  static String ranges(Value.Ranges ranges) {
    List<String> parts = new ArrayList<>();
    for (Value.Range r : ranges.getRangeList()) {
      parts.add(r.getBegin() + "-" + r.getEnd());
    }
    return "[" + String.join(", ", parts) + "]";
  }

  // ---- v1 -------------------------------------------------------------------------------------

  static Response.GetTasks tasks(Snapshot s) {
    String agentId = s.info().getId().getValue();
    Response.GetTasks.Builder b = Response.GetTasks.newBuilder();
    for (Container c : s.active()) {
      Task t = c.toTask(agentId);
      if (c.terminal()) {
        b.addTerminatedTasks(t);
      } else {
        b.addLaunchedTasks(t);
      }
    }
    for (Container c : s.completed()) {
      b.addCompletedTasks(c.toTask(agentId));
    }
    return b.build();
  }

  static Response.GetFrameworks frameworks(Snapshot s) {
    Response.GetFrameworks.Builder b = Response.GetFrameworks.newBuilder();
    s.frameworks().values().forEach(fi -> b.addFrameworks(Response.GetFrameworks.Framework.newBuilder().setFrameworkInfo(fi)));
    return b.build();
  }

  static Response.GetExecutors executors(Snapshot s) {
    Response.GetExecutors.Builder b = Response.GetExecutors.newBuilder();
    for (Container c : s.active()) {
      b.addExecutors(Response.GetExecutors.Executor.newBuilder().setExecutorInfo(executorInfo(c)));
    }
    for (Container c : s.completed()) {
      b.addCompletedExecutors(Response.GetExecutors.Executor.newBuilder().setExecutorInfo(executorInfo(c)));
    }
    return b.build();
  }

  private static ExecutorInfo executorInfo(Container c) {
    return ExecutorInfo.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue(c.executorId))
        .setFrameworkId(org.apache.mesos.v1.Protos.FrameworkID.newBuilder().setValue(c.frameworkId))
        .setName(executorName(c))
        .setCommand(c.task.hasCommand() ? c.task.getCommand() : CommandInfo.getDefaultInstance())
        .addAllResources(c.task.getResourcesList()).build();
  }

  static Response.GetState state(Snapshot s) {
    return Response.GetState.newBuilder().setGetTasks(tasks(s)).setGetExecutors(executors(s))
        .setGetFrameworks(frameworks(s)).build();
  }
}
