package io.mezzo.master.sim;

import com.google.protobuf.ByteString;
import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.proto.Resources;
import io.mezzo.mesos.protocol.AgentProtocol;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;

/**
 * Many simulated agents behind one event-bus consumer, for benchmarks with thousands of agents. Each
 * agent registers and re-registers with its own message of the real protocol; they share one pid
 * (address), so the cluster routes master messages to the agent by task. Launched tasks go to
 * TASK_RUNNING at once; status updates are sent once (no retries) and acknowledgements ignored.
 * Registrations carry the AgentInfo as JSON; re-registrations carry it and the tasks in the compact
 * forms ({@link AgentProtocol#AGENT_INFO_PROTOBUF}, {@link AgentProtocol#TASKS_PROTOBUF}).
 * Methods must be called on the Vert.x context that created it.
 */
public final class SimulatedCluster {
  private final Vertx vertx;
  private final String pid = "cluster-" + UUID.randomUUID();
  private final List<Agent> agents = new ArrayList<>();
  private final Map<String, Agent> byId = new HashMap<>();
  private final Map<String, Agent> byTask = new HashMap<>();
  private MessageConsumer<JsonObject> consumer;
  private MessageConsumer<JsonObject> leaders;
  private String masterId;
  private Promise<Long> reregistered;

  private static final class Agent {
    final JsonObject info;
    /** The AgentInfo in its compact form, for re-registrations. */
    final String encodedInfo;
    String id;
    final Map<String, Task> tasks = new LinkedHashMap<>();
    /** The tasks in their re-registration form, kept until they change (a real agent prepares its own on its own machine). */
    String encodedTasks;
    final Map<String, JsonObject> frameworks = new LinkedHashMap<>();

    Agent(AgentInfo info) {
      this.info = new JsonObject(MesosJson.print(info));
      this.encodedInfo = AgentProtocol.encodeAgentInfo(info);
    }
  }

  public SimulatedCluster(Vertx vertx, int count, String resources) {
    this.vertx = vertx;
    for (int i = 0; i < count; i++) {
      AgentInfo info = AgentInfo.newBuilder().setHostname(String.format("agent-%05d.sim", i)).setPort(5051)
          .addAllResources(Resources.parse(resources, "*")).build();
      agents.add(new Agent(info));
    }
  }

