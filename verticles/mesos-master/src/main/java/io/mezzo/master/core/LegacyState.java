package io.mezzo.master.core;

import com.fasterxml.jackson.core.JsonGenerator;
import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.proto.ResourceBag;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;

/**
 * The libprocess-era JSON endpoints ({@code /master/state}, {@code /master/state-summary},
 * {@code /master/frameworks}, {@code /master/slaves}, {@code /master/tasks}) in the shape tools such as
 * Mesos-DNS, the DC/OS UI and the CLI read: agents are "slaves", resources are flat objects
 * ({@code {"cpus":1,"mem":128,"ports":"[31000-31001]"}}), times are seconds as floating point.
 */
public final class LegacyState {
  private LegacyState() {
  }

  /**
   * {@code /master/state} streamed into a buffer: the same bytes as {@code state(...).toBuffer()}, with
   * each task copied from its kept JSON.
   */
  public static Buffer stateJson(Master master, String leaderPid, Map<String, String> flags, String cluster) {
    int tasks = 0;
    for (FrameworkRecord fw : master.frameworks.values()) {
      tasks += fw.tasks.size();
    }
    return JsonOut.write(1024 + tasks * 450 + master.agents.count() * 700, g -> {
      g.writeStartObject();
      fields(header(master, leaderPid, cluster), g);
      g.writeFieldName("flags");
      JacksonCodec.encodeJson(new JsonObject(Map.copyOf(flags)), g);
      g.writeArrayFieldStart("slaves");
      for (AgentRecord a : master.agents.records()) {
        g.writeRawValue(JsonOut.raw(slaveJson(master, a)));
      }
      g.writeEndArray();
      g.writeFieldName("recovered_slaves");
      JacksonCodec.encodeJson(recoveredSlaves(master), g);
      g.writeArrayFieldStart("frameworks");
      for (FrameworkRecord fw : master.frameworks.values()) {
        writeFramework(master, fw, g);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("completed_frameworks");
      for (FrameworkRecord fw : master.completedFrameworks) {
        writeFramework(master, fw, g);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("orphan_tasks");
      g.writeEndArray();
      g.writeArrayFieldStart("unregistered_frameworks");
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  private static void fields(JsonObject object, JsonGenerator g) throws IOException {
    for (Map.Entry<String, Object> e : object) {
      g.writeFieldName(e.getKey());
      JacksonCodec.encodeJson(e.getValue(), g);
    }
  }

  /** A framework with its tasks, as {@link #framework(Master, FrameworkRecord, boolean)} with tasks builds it. */
  private static void writeFramework(Master master, FrameworkRecord fw, JsonGenerator g) throws IOException {
    g.writeStartObject();
    fields(framework(master, fw, false), g);
    g.writeArrayFieldStart("tasks");
    for (TaskRecord t : fw.tasks.values()) {
      if (t.state != org.apache.mesos.v1.Protos.TaskState.TASK_UNREACHABLE) {
        g.writeRawValue(JsonOut.raw(t.legacyJson()));
      }
    }
    g.writeEndArray();
    g.writeArrayFieldStart("unreachable_tasks");
    for (TaskRecord t : fw.tasks.values()) {
      if (t.state == org.apache.mesos.v1.Protos.TaskState.TASK_UNREACHABLE) {
        g.writeRawValue(JsonOut.raw(t.legacyJson()));
      }
    }
    g.writeEndArray();
    g.writeArrayFieldStart("completed_tasks");
    Deque<TaskRecord> done = master.completedTasks.get(fw.id);
    if (done != null) {
      for (TaskRecord t : done) {
        g.writeRawValue(JsonOut.raw(t.legacyJson()));
      }
    }
    g.writeEndArray();
    g.writeFieldName("offers");
    JacksonCodec.encodeJson(offers(fw), g);
    g.writeArrayFieldStart("executors");
    g.writeEndArray();
    g.writeEndObject();
  }

  private static JsonArray recoveredSlaves(Master master) {
    return new JsonArray(master.agents.recovering().values().stream()
        .map(i -> (Object) new JsonObject(MesosJson.print(i))).toList());
  }

  private static JsonArray offers(FrameworkRecord fw) {
    JsonArray offers = new JsonArray();
    for (OfferRecord o : fw.offers.values()) {
      offers.add(new JsonObject().put("id", o.id()).put("framework_id", fw.id).put("slave_id", o.agentId())
          .put("resources", resources(o.resources().toResources())));
    }
    return offers;
  }

  /** {@code /master/state} as a JSON tree (the reference for {@link #stateJson}, which the server uses). */
  public static JsonObject state(Master master, String leaderPid, Map<String, String> flags, String cluster) {
    JsonObject s = header(master, leaderPid, cluster);
    s.put("flags", new JsonObject(Map.copyOf(flags)));
    s.put("slaves", slaves(master));
    s.put("recovered_slaves", recoveredSlaves(master));
    JsonArray frameworks = new JsonArray();
    for (FrameworkRecord fw : master.frameworks.values()) {
      frameworks.add(framework(master, fw, true));
    }
    s.put("frameworks", frameworks);
    JsonArray completed = new JsonArray();
    for (FrameworkRecord fw : master.completedFrameworks) {
      completed.add(framework(master, fw, true));
    }
    s.put("completed_frameworks", completed);
    s.put("orphan_tasks", new JsonArray());
    s.put("unregistered_frameworks", new JsonArray());
    return s;
  }

  private static JsonObject header(Master master, String leaderPid, String cluster) {
    int active = 0;
    for (AgentRecord a : master.agents.records()) {
      active += a.active ? 1 : 0;
    }
    return new JsonObject()
        .put("version", Master.VERSION)
        .put("build_date", "2026-11-25")
        .put("build_user", "mezzo")
        .put("start_time", master.startTime.toEpochMilli() / 1000.0)
        .put("elected_time", master.electedTime.toEpochMilli() / 1000.0)
        .put("id", master.info.getId())
        .put("pid", master.info.getPid())
        .put("hostname", master.info.getHostname())
        .put("capabilities", new JsonArray(List.of("AGENT_UPDATE", "AGENT_DRAINING", "QUOTA_V2")))
        .put("activated_slaves", active)
        .put("deactivated_slaves", master.agents.count() - active)
        .put("unreachable_slaves", master.agents.unreachable().size())
        .put("cluster", cluster)
        .put("leader", leaderPid)
        .put("leader_info", new JsonObject(MesosJson.print(master.info)));
  }

  /** {@code /master/state-summary}: counts per agent and framework, no tasks. */
  public static JsonObject summary(Master master, String leaderPid, String cluster) {
    JsonObject s = new JsonObject().put("hostname", master.info.getHostname()).put("cluster", cluster);
    JsonArray slaves = new JsonArray();
    for (AgentRecord a : master.agents.records()) {
      slaves.add(slave(a).put("TASK_RUNNING", (int) a.tasks.values().stream()
          .filter(t -> t.state == org.apache.mesos.v1.Protos.TaskState.TASK_RUNNING).count()));
    }
    s.put("slaves", slaves);
    JsonArray frameworks = new JsonArray();
    for (FrameworkRecord fw : master.frameworks.values()) {
      JsonObject f = framework(master, fw, false);
      f.put("TASK_RUNNING", (int) fw.tasks.values().stream()
          .filter(t -> t.state == org.apache.mesos.v1.Protos.TaskState.TASK_RUNNING).count());
      frameworks.add(f);
    }
    s.put("frameworks", frameworks);
    return s;
  }

  public static JsonArray slaves(Master master) {
    JsonArray slaves = new JsonArray();
    for (AgentRecord a : master.agents.records()) {
      slaves.add(slave(a));
    }
    return slaves;
  }

  /** {@code slave(a).toBuffer()}, kept until something it shows changes. */
  private static byte[] slaveJson(Master master, AgentRecord a) {
    StateViews.AgentKey key = StateViews.AgentKey.of(master, a);
    if (a.legacyJson == null || !key.same(a.legacyJsonKey)) {
      a.legacyJson = slave(a).toBuffer().getBytes();
      a.legacyJsonKey = key;
    }
    return a.legacyJson;
  }

  private static JsonObject slave(AgentRecord a) {
    ResourceBag used = a.used();
    ResourceBag offered = a.offeredTotal();
    JsonObject attributes = new JsonObject();
    for (Attribute attr : a.info.getAttributesList()) {
      attributes.put(attr.getName(), attributeValue(attr));
    }
    JsonObject s = new JsonObject()
        .put("id", a.id)
        .put("pid", "slave(1)@" + a.info.getHostname() + ":" + a.info.getPort())
        .put("hostname", a.info.getHostname())
        .put("port", a.info.getPort())
        .put("registered_time", a.registeredTime.toEpochMilli() / 1000.0)
        .put("resources", resources(a.total.toResources()))
        .put("used_resources", resources(used.toResources()))
        .put("offered_resources", resources(offered.toResources()))
        .put("unreserved_resources", resources(a.total.forRole("*").toResources()))
        .put("reserved_resources", reservedResources(a))
        .put("attributes", attributes)
        .put("active", a.active)
        .put("deactivated", !a.active)
        .put("version", a.version == null ? Master.VERSION : a.version)
        .put("capabilities", new JsonArray(List.of("MULTI_ROLE", "HIERARCHICAL_ROLE", "RESERVATION_REFINEMENT")));
    if (a.reregisteredTime != null) {
      s.put("reregistered_time", a.reregisteredTime.toEpochMilli() / 1000.0);
    }
    if (a.info.hasDomain()) {
      s.put("domain", new JsonObject(MesosJson.print(a.info.getDomain())));
    }
    return s;
  }

  private static Object attributeValue(Attribute attr) {
    return switch (attr.getType()) {
      case SCALAR -> attr.getScalar().getValue();
      case RANGES -> ranges(attr.getRanges());
      case SET -> "{" + String.join(",", attr.getSet().getItemList()) + "}";
      default -> attr.getText().getValue();
    };
  }

  private static String ranges(Value.Ranges ranges) {
    StringBuilder b = new StringBuilder("[");
    for (Value.Range r : ranges.getRangeList()) {
      if (b.length() > 1) {
        b.append(", ");
      }
      b.append(r.getBegin()).append('-').append(r.getEnd());
    }
    return b.append(']').toString();
  }

  /** Flat resources: scalars as numbers, ranges as {@code "[a-b, c-d]"}, sets as {@code "{x,y}"}. */
  /** Mesos's {@code reserved_resources}: the agent's reserved resources per role. */
  private static JsonObject reservedResources(AgentRecord a) {
    JsonObject out = new JsonObject();
    java.util.Set<String> roles = new java.util.TreeSet<>();
    for (Resource r : a.total.toResources()) {
      roles.add(io.mezzo.mesos.proto.Resources.roleOf(r));
    }
    roles.remove("*");
    for (String role : roles) {
      out.put(role, resources(a.total.forRole(role).toResources()));
    }
    return out;
  }

  public static JsonObject resources(List<Resource> list) {
    JsonObject out = new JsonObject().put("cpus", 0.0).put("mem", 0.0).put("disk", 0.0).put("gpus", 0.0);
    for (Resource r : list) {
      switch (r.getType()) {
        case SCALAR -> out.put(r.getName(), out.getDouble(r.getName(), 0.0) + r.getScalar().getValue());
        case RANGES -> out.put(r.getName(), ranges(r.getRanges()));
        case SET -> out.put(r.getName(), "{" + String.join(",", r.getSet().getItemList()) + "}");
        default -> { }
      }
    }
    return out;
  }

  public static JsonArray frameworks(Master master) {
    JsonArray out = new JsonArray();
    for (FrameworkRecord fw : master.frameworks.values()) {
      out.add(framework(master, fw, true));
    }
    return out;
  }

  /** {@code /master/frameworks}: the frameworks, the completed ones and (always empty) the unregistered ones, as Mesos lists them. */
  public static JsonObject frameworksAnswer(Master master) {
    JsonArray completed = new JsonArray();
    for (FrameworkRecord fw : master.completedFrameworks) {
      completed.add(framework(master, fw, true));
    }
    return new JsonObject().put("frameworks", frameworks(master)).put("completed_frameworks", completed)
        .put("unregistered_frameworks", new JsonArray());
  }

  @SuppressWarnings("deprecation")
  private static JsonObject framework(Master master, FrameworkRecord fw, boolean withTasks) {
    ResourceBag used = fw.used();
    ResourceBag offered = ResourceBag.EMPTY;
    for (OfferRecord o : fw.offers.values()) {
      offered = offered.add(o.resources());
    }
    JsonObject f = new JsonObject()
        .put("id", fw.id)
        .put("name", fw.info.getName())
        .put("pid", "scheduler-" + fw.id + "@" + master.info.getHostname())
        .put("user", fw.info.getUser())
        .put("hostname", fw.info.getHostname())
        .put("webui_url", fw.info.getWebuiUrl())
        .put("principal", fw.info.getPrincipal())
        .put("failover_timeout", fw.info.getFailoverTimeout())
        .put("checkpoint", fw.info.getCheckpoint())
        .put("role", fw.info.hasRole() ? fw.info.getRole() : "*")
        .put("roles", new JsonArray(List.copyOf(fw.info.getRolesList())))
        .put("active", fw.active)
        .put("connected", fw.connected())
        .put("recovered", fw.recovered)
        .put("capabilities", new JsonArray(fw.info.getCapabilitiesList().stream().map(c -> (Object) c.getType().name()).toList()))
        .put("registered_time", fw.registeredTime == null ? 0.0 : fw.registeredTime.toEpochMilli() / 1000.0)
        .put("unregistered_time", fw.unregisteredTime == null ? 0.0 : fw.unregisteredTime.toEpochMilli() / 1000.0)
        .put("resources", resources(used.add(offered).toResources()))
        .put("used_resources", resources(used.toResources()))
        .put("offered_resources", resources(offered.toResources()));
    if (fw.reregisteredTime != null) {
      f.put("reregistered_time", fw.reregisteredTime.toEpochMilli() / 1000.0);
    }
    if (withTasks) {
      JsonArray tasks = new JsonArray();
      JsonArray unreachable = new JsonArray();
      for (TaskRecord t : fw.tasks.values()) {
        (t.state == org.apache.mesos.v1.Protos.TaskState.TASK_UNREACHABLE ? unreachable : tasks).add(task(t));
      }
      JsonArray completed = new JsonArray();
      Deque<TaskRecord> done = master.completedTasks.get(fw.id);
      if (done != null) {
        done.forEach(t -> completed.add(task(t)));
      }
      f.put("tasks", tasks).put("unreachable_tasks", unreachable).put("completed_tasks", completed)
          .put("offers", offers(fw)).put("executors", new JsonArray());
    }
    return f;
  }

  public static JsonArray tasks(Master master) {
    JsonArray out = new JsonArray();
    for (FrameworkRecord fw : master.frameworks.values()) {
      fw.tasks.values().forEach(t -> out.add(task(t)));
    }
    return out;
  }

  static JsonObject task(TaskRecord t) {
    JsonObject task = new JsonObject()
        .put("id", t.id())
        .put("name", t.info.getName())
        .put("framework_id", t.frameworkId)
        .put("executor_id", t.info.hasExecutor() ? t.info.getExecutor().getExecutorId().getValue() : "")
        .put("slave_id", t.agentId)
        .put("state", t.state.name())
        .put("resources", resources(t.info.getResourcesList()));
    for (Resource r : t.info.getResourcesList()) {
      if (r.hasAllocationInfo()) {
        task.put("role", r.getAllocationInfo().getRole());
      }
    }
    JsonArray statuses = new JsonArray();
    for (TaskStatus s : t.statuses) {
      JsonObject status = new JsonObject().put("state", s.getState().name()).put("timestamp", s.getTimestamp());
      if (s.hasContainerStatus()) {
        status.put("container_status", new JsonObject(MesosJson.print(s.getContainerStatus())));
      }
      if (s.hasHealthy()) {
        status.put("healthy", s.getHealthy());
      }
      statuses.add(status);
    }
    task.put("statuses", statuses);
    if (t.info.hasLabels()) {
      JsonArray labels = new JsonArray();
      for (Label l : t.info.getLabels().getLabelsList()) {
        labels.add(new JsonObject().put("key", l.getKey()).put("value", l.getValue()));
      }
      task.put("labels", labels);
    }
    if (t.info.hasDiscovery()) {
      task.put("discovery", new JsonObject(MesosJson.print(t.info.getDiscovery())));
    }
    if (t.info.hasContainer()) {
      task.put("container", new JsonObject(MesosJson.print(t.info.getContainer())));
    }
    return task;
  }
}
