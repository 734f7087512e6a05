package io.mezzo.master.sim;

import com.google.protobuf.ByteString;
import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.proto.Resources;
import io.mezzo.mesos.protocol.AgentProtocol;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;

/**
 * An in-process agent that speaks the master–agent protocol without running anything: launched tasks
 * go to TASK_RUNNING at once and stay there until {@link #finish} or a kill. Its status updates are
 * kept and resent until acknowledged, like a real agent's; ended tasks are reported as completed
 * when it re-registers. Used by tests and by benchmarks that model
 * thousands of agents on one machine. Methods must be called on the Vert.x context that created it.
 */
public final class SimulatedAgent {
  private final Vertx vertx;
  private final String pid = UUID.randomUUID().toString();
  private final String hostname;
  private final AgentInfo info;
  private final long retryMs;
  private MessageConsumer<JsonObject> consumer;
  private MessageConsumer<JsonObject> leaders;
  private volatile String masterId;
  private volatile String agentId;
  private final Map<String, FrameworkInfo> frameworks = new LinkedHashMap<>();
  private final Map<String, Task> tasks = new ConcurrentHashMap<>();
  /** Tasks that ended here, most recent last, reported when re-registering (as a Mesos agent keeps them). */
  private final java.util.Deque<Task> completed = new java.util.concurrent.ConcurrentLinkedDeque<>();
  private static final int MAX_COMPLETED = 100;
  /** Unacknowledged updates by framework/task, oldest first. */
  private final Map<String, List<TaskStatus>> pending = new LinkedHashMap<>();
  private long retryTimer = -1;

  public SimulatedAgent(Vertx vertx, String hostname, String resources, long retryMs) {
    this.vertx = vertx;
    this.hostname = hostname;
    this.retryMs = retryMs;
    this.info = AgentInfo.newBuilder().setHostname(hostname).setPort(5051)
        .addAllResources(Resources.parse(resources, "*")).build();
  }

  public String agentId() {
    return agentId;
  }

  /** Its process id: the master sends to {@code AgentProtocol.agentAddress(pid)}. */
  public String pid() {
    return pid;
  }

  public String hostname() {
    return hostname;
  }

  /** Listens on its own address, then registers (or re-registers when it already has an id). */
  public Future<String> start() {
    consumer = vertx.eventBus().consumer(AgentProtocol.agentAddress(pid), this::onMessage);
    leaders = vertx.eventBus().consumer(AgentProtocol.LEADER_ELECTED, m -> newLeader(m.body().getString("master_id")));
    retryTimer = vertx.setPeriodic(retryMs, id -> resendPending());
    return consumer.completion().compose(v -> leaders.completion())
        .compose(v -> agentId == null ? register() : reregister());
  }