  /** Listens, then registers every agent; completes when all are registered. */
  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(AgentProtocol.agentAddress(pid), this::onMessage);
    leaders = vertx.eventBus().consumer(AgentProtocol.LEADER_ELECTED, m -> newLeader(m.body().getString("master_id")));
    List<Future<?>> all = new ArrayList<>();
    return consumer.completion().compose(v -> leaders.completion()).compose(v -> {
      for (Agent agent : agents) {
        JsonObject msg = new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.REGISTER).put("agent_pid", pid)
            .put("agent_info", agent.info).put("version", "1.11.0");
        all.add(request(msg).onSuccess(reply -> {
          agent.id = reply.getString("agent_id");
          masterId = reply.getString("master_id");
          byId.put(agent.id, agent);
        }));
      }
      return Future.all(all).mapEmpty();
    });
  }

  /**
   * Completes with the wall-clock millis at which the last agent was re-registered with the next
   * master that announces itself.
   */
  public Future<Long> awaitReregistration() {
    // each agent's report is ready beforehand, as 10,000 real agents would prepare theirs on their own machines
    agents.forEach(SimulatedCluster::encodedTasks);
    reregistered = Promise.promise();
    return reregistered.future();
  }

  public int tasks() {
    return byTask.size();
  }

  public Future<Void> stop() {
    return Future.all(consumer.unregister(), leaders.unregister()).mapEmpty();
  }

  private Future<JsonObject> request(JsonObject msg) {
    return vertx.eventBus().<JsonObject>request(AgentProtocol.MASTER_ADDRESS, msg, new DeliveryOptions().setSendTimeout(60_000))
        .map(Message::body);
  }

  private void newLeader(String leaderId) {
    if (leaderId == null || leaderId.equals(masterId)) {
      return;
    }
    masterId = leaderId;
    int[] left = {agents.size()};
    for (Agent agent : agents) {
      reregister(agent, leaderId, left);
    }
  }

  private void reregister(Agent agent, String leaderId, int[] left) {
    JsonObject msg = new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.REREGISTER).put("agent_id", agent.id)
        .put("agent_pid", pid).put(AgentProtocol.AGENT_INFO_PROTOBUF, agent.encodedInfo).put("version", "1.11.0")
        .put(AgentProtocol.TASKS_PROTOBUF, encodedTasks(agent))
        .put("frameworks", new JsonArray(new ArrayList<>(agent.frameworks.values())));
    request(msg).onComplete(ar -> {
      if (ar.failed() || !leaderId.equals(ar.result().getString("master_id"))) {
        vertx.setTimer(100, id -> reregister(agent, leaderId, left));
      } else if (--left[0] == 0 && reregistered != null) {
        reregistered.tryComplete(System.currentTimeMillis());
      }
    });
  }

  private static String encodedTasks(Agent agent) {
    if (agent.encodedTasks == null) {
      agent.encodedTasks = AgentProtocol.encodeTasks(new ArrayList<>(agent.tasks.values()));
    }
    return agent.encodedTasks;
  }

  private void onMessage(Message<JsonObject> message) {
    JsonObject body = message.body();
    switch (body.getString(AgentProtocol.TYPE, "")) {
      case AgentProtocol.RUN_TASK -> {
        TaskInfo task = AgentProtocol.decode(body.getString(AgentProtocol.TASK_PROTOBUF), TaskInfo.parser(), AgentProtocol.TASK_PROTOBUF);
        Agent agent = byId.get(task.getAgentId().getValue());
        if (agent != null) {
          org.apache.mesos.v1.Protos.FrameworkInfo framework = AgentProtocol.decode(body.getString(AgentProtocol.FRAMEWORK_PROTOBUF),
              org.apache.mesos.v1.Protos.FrameworkInfo.parser(), AgentProtocol.FRAMEWORK_PROTOBUF);
          String fid = framework.getId().getValue();
          agent.frameworks.computeIfAbsent(fid, id -> new JsonObject(MesosJson.print(framework)));
          Task t = Task.newBuilder().setName(task.getName()).setTaskId(task.getTaskId())
              .setFrameworkId(org.apache.mesos.v1.Protos.FrameworkID.newBuilder().setValue(fid))
              .setAgentId(task.getAgentId()).setState(TaskState.TASK_RUNNING).addAllResources(task.getResourcesList()).build();
          String key = fid + "/" + task.getTaskId().getValue();
          agent.tasks.put(key, t);
          agent.encodedTasks = null;
          byTask.put(key, agent);
          update(agent, fid, task.getTaskId().getValue(), TaskState.TASK_RUNNING);
        }
      }
      case AgentProtocol.KILL_TASK -> {
        String key = body.getString("framework_id") + "/" + body.getString("task_id");
        Agent agent = byTask.remove(key);
        if (agent != null) {
          agent.tasks.remove(key);
          agent.encodedTasks = null;
          update(agent, body.getString("framework_id"), body.getString("task_id"), TaskState.TASK_KILLED);
        }
      }
      default -> {
        // PING, ACKNOWLEDGE and the rest: just answer
      }
    }
    message.reply(new JsonObject());
  }

  private void update(Agent agent, String frameworkId, String taskId, TaskState state) {
    UUID u = UUID.randomUUID();
    TaskStatus status = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId)).setState(state)
        .setSource(TaskStatus.Source.SOURCE_EXECUTOR).setAgentId(AgentID.newBuilder().setValue(agent.id))
        .setTimestamp(System.currentTimeMillis() / 1000.0)
        .setUuid(ByteString.copyFrom(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array()))
        .build();
    vertx.eventBus().send(AgentProtocol.MASTER_ADDRESS, new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.STATUS_UPDATE)
        .put("agent_id", agent.id).put("framework_id", frameworkId).put("status", new JsonObject(MesosJson.print(status))));
  }
}
