package io.mezzo.master.core;

import com.google.protobuf.ByteString;
import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.proto.ResourceBag;
import io.mezzo.mesos.protocol.AgentProtocol;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.DrainInfo;
import org.apache.mesos.v1.Protos.DrainState;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * The agents side of the master: registration, re-registration with task reconciliation, liveness,
 * unreachable and gone agents, draining and deactivation.
 */
public final class MasterAgents {
  private final Master master;
  private final Map<String, AgentRecord> agents = new LinkedHashMap<>();
  /** From the registry after a master failover, until they re-register or time out. */
  private final Map<String, AgentInfo> recovering = new HashMap<>();
  private final Map<String, AgentInfo> unreachable = new LinkedHashMap<>();
  private final Set<String> gone = new HashSet<>();
  /** Dynamic reservations per agent id; they outlive unreachability and come back from the registry. */
  private final Map<String, Reservations> reservations = new HashMap<>();
  /** Persistent volumes per agent id; like reservations they outlive unreachability and come back from the registry. */
  private final Map<String, Volumes> volumes = new HashMap<>();
  private long nextAgentId;

  MasterAgents(Master master) {
    this.master = master;
  }

  Optional<AgentRecord> find(String agentId) {
    return Optional.ofNullable(agents.get(agentId));
  }

  Collection<AgentRecord> records() {
    return agents.values();
  }

  /** Each registered agent's pid (its event-bus address suffix), by agent id. */
  public Map<String, String> pids() {
    Map<String, String> pids = new LinkedHashMap<>();
    agents.forEach((id, a) -> pids.put(id, a.pid));
    return pids;
  }

  public int count() {
    return agents.size();
  }

  public Map<String, AgentInfo> recovering() {
    return recovering;
  }

  public Map<String, AgentInfo> unreachable() {
    return unreachable;
  }

  boolean isRecovering(String agentId) {
    return recovering.containsKey(agentId);
  }

  boolean isUnreachable(String agentId) {
    return unreachable.containsKey(agentId);
  }

  boolean isGone(String agentId) {
    return gone.contains(agentId);
  }

  /** The answer to an agent message: a JSON reply, or a failure code and message. */
  public record Reply(JsonObject body, int failureCode, String failure) {
    static Reply ok(JsonObject body) {
      return new Reply(body, 0, null);
    }

    static Reply fail(int code, String message) {
      return new Reply(null, code, message);
    }
  }

  /** A new agent: it gets an id {@code <master id>-S<n>} and its resources join the pool. */
  /** Deactivated or draining agents from the registry (after a failover), applied when they re-register. */
  private final Map<String, String> recoveredStates = new HashMap<>();

  /** After a failover: the registry's records of deactivated and draining agents. */
  public void restoreStates(Map<String, String> states) {
    recoveredStates.putAll(states);
  }

  /** The registry keeps whether the agent is deactivated and its drain, so that a new leader keeps them too. */
  private void saveState(AgentRecord agent) {
    String json = null;
    if (!agent.active || agent.drainInfo != null) {
      JsonObject state = new JsonObject().put("deactivated", !agent.active);
      if (agent.drainInfo != null) {
        state.put("drain_info", new JsonObject(MesosJson.print(agent.drainInfo)));
      }
      json = state.encode();
    }
    master.outbox.registryChanged(new RegistryRecord(RegistryRecord.Kind.AGENT_STATE, agent.id, json));
  }

  /** A recovered agent takes back the state the registry kept for it (a bad record is ignored). */
  private void applyRecoveredState(AgentRecord agent) {
    String json = recoveredStates.remove(agent.id);
    if (json == null) {
      return;
    }
    try {
      JsonObject state = new JsonObject(json);
      agent.active = !state.getBoolean("deactivated", false);
      JsonObject drain = state.getJsonObject("drain_info");
      if (drain != null) {
        agent.drainInfo = MesosJson.parse(drain.encode(), DrainInfo.getDefaultInstance());
      }
    } catch (RuntimeException e) {
      java.util.logging.Logger.getLogger(MasterAgents.class.getName()).warning("Ignoring the registry's state of agent '"
          + agent.id + "': " + e.getMessage());
    }
  }

