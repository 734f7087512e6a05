package io.mezzo.master.core;

import com.fasterxml.jackson.core.JsonGenerator;
import io.mezzo.mesos.proto.MesosJson;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.Deque;
import org.apache.mesos.v1.Protos.TaskState;

/**
 * GET_STATE and the operator SUBSCRIBED event as Mesos-style JSON, streamed into a buffer. The bytes
 * are those of {@code MesosJson.print} of the message built by {@link StateViews#state}, but the
 * tasks are copied from each task's kept JSON instead of being built and printed again.
 */
public final class StateJson {
  private StateJson() {
  }

  /** {@code {"type":"GET_STATE","get_state":{...}}}. */
  public static Buffer getStateResponse(Master master) {
    return JsonOut.write(sizeHint(master), g -> {
      g.writeStartObject();
      g.writeStringField("type", "GET_STATE");
      g.writeFieldName("get_state");
      state(master, g);
      g.writeEndObject();
    });
  }

  /** The operator stream's first event: {@code {"type":"SUBSCRIBED","subscribed":{"get_state":...,"heartbeat_interval_seconds":...}}}. */
  public static Buffer subscribedEvent(Master master) {
    return JsonOut.write(sizeHint(master), g -> {
      g.writeStartObject();
      g.writeStringField("type", "SUBSCRIBED");
      g.writeFieldName("subscribed");
      g.writeStartObject();
      g.writeFieldName("get_state");
      state(master, g);
      g.writeNumberField("heartbeat_interval_seconds", master.heartbeatSeconds());
      g.writeEndObject();
      g.writeEndObject();
    });
  }

  private static int sizeHint(Master master) {
    int tasks = 0;
    for (FrameworkRecord fw : master.frameworks.values()) {
      tasks += fw.tasks.size();
    }
    return 1024 + tasks * 900 + master.agents.count() * 1200;
  }

  /** A {@code GetState} object, fields in the descriptor's order. */
  static void state(Master master, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeFieldName("get_tasks");
    tasks(master, g);
    g.writeFieldName("get_executors");
    MesosJson.write(StateViews.executors(master), g);
    g.writeFieldName("get_frameworks");
    MesosJson.write(StateViews.frameworks(master), g);
    g.writeFieldName("get_agents");
    agents(master, g);
    g.writeEndObject();
  }

  /** A {@code GetAgents} object as {@link StateViews#agents} builds it, each agent copied from its kept JSON. */
  private static void agents(Master master, JsonGenerator g) throws IOException {
    g.writeStartObject();
    if (master.agents.count() > 0) {
      g.writeArrayFieldStart("agents");
      for (AgentRecord a : master.agents.records()) {
        g.writeRawValue(JsonOut.raw(StateViews.agentJson(master, a)));
      }
      g.writeEndArray();
    }
    if (!master.agents.recovering().isEmpty()) {
      g.writeArrayFieldStart("recovered_agents");
      for (org.apache.mesos.v1.Protos.AgentInfo info : master.agents.recovering().values()) {
        MesosJson.write(info, g);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  /** A {@code GetTasks} object as {@link Master#tasksView} would build it: tasks, unreachable_tasks, completed_tasks. */
  private static void tasks(Master master, JsonGenerator g) throws IOException {
    g.writeStartObject();
    boolean anyUnreachable = false;
    boolean open = false;
    for (FrameworkRecord fw : master.frameworks.values()) {
      for (TaskRecord t : fw.tasks.values()) {
        if (t.state == TaskState.TASK_UNREACHABLE) {
          anyUnreachable = true;
        } else {
          if (!open) {
            g.writeArrayFieldStart("tasks");
            open = true;
          }
          g.writeRawValue(JsonOut.raw(t.operatorJson()));
        }
      }
    }
    if (open) {
      g.writeEndArray();
    }
    if (anyUnreachable) {
      g.writeArrayFieldStart("unreachable_tasks");
      for (FrameworkRecord fw : master.frameworks.values()) {
        for (TaskRecord t : fw.tasks.values()) {
          if (t.state == TaskState.TASK_UNREACHABLE) {
            g.writeRawValue(JsonOut.raw(t.operatorJson()));
          }
        }
      }
      g.writeEndArray();
    }
    open = false;
    for (Deque<TaskRecord> done : master.completedTasks.values()) {
      for (TaskRecord t : done) {
        if (!open) {
          g.writeArrayFieldStart("completed_tasks");
          open = true;
        }
        g.writeRawValue(JsonOut.raw(t.operatorJson()));
      }
    }
    if (open) {
      g.writeEndArray();
    }
    g.writeEndObject();
  }
}