  public Future<String> register() {
    JsonObject msg = new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.REGISTER).put("agent_pid", pid)
        .put("agent_info", new JsonObject(MesosJson.print(info))).put("version", "1.11.0");
    return vertx.eventBus().<JsonObject>request(AgentProtocol.MASTER_ADDRESS, msg, new DeliveryOptions().setSendTimeout(10_000))
        .map(reply -> {
          agentId = reply.body().getString("agent_id");
          masterId = reply.body().getString("master_id");
          return agentId;
        });
  }

  /** Re-registers with the current master, reporting every task it has (after a master failover). */
  public Future<String> reregister() {
    JsonArray taskList = new JsonArray();
    tasks.values().forEach(t -> taskList.add(new JsonObject(MesosJson.print(t))));
    JsonArray fws = new JsonArray();
    frameworks.values().forEach(f -> fws.add(new JsonObject(MesosJson.print(f))));
    JsonObject msg = new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.REREGISTER).put("agent_id", agentId)
        .put("agent_pid", pid).put("agent_info", new JsonObject(MesosJson.print(info))).put("version", "1.11.0")
        .put("tasks", taskList).put("frameworks", fws);
    if (!completed.isEmpty()) {
      JsonArray done = new JsonArray();
      completed.forEach(t -> done.add(new JsonObject(MesosJson.print(t))));
      msg.put(AgentProtocol.COMPLETED_TASKS, done);
    }
    return vertx.eventBus().<JsonObject>request(AgentProtocol.MASTER_ADDRESS, msg, new DeliveryOptions().setSendTimeout(10_000))
        .map(reply -> {
          masterId = reply.body().getString("master_id");
          return agentId;
        });
  }

  /** A MESSAGE from one of its executors to the framework, as EXECUTOR_MESSAGE; completes with the master's reply. */
  public Future<Void> executorMessage(String frameworkId, String executorId, byte[] data) {
    JsonObject msg = new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.EXECUTOR_MESSAGE).put("agent_id", agentId)
        .put("framework_id", frameworkId).put("executor_id", executorId)
        .put("data", java.util.Base64.getEncoder().encodeToString(data));
    return vertx.eventBus().request(AgentProtocol.MASTER_ADDRESS, msg, new DeliveryOptions().setSendTimeout(10_000)).mapEmpty();
  }

  /** A different master leads now: re-register with it (retrying while it is still recovering). */
  private void newLeader(String leaderId) {
    if (agentId == null || leaderId == null || leaderId.equals(masterId)) {
      return;
    }
    // a master that lost its leadership but has not noticed yet may still answer: try again until the announced one does
    reregister().onComplete(ar -> {
      if (ar.failed() || !leaderId.equals(masterId)) {
        vertx.setTimer(retryMs, id -> newLeader(leaderId));
      }
    });
  }

  public Future<Void> stop() {
    vertx.cancelTimer(retryTimer);
    Future<Void> l = leaders == null ? Future.succeededFuture() : leaders.unregister();
    return l.compose(v -> consumer == null ? Future.succeededFuture() : consumer.unregister());
  }

  /** The tasks it runs, by id. */
  public Map<String, Task> tasks() {
    return tasks;
  }

  /** Ends a task with a terminal state, as if its process exited. */
  public void finish(String frameworkId, String taskId, TaskState state) {
    update(frameworkId, taskId, state, null);
  }

  private void onMessage(Message<JsonObject> message) {
    JsonObject body = message.body();
    String type = body.getString(AgentProtocol.TYPE, "");
    switch (type) {
      case AgentProtocol.RUN_TASK -> {
        FrameworkInfo fw = AgentProtocol.decode(body.getString(AgentProtocol.FRAMEWORK_PROTOBUF), FrameworkInfo.parser(),
            AgentProtocol.FRAMEWORK_PROTOBUF);
        launch(fw, AgentProtocol.decode(body.getString(AgentProtocol.TASK_PROTOBUF), TaskInfo.parser(), AgentProtocol.TASK_PROTOBUF));
      }
      case AgentProtocol.RUN_TASK_GROUP -> {
        FrameworkInfo fw = MesosJson.parse(body.getJsonObject("framework").encode(), FrameworkInfo.getDefaultInstance());
        for (Object t : body.getJsonObject("task_group").getJsonArray("tasks")) {
          launch(fw, MesosJson.parse(((JsonObject) t).encode(), TaskInfo.getDefaultInstance()));
        }
      }
      case AgentProtocol.KILL_TASK -> {
        String fw = body.getString("framework_id");
        String task = body.getString("task_id");
        if (tasks.containsKey(key(fw, task))) {
          update(fw, task, TaskState.TASK_KILLED, null);
        } else {
          update(fw, task, TaskState.TASK_LOST, "Task unknown to the agent");
        }
      }
      case AgentProtocol.ACKNOWLEDGE -> acknowledge(body.getString("framework_id"), body.getString("task_id"),
          ByteString.copyFrom(Base64.getDecoder().decode(body.getString("uuid"))));
      case AgentProtocol.SHUTDOWN_FRAMEWORK -> {
        String fw = body.getString("framework_id");
        for (Task t : new ArrayList<>(tasks.values())) {
          if (t.getFrameworkId().getValue().equals(fw)) {
            tasks.remove(key(fw, t.getTaskId().getValue()));
          }
        }
        pending.keySet().removeIf(k -> k.startsWith(fw + "/"));
      }
      case AgentProtocol.PING -> newLeader(body.getString("master_id"));
      default -> {
        // everything else: just answer
      }
    }
    message.reply(new JsonObject());
  }

  private void launch(FrameworkInfo fw, TaskInfo task) {
    frameworks.put(fw.getId().getValue(), fw);
    String fid = fw.getId().getValue();
    tasks.put(key(fid, task.getTaskId().getValue()), Task.newBuilder().setName(task.getName()).setTaskId(task.getTaskId())
        .setFrameworkId(fw.getId()).setAgentId(AgentID.newBuilder().setValue(agentId)).setState(TaskState.TASK_STAGING)
        .addAllResources(task.getResourcesList()).build());
    update(fid, task.getTaskId().getValue(), TaskState.TASK_RUNNING, null);
  }

  private void update(String frameworkId, String taskId, TaskState state, String message) {
    TaskStatus.Builder status = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId)).setState(state)
        .setSource(TaskStatus.Source.SOURCE_EXECUTOR).setAgentId(AgentID.newBuilder().setValue(agentId))
        .setTimestamp(System.currentTimeMillis() / 1000.0).setUuid(uuid());
    if (message != null) {
      status.setMessage(message);
    }
    Task task = tasks.get(key(frameworkId, taskId));
    if (task != null) {
      if (isTerminal(state)) {
        tasks.remove(key(frameworkId, taskId));
        completed.addLast(task.toBuilder().setState(state).build());
        while (completed.size() > MAX_COMPLETED) {
          completed.removeFirst();
        }
      } else {
        tasks.put(key(frameworkId, taskId), task.toBuilder().setState(state).build());
      }
    }
    List<TaskStatus> queue = pending.computeIfAbsent(key(frameworkId, taskId), k -> new ArrayList<>());
    queue.add(status.build());
    if (queue.size() == 1) {
      send(frameworkId, queue.get(0));
    }
  }

  private void send(String frameworkId, TaskStatus status) {
    vertx.eventBus().send(AgentProtocol.MASTER_ADDRESS, new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.STATUS_UPDATE)
        .put("agent_id", agentId).put("framework_id", frameworkId).put("status", new JsonObject(MesosJson.print(status))));
  }

  private void acknowledge(String frameworkId, String taskId, ByteString uuid) {
    List<TaskStatus> queue = pending.get(key(frameworkId, taskId));
    if (queue == null || queue.isEmpty() || !queue.get(0).getUuid().equals(uuid)) {
      return;
    }
    queue.remove(0);
    if (queue.isEmpty()) {
      pending.remove(key(frameworkId, taskId));
    } else {
      send(frameworkId, queue.get(0));
    }
  }

  private void resendPending() {
    pending.forEach((key, queue) -> {
      if (!queue.isEmpty()) {
        send(key.substring(0, key.indexOf('/')), queue.get(0));
      }
    });
  }

  /** Updates still waiting for the framework's acknowledgement. */
  public int unacknowledged() {
    return pending.values().stream().mapToInt(List::size).sum();
  }

  private static String key(String frameworkId, String taskId) {
    return frameworkId + "/" + taskId;
  }

  private static boolean isTerminal(TaskState s) {
    return io.mezzo.mesos.proto.TaskStates.isTerminal(s);
  }

  private static ByteString uuid() {
    UUID u = UUID.randomUUID();
    return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array());
  }
}