  public Reply register(String pid, AgentInfo info, String version) {
    if (master.maintenance.isDown(info)) {
      return Reply.fail(AgentProtocol.MACHINE_DOWN, "Machine of agent '" + info.getHostname() + "' is down for maintenance");
    }
    String id = master.info.getId() + "-S" + nextAgentId++;
    AgentInfo withId = info.toBuilder().setId(AgentID.newBuilder().setValue(id)).build();
    AgentRecord agent = new AgentRecord(id, withId, pid, ResourceBag.of(info.getResourcesList()));
    agent.version = version;
    agent.registeredTime = master.clock.instant();
    agents.put(id, agent);
    master.allocator.addAgent(id, agent.total, Map.of());
    master.outbox.registryChanged(new RegistryRecord(RegistryRecord.Kind.AGENT, id, MesosJson.print(withId)));
    master.agentAdded(agent);
    return Reply.ok(new JsonObject().put("agent_id", id).put("master_id", master.info.getId())
        .put("ping_timeout_seconds", 15));
  }

  /**
   * An agent that had an id comes back (agent restart, or a new leading master). Its report of tasks
   * is the truth for what runs on it: tasks the master knew but the agent does not are lost; tasks
   * the agent reports become known again. An agent marked gone is refused.
   */
  public Reply reregister(String agentId, String pid, AgentInfo info, String version, List<Task> tasks, List<FrameworkInfo> frameworks) {
    return reregister(agentId, pid, info, version, tasks, frameworks, List.of());
  }

  /**
   * As {@link #reregister(String, String, AgentInfo, String, List, List)}, with the tasks that ended
   * on the agent ({@code completed}); those this master does not list yet join its completed tasks.
   * A reported task in a terminal state is filed there too instead of among the live ones.
   */
  public Reply reregister(String agentId, String pid, AgentInfo info, String version, List<Task> tasks, List<FrameworkInfo> frameworks,
                          List<Task> completed) {
    return reregister(agentId, pid, info, version, tasks, frameworks, completed, null);
  }

  /**
   * A re-registration's reported live tasks, turned into task records ahead of time. It reads no
   * master state, so it can run on another thread while the message waits for its turn.
   */
  public static final class Prepared {
    private final String agentId;
    private final AgentInfo info;
    /** The AgentInfo with its id, and its resources as a bag. */
    private final AgentInfo withId;
    private final ResourceBag resources;
    private final List<TaskRecord> records;
    /** The live records' resources summed per framework, and how many live records there are. */
    private final Map<String, ResourceBag> used;
    private final int live;

    private Prepared(String agentId, AgentInfo info, List<TaskRecord> records) {
      this.agentId = agentId;
      this.info = info;
      this.withId = info.toBuilder().setId(AgentID.newBuilder().setValue(agentId)).build();
      this.resources = ResourceBag.of(info.getResourcesList());
      this.records = records;
      Map<String, ResourceBag> sums = new HashMap<>();
      int n = 0;
      for (TaskRecord r : records) {
        if (r != null) {
          sums.merge(r.frameworkId, r.resources(), ResourceBag::add);
          n++;
        }
      }
      this.used = sums;
      this.live = n;
    }
  }

  /**
   * What can be made ahead of a re-registration of agent {@code agentId} from its AgentInfo and
   * reported {@code tasks}: task records (null in place of terminal tasks), their resources and sums.
   */
  public static Prepared prepare(String agentId, AgentInfo info, List<Task> tasks) {
    List<TaskRecord> records = new ArrayList<>(tasks.size());
    for (Task task : tasks) {
      records.add(TaskRecord.isTerminal(task.getState()) ? null : TaskRecord.fromReport(task, agentId));
    }
    return new Prepared(agentId, info, records);
  }

  /**
   * As {@link #reregister(String, String, AgentInfo, String, List, List, List)}, with the records of the
   * reported tasks made by {@link #prepare} (or null).
   */
  public Reply reregister(String agentId, String pid, AgentInfo info, String version, List<Task> tasks, List<FrameworkInfo> frameworks,
                          List<Task> completed, Prepared prepared) {
    boolean usable = prepared != null && prepared.agentId.equals(agentId) && prepared.info == info
        && prepared.records.size() == tasks.size();
    List<TaskRecord> ready = usable ? prepared.records : null;
    int placed = 0;
    if (gone.contains(agentId)) {
      return Reply.fail(AgentProtocol.AGENT_GONE, "Agent '" + agentId + "' has been marked gone");
    }
    if (master.maintenance.isDown(info)) {
      return Reply.fail(AgentProtocol.MACHINE_DOWN, "Machine of agent '" + agentId + "' is down for maintenance");
    }
    Instant now = master.clock.instant();
    boolean wasUnreachable = unreachable.remove(agentId) != null;
    if (wasUnreachable) {
      master.outbox.registryChanged(new RegistryRecord(RegistryRecord.Kind.UNREACHABLE_AGENT, agentId, null));
    }
    AgentInfo stored = recovering.remove(agentId);
    AgentInfo withId = usable ? prepared.withId : info.toBuilder().setId(AgentID.newBuilder().setValue(agentId)).build();
    ResourceBag offeredTotal = usable ? prepared.resources : ResourceBag.of(info.getResourcesList());
    AgentRecord agent = agents.get(agentId);
    boolean added = agent == null;
    if (agent == null) {
      agent = new AgentRecord(agentId, withId, pid, reservations(agentId).applyTo(offeredTotal));
      agent.registeredTime = now;
      agents.put(agentId, agent);
      applyRecoveredState(agent);
    } else {
      for (String offerId : new ArrayList<>(agent.offered.keySet())) {
        master.rescind(offerId);
      }
      master.allocator.removeAgent(agentId);
      agent.info = withId;
      agent.pid = pid;
      agent.total = reservations(agentId).applyTo(offeredTotal);
    }
    agent.version = version;
    agent.reregisteredTime = now;
    agent.missedPings = 0;

    for (FrameworkInfo fi : frameworks) {
      String fid = fi.getId().getValue();
      if (!master.frameworks.containsKey(fid) && !master.removedFrameworkIds.contains(fid)) {
        FrameworkRecord fw = new FrameworkRecord(fid, fi);
        fw.recovered = true;
        fw.active = false;
        fw.registeredTime = now;
        fw.failoverDeadline = now.plus(master.options.agentReregisterTimeout()).plusMillis((long) (fi.getFailoverTimeout() * 1000));
        master.frameworks.put(fid, fw);
      }
    }

    Set<String> reported = new HashSet<>();
    int i = -1;
    for (Task task : tasks) {
      i++;
      String fid = task.getFrameworkId().getValue();
      String key = AgentRecord.key(fid, task.getTaskId().getValue());
      reported.add(key);
      FrameworkRecord fw = master.frameworks.get(fid);
      if (fw == null) {
        // The framework was removed while the agent was away: its tasks must go.
        master.outbox.toAgent(pid, new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.SHUTDOWN_FRAMEWORK).put("framework_id", fid));
        continue;
      }
      if (wasUnreachable && !fw.partitionAware() && !TaskRecord.isTerminal(task.getState())) {
        // Already reported TASK_LOST to a framework that is not partition-aware: kill it (Mesos does the same).
        master.outbox.toAgent(pid, new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.KILL_TASK)
            .put("framework_id", fid).put("task_id", task.getTaskId().getValue()));
      }
      TaskRecord known = agent.tasks.get(key);
      if (known == null && TaskRecord.isTerminal(task.getState())) {
        master.tasks.addCompleted(TaskRecord.fromReport(task, agentId));
      } else if (known == null) {
        TaskRecord record;
        if (ready != null && ready.get(i) != null) {
          record = ready.get(i);
          placed++;
        } else {
          record = TaskRecord.fromReport(task, agentId);
        }
        agent.putTask(key, record);
        fw.tasks.put(record.id(), record);
        master.tasks.taskAdded(record);
      } else if (known.state != task.getState()) {
        known.setState(task.getState());
      }
    }
    for (Task task : completed) {
      String key = AgentRecord.key(task.getFrameworkId().getValue(), task.getTaskId().getValue());
      if (!reported.contains(key) && !agent.tasks.containsKey(key) && TaskRecord.isTerminal(task.getState())) {
        master.tasks.addCompleted(TaskRecord.fromReport(task, agentId));
      }
    }
    for (TaskRecord task : new ArrayList<>(agent.tasks.values())) {
      if (!reported.contains(AgentRecord.key(task.frameworkId, task.id())) && !task.terminal()) {
        FrameworkRecord fw = master.frameworks.get(task.frameworkId);
        TaskState lost = fw != null && fw.partitionAware() ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;
        master.tasks.transition(task, lost, TaskStatus.Reason.REASON_RECONCILIATION, "Task unknown to the agent on re-registration");
      }
    }
    // a new agent whose live tasks are exactly the prepared records uses what was summed ahead
    Map<String, ResourceBag> used = usable && added && placed == prepared.live && agent.tasks.size() == prepared.live
        ? prepared.used : agent.usedByFramework();
    master.allocator.addAgent(agentId, agent.total, used);
    if (!agent.active) {
      master.allocator.deactivateAgent(agentId);
    }
    if (stored == null || !reservations(agentId).isEmpty() || !volumes(agentId).isEmpty() || !stored.equals(withId)) {
      master.outbox.registryChanged(registryRecord(agent));
    }
    if (added) {
      master.agentAdded(agent);
    }
    checkDrained(agent);
    return Reply.ok(new JsonObject().put("agent_id", agentId).put("master_id", master.info.getId()));
  }

  /** A status update from a registered agent. */
  public Reply statusUpdate(String agentId, String frameworkId, TaskStatus status) {
    if (!agents.containsKey(agentId)) {
      return Reply.fail(AgentProtocol.UNKNOWN_AGENT, "Agent '" + agentId + "' is not registered");
    }
    master.tasks.statusUpdate(agentId, frameworkId, status);
    return Reply.ok(new JsonObject());
  }

  /**
   * A MESSAGE call of one of the agent's executors: a MESSAGE event (agent_id, executor_id, data)
   * to the framework when it is subscribed, else dropped, as Mesos does; the executor is not told
   * either way. Counted in the {@code master/*executor_to_framework*} metrics.
   */
  public Reply executorMessage(String agentId, String frameworkId, String executorId, byte[] data) {
    if (!agents.containsKey(agentId)) {
      return Reply.fail(AgentProtocol.UNKNOWN_AGENT, "Agent '" + agentId + "' is not registered");
    }
    master.executorMessages++;
    FrameworkRecord fw = master.frameworks.get(frameworkId);
    if (fw == null || !fw.active || fw.channel == null) {
      master.executorMessagesInvalid++;
      java.util.logging.Logger.getLogger(MasterAgents.class.getName()).fine("Dropping a message from executor '" + executorId
          + "' on agent '" + agentId + "': framework '" + frameworkId + "' is " + (fw == null ? "unknown" : "not connected"));
      return Reply.ok(new JsonObject());
    }
    master.executorMessagesValid++;
    fw.channel.send(Event.newBuilder().setType(Event.Type.MESSAGE).setMessage(Event.Message.newBuilder()
            .setAgentId(AgentID.newBuilder().setValue(agentId))
            .setExecutorId(ExecutorID.newBuilder().setValue(executorId))
            .setData(ByteString.copyFrom(data)))
        .build());
    return Reply.ok(new JsonObject());
  }

  /** The agent shuts down for good: its tasks are lost (gone for partition-aware frameworks). */
  public Reply unregister(String agentId) {
    AgentRecord agent = agents.get(agentId);
    if (agent == null) {
      return Reply.ok(new JsonObject());
    }
    remove(agent, TaskState.TASK_GONE, TaskStatus.Reason.REASON_AGENT_REMOVED, "Agent shut down");
    master.outbox.registryChanged(new RegistryRecord(RegistryRecord.Kind.AGENT, agentId, null));
    master.outbox.registryChanged(new RegistryRecord(RegistryRecord.Kind.AGENT_STATE, agentId, null));
    return Reply.ok(new JsonObject());
  }

  public void pingAnswered(String agentId) {
    AgentRecord agent = agents.get(agentId);
    if (agent != null) {
      agent.missedPings = 0;
    }
  }

  /** A ping went unanswered; after the configured number in a row the agent becomes unreachable. */
  public void pingMissed(String agentId) {
    AgentRecord agent = agents.get(agentId);
    if (agent == null) {
      return;
    }
    agent.missedPings++;
    if (agent.missedPings >= master.options.maxAgentPingTimeouts()) {
      markUnreachable(agent);
    }
  }

  /** True while {@link #remove} takes an agent's tasks away (a drain that ends then is not acted on twice). */
  private boolean removing;

  /**
   * A draining agent whose last task has ended and been acknowledged is DRAINED, as in Mesos; with
   * {@code mark_gone} in its drain config it is then marked gone.
   */
  void checkDrained(AgentRecord agent) {
    if (removing || agent.drainInfo == null || agent.drainInfo.getState() != DrainState.DRAINING || !agent.tasks.isEmpty()
        || agents.get(agent.id) != agent) {
      return;
    }
    agent.drainInfo = agent.drainInfo.toBuilder().setState(DrainState.DRAINED).build();
    if (agent.drainInfo.getConfig().getMarkGone()) {
      markGone(agent.id);
    } else {
      saveState(agent);
    }
  }

  private RegistryRecord unreachableRecord(String agentId, Instant when) {
    return new RegistryRecord(RegistryRecord.Kind.UNREACHABLE_AGENT, agentId,
        new JsonObject().put("unreachable_time", new JsonObject().put("nanoseconds", when.getEpochSecond() * 1_000_000_000L + when.getNano())).encode());
  }

  private void markUnreachable(AgentRecord agent) {
    unreachable.put(agent.id, agent.info);
    master.outbox.registryChanged(unreachableRecord(agent.id, master.clock.instant()));
    remove(agent, TaskState.TASK_UNREACHABLE, TaskStatus.Reason.REASON_AGENT_REMOVED, "Agent is unreachable");
  }

  /** Removes an agent and moves its tasks to {@code state} (TASK_LOST for frameworks that are not partition-aware). */
  private void remove(AgentRecord agent, TaskState state, TaskStatus.Reason reason, String message) {
    boolean outer = !removing;
    removing = true;
    try {
      removeTasks(agent, state, reason, message);
    } finally {
      removing = !outer;
    }
    agents.remove(agent.id);
    master.allocator.removeAgent(agent.id);
    master.agentRemoved(agent.id);
  }

  private void removeTasks(AgentRecord agent, TaskState state, TaskStatus.Reason reason, String message) {
    for (String offerId : new ArrayList<>(agent.offered.keySet())) {
      master.rescind(offerId);
    }
    for (TaskRecord task : new ArrayList<>(agent.tasks.values())) {
      if (task.terminal()) {
        continue;
      }
      FrameworkRecord fw = master.frameworks.get(task.frameworkId);
      TaskState s = fw != null && fw.partitionAware() ? state : TaskState.TASK_LOST;
      if (s == TaskState.TASK_UNREACHABLE) {
        // stays known (in unreachable_tasks) until the agent returns or is marked gone
        task.setState(s);
        TaskStatus status = master.tasks.masterStatus(task.id(), agent.id, s, reason, message);
        task.statuses.add(status);
        if (fw != null && fw.channel != null) {
          fw.channel.send(MasterTasks.update(status));
        }
      } else {
        master.tasks.transition(task, s, reason, message);
      }
    }
  }

  /** MARK_AGENT_GONE: the agent never comes back; its tasks are gone by the operator. */
  public boolean markGone(String agentId) {
    AgentRecord agent = agents.get(agentId);
    AgentInfo info = agent != null ? agent.info : unreachable.get(agentId);
    if (info == null && !recovering.containsKey(agentId)) {
      return false;
    }
    if (agent != null) {
      master.outbox.toAgent(agent.pid, new JsonObject().put(AgentProtocol.TYPE, "SHUTDOWN").put("message", "Agent marked gone"));
      remove(agent, TaskState.TASK_GONE_BY_OPERATOR, TaskStatus.Reason.REASON_AGENT_REMOVED_BY_OPERATOR, "Agent marked gone by the operator");
    }
    for (FrameworkRecord fw : master.frameworks.values()) {
      for (TaskRecord task : new ArrayList<>(fw.tasks.values())) {
        if (task.agentId.equals(agentId) && task.state == TaskState.TASK_UNREACHABLE) {
          master.tasks.transition(task, fw.partitionAware() ? TaskState.TASK_GONE_BY_OPERATOR : TaskState.TASK_LOST,
              TaskStatus.Reason.REASON_AGENT_REMOVED_BY_OPERATOR, "Agent marked gone by the operator");
        }
      }
    }
    unreachable.remove(agentId);
    recovering.remove(agentId);
    gone.add(agentId);
    reservations.remove(agentId);
    volumes.remove(agentId);
    master.outbox.registryChanged(new RegistryRecord(RegistryRecord.Kind.GONE_AGENT, agentId, ""));
    return true;
  }

  /**
   * START_MAINTENANCE took the agent's machine down: the agent is told to shut down and removed
   * (its tasks are gone by the operator, or lost for frameworks that are not partition-aware), and
   * leaves the registry; once the machine is up it registers as a new agent, as in Mesos.
   */
  void downForMaintenance(AgentRecord agent) {
    master.outbox.toAgent(agent.pid, new JsonObject().put(AgentProtocol.TYPE, "SHUTDOWN").put("message", "Machine is down for maintenance"));
    remove(agent, TaskState.TASK_GONE_BY_OPERATOR, TaskStatus.Reason.REASON_AGENT_REMOVED_BY_OPERATOR, "Machine is down for maintenance");
    reservations.remove(agent.id);
    volumes.remove(agent.id);
    master.outbox.registryChanged(new RegistryRecord(RegistryRecord.Kind.AGENT, agent.id, null));
    master.outbox.registryChanged(new RegistryRecord(RegistryRecord.Kind.AGENT_STATE, agent.id, null));
  }

  /** DEACTIVATE_AGENT / REACTIVATE_AGENT: a deactivated agent gets no new offers; outstanding ones are rescinded. */
  public boolean setActive(String agentId, boolean active) {
    AgentRecord agent = agents.get(agentId);
    if (agent == null) {
      return false;
    }
    agent.active = active;
    if (active) {
      agent.drainInfo = null;
      master.allocator.activateAgent(agentId);
    } else {
      master.allocator.deactivateAgent(agentId);
      for (String offerId : new ArrayList<>(agent.offered.keySet())) {
        master.rescind(offerId);
      }
    }
    saveState(agent);
    return true;
  }

  /**
   * DRAIN_AGENT: deactivate and kill every task (with the given grace period, if any). The agent is
   * DRAINED once its last task has ended and been acknowledged (at once when it runs none).
   */
  public boolean drain(String agentId, DrainInfo drain, Long gracePeriodNanos) {
    AgentRecord agent = agents.get(agentId);
    if (agent == null) {
      return false;
    }
    setActive(agentId, false);
    agent.drainInfo = drain;
    saveState(agent);
    for (TaskRecord task : agent.tasks.values()) {
      if (!task.terminal()) {
        JsonObject kill = new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.KILL_TASK)
            .put("framework_id", task.frameworkId).put("task_id", task.id());
        if (gracePeriodNanos != null) {
          kill.put("kill_policy", new JsonObject().put("grace_period", new JsonObject().put("nanoseconds", gracePeriodNanos)));
        }
        master.outbox.toAgent(agent.pid, kill);
      }
    }
    checkDrained(agent);
    return true;
  }

  void recover(Map<String, AgentInfo> registered, Set<String> goneIds, Set<String> unreachableIds) {
    registered.forEach((id, info) -> (unreachableIds.contains(id) ? unreachable : recovering).put(id, info));
    registered.forEach((id, info) -> {
      Volumes v = Volumes.from(info.getResourcesList());
      if (!v.isEmpty()) {
        volumes.put(id, v);
      }
      Reservations r = Reservations.from(info.getResourcesList());
      if (!r.isEmpty()) {
        reservations.put(id, r);
      }
    });
    gone.addAll(goneIds);
    recoveryDeadline = master.clock.instant().plus(master.options.agentReregisterTimeout());
  }

  private Instant recoveryDeadline;

  void tick(Instant now) {
    if (recoveryDeadline != null && !now.isBefore(recoveryDeadline)) {
      recovering.keySet().forEach(id -> master.outbox.registryChanged(unreachableRecord(id, now)));
      unreachable.putAll(recovering);
      recovering.clear();
      recoveryDeadline = null;
    }
  }

  Reservations reservations(String agentId) {
    return reservations.getOrDefault(agentId, Reservations.NONE);
  }

  /**
   * The agent's dynamic reservations become {@code next}: its total changes, the allocator learns
   * the agent again (with what tasks, outstanding offers and {@code held} hold, per framework) and
   * the registry keeps the new total.
   */
  void changeReservations(AgentRecord agent, Reservations next, Map<String, ResourceBag> held) {
    if (next.isEmpty()) {
      reservations.remove(agent.id);
    } else {
      reservations.put(agent.id, next);
    }
    agent.total = next.applyTo(ResourceBag.of(agent.info.getResourcesList()));
    Map<String, ResourceBag> used = new HashMap<>(agent.usedByFramework());
    agent.offered.forEach((offerId, bag) -> {
      OfferRecord offer = master.offers.get(offerId);
      if (offer != null) {
        used.merge(offer.frameworkId(), bag, ResourceBag::add);
      }
    });
    held.forEach((fw, bag) -> used.merge(fw, bag, ResourceBag::add));
    master.allocator.removeAgent(agent.id);
    master.allocator.addAgent(agent.id, agent.total, used);
    if (!agent.active) {
      master.allocator.deactivateAgent(agent.id);
    }
    master.outbox.registryChanged(registryRecord(agent));
  }

  /** The registry keeps the AgentInfo with the agent's total, dynamic reservations included. */
  private RegistryRecord registryRecord(AgentRecord agent) {
    Reservations r = reservations(agent.id);
    Volumes v = volumes(agent.id);
    AgentInfo info = r.isEmpty() && v.isEmpty() ? agent.info
        : agent.info.toBuilder().clearResources().addAllResources(totalResources(agent)).build();
    return new RegistryRecord(RegistryRecord.Kind.AGENT, agent.id, MesosJson.print(info));
  }

  /** The agent's total as resources: dynamic reservations with their info, every persistent volume carved out. */
  List<org.apache.mesos.v1.Protos.Resource> totalResources(AgentRecord agent) {
    Volumes v = volumes(agent.id);
    return v.carve(reservations(agent.id).decorate(agent.total.toResources()), v.ids());
  }

  Volumes volumes(String agentId) {
    return volumes.getOrDefault(agentId, Volumes.NONE);
  }

  /** The agent's persistent volumes become {@code next}; the registry keeps them with its total. */
  void changeVolumes(AgentRecord agent, Volumes next) {
    if (next.isEmpty()) {
      volumes.remove(agent.id);
    } else {
      volumes.put(agent.id, next);
    }
    agent.volumesChanged++;
    master.outbox.registryChanged(registryRecord(agent));
  }
}
