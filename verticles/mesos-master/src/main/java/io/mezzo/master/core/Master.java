package io.mezzo.master.core;

import com.google.protobuf.ByteString;
import io.mezzo.master.allocator.Allocator;
import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.proto.ResourceBag;
import io.mezzo.mesos.protocol.AgentProtocol;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.TimeInfo;
import org.apache.mesos.v1.master.Protos.Event.AgentAdded;
import org.apache.mesos.v1.master.Protos.Event.AgentRemoved;
import org.apache.mesos.v1.master.Protos.Event.FrameworkAdded;
import org.apache.mesos.v1.master.Protos.Event.FrameworkRemoved;
import org.apache.mesos.v1.master.Protos.Response;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * The leading master's logic: frameworks, agents, offers and tasks, and the rules that connect them.
 * Single-threaded (the verticle's event loop); time from the clock; everything it sends goes through
 * {@link FrameworkChannel}s and the {@link Outbox}. Agent-side logic lives in {@link MasterAgents},
 * task-side logic (kills, acknowledgements, status updates, transitions) in {@link MasterTasks}.
 */
public final class Master {
  public static final String VERSION = "1.11.0";

  final Clock clock;
  final Allocator allocator;
  final Outbox outbox;
  final MasterOptions options;
  final MasterInfo info;
  final Instant startTime;
  Instant electedTime;

  final Map<String, FrameworkRecord> frameworks = new LinkedHashMap<>();
  final Deque<FrameworkRecord> completedFrameworks = new ArrayDeque<>();
  final Map<String, Deque<TaskRecord>> completedTasks = new HashMap<>();
  final Set<String> removedFrameworkIds = new HashSet<>();
  final Map<String, OfferRecord> offers = new HashMap<>();
  final MasterAgents agents;
  final MasterTasks tasks;
  final Map<String, Double> weights = new HashMap<>();
  final Map<String, org.apache.mesos.v1.quota.Protos.QuotaConfig> quotas = new java.util.TreeMap<>();

  private long nextFrameworkId;
  private long nextOfferId;

  public Master(Clock clock, Allocator allocator, Outbox outbox, MasterOptions options, MasterInfo info) {
    this.clock = clock;
    this.allocator = allocator;
    this.outbox = outbox;
    this.options = options;
    this.info = info;
    this.startTime = clock.instant();
    this.electedTime = startTime;
    this.agents = new MasterAgents(this);
    this.tasks = new MasterTasks(this);
  }

  public MasterInfo info() {
    return info;
  }

  public MasterTasks tasks() {
    return tasks;
  }

  public MasterAgents agents() {
    return agents;
  }

  public Instant startTime() {
    return startTime;
  }

  public Instant electedTime() {
    return electedTime;
  }

  /** Whether the framework is known (subscribed, disconnected or recovered). */
  public boolean knowsFramework(String id) {
    return frameworks.containsKey(id);
  }

  // ---- subscription -------------------------------------------------------------------------

  /** The outcome of a SUBSCRIBE: the framework id, or an HTTP status with a message. */
  public record SubscribeResult(String frameworkId, int status, String error) {
    static SubscribeResult ok(String id) {
      return new SubscribeResult(id, 200, null);
    }

    static SubscribeResult fail(int status, String error) {
      return new SubscribeResult(null, status, error);
    }
  }

  /**
   * SUBSCRIBE on a new stream. A new framework gets an id; a known id fails over to this stream (the
   * old one gets ERROR "Framework failed over"); an id unknown to this master (after a master
   * failover) is accepted as is; an id of a removed framework is refused.
   */
  public SubscribeResult subscribe(Call.Subscribe subscribe, FrameworkChannel channel) {
    FrameworkInfo fi = subscribe.getFrameworkInfo();
    String problem = Validation.frameworkInfo(fi);
    if (problem != null) {
      return SubscribeResult.fail(400, problem);
    }
    String id = fi.hasId() ? fi.getId().getValue() : null;
    if (id != null && removedFrameworkIds.contains(id)) {
      return SubscribeResult.fail(403, "Framework has been removed");
    }
    Instant now = clock.instant();
    FrameworkRecord fw;
    boolean added;
    if (id == null) {
      id = info.getId() + "-" + String.format("%04d", nextFrameworkId++);
      fw = new FrameworkRecord(id, fi.toBuilder().setId(FrameworkID.newBuilder().setValue(id)).build());
      fw.registeredTime = now;
      frameworks.put(id, fw);
      added = true;
    } else if (frameworks.containsKey(id)) {
      fw = frameworks.get(id);
      if (fw.channel != null) {
        fw.channel.send(Event.newBuilder().setType(Event.Type.ERROR)
            .setError(Event.Error.newBuilder().setMessage("Framework failed over")).build());
        fw.channel.close();
      }
      rescindOffers(fw);
      fw.info = fi;
      fw.reregisteredTime = now;
      fw.recovered = false;
      added = false;
    } else {
      fw = new FrameworkRecord(id, fi);
      fw.registeredTime = now;
      fw.reregisteredTime = now;
      frameworks.put(id, fw);
      added = true;
    }
    fw.channel = channel;
    fw.active = true;
    fw.failoverDeadline = null;
    fw.unregisteredTime = null;
    fw.suppressedRoles = new HashSet<>(subscribe.getSuppressedRolesList());
    if (added || !allocatorKnows(fw)) {
      allocator.addFramework(id, fw.roles(), fw.suppressedRoles);
      allocatorFrameworks.add(id);
    } else {
      allocator.updateFramework(id, fw.roles(), fw.suppressedRoles);
      allocator.activateFramework(id);
    }
    channel.send(Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(id))
        .setHeartbeatIntervalSeconds(options.heartbeatInterval().toSeconds())
        .setMasterInfo(info)).build());
    outbox.registryChanged(new RegistryRecord(RegistryRecord.Kind.FRAMEWORK, id, MesosJson.print(fw.info)));
    if (added) {
      outbox.toOperators(() -> operatorEvent(org.apache.mesos.v1.master.Protos.Event.Type.FRAMEWORK_ADDED)
          .setFrameworkAdded(FrameworkAdded.newBuilder().setFramework(StateViews.framework(this, fw))).build());
    } else {
      outbox.toOperators(() -> operatorEvent(org.apache.mesos.v1.master.Protos.Event.Type.FRAMEWORK_UPDATED)
          .setFrameworkUpdated(org.apache.mesos.v1.master.Protos.Event.FrameworkUpdated.newBuilder()
              .setFramework(StateViews.framework(this, fw))).build());
    }
    return SubscribeResult.ok(id);
  }

  private final Set<String> allocatorFrameworks = new HashSet<>();

  private boolean allocatorKnows(FrameworkRecord fw) {
    return allocatorFrameworks.contains(fw.id);
  }

  /** The subscription stream closed: the framework is disconnected until it re-subscribes or its failover timeout ends. */
  public void disconnected(String frameworkId, FrameworkChannel channel) {
    FrameworkRecord fw = frameworks.get(frameworkId);
    if (fw == null || fw.channel != channel) {
      return;
    }
    fw.channel = null;
    fw.active = false;
    fw.unregisteredTime = clock.instant();
    allocator.deactivateFramework(fw.id);
    rescindOffers(fw);
    long timeout = (long) (fw.info.getFailoverTimeout() * 1000);
    fw.failoverDeadline = clock.instant().plusMillis(Math.max(0, timeout));
  }

  // ---- calls on a subscribed stream -----------------------------------------------------------

  /** HTTP status and body of a non-SUBSCRIBE call. */
  public record CallResult(int status, String body) {
    static final CallResult ACCEPTED = new CallResult(202, "");
    static final CallResult OK = new CallResult(200, "");

    static CallResult bad(String message) {
      return new CallResult(400, message);
    }
  }

  /**
   * Any call but SUBSCRIBE, after HTTP-level validation. {@code streamId} is the request's
   * {@code Mesos-Stream-Id}, or null when it had none.
   */
  public CallResult call(Call call, String streamId) {
    String id = call.getFrameworkId().getValue();
    FrameworkRecord fw = frameworks.get(id);
    if (fw == null) {
      return CallResult.bad("Framework cannot be found");
    }
    if (fw.channel == null) {
      return new CallResult(403, "Framework is not subscribed");
    }
    if (streamId == null) {
      return CallResult.bad("All non-subscribe calls should include the 'Mesos-Stream-Id' header");
    }
    if (!streamId.equals(fw.channel.streamId())) {
      return CallResult.bad("The stream ID '" + streamId + "' included in this request didn't match the stream ID currently associated with framework ID " + id);
    }
    return switch (call.getType()) {
      case TEARDOWN -> {
        removeFramework(fw, "Framework teardown");
        yield CallResult.ACCEPTED;
      }
      case ACCEPT -> Offers.accept(this, fw, call.getAccept());
      case DECLINE -> Offers.decline(this, fw, call.getDecline().getOfferIdsList(), call.getDecline().hasFilters()
          ? call.getDecline().getFilters() : null);
      case REVIVE -> {
        allocator.revive(id, new HashSet<>(call.getRevive().getRolesList()));
        if (call.getRevive().getRolesCount() == 0) {
          fw.suppressedRoles.clear();
        } else {
          call.getRevive().getRolesList().forEach(fw.suppressedRoles::remove);
        }
        yield CallResult.ACCEPTED;
      }
      case SUPPRESS -> {
        Set<String> roles = call.getSuppress().getRolesCount() == 0 ? fw.roles() : new HashSet<>(call.getSuppress().getRolesList());
        allocator.suppress(id, roles);
        fw.suppressedRoles.addAll(roles);
        yield CallResult.ACCEPTED;
      }
      case KILL -> tasks.kill(fw, call.getKill());
      case SHUTDOWN -> {
        String agentId = call.getShutdown().getAgentId().getValue();
        agents.find(agentId).ifPresent(a -> outbox.toAgent(a.pid, new JsonObject().put(AgentProtocol.TYPE, "SHUTDOWN_EXECUTOR")
            .put("framework_id", id).put("executor_id", call.getShutdown().getExecutorId().getValue())));
        yield CallResult.ACCEPTED;
      }
      case ACKNOWLEDGE -> tasks.acknowledge(fw, call.getAcknowledge());
      case RECONCILE -> {
        Reconciliation.reconcile(this, fw, call.getReconcile().getTasksList());
        yield CallResult.ACCEPTED;
      }
      case MESSAGE -> {
        Call.Message m = call.getMessage();
        agents.find(m.getAgentId().getValue()).ifPresent(a -> outbox.toAgent(a.pid, new JsonObject()
            .put(AgentProtocol.TYPE, AgentProtocol.FRAMEWORK_MESSAGE).put("framework_id", id)
            .put("executor_id", m.getExecutorId().getValue())
            .put("data", java.util.Base64.getEncoder().encodeToString(m.getData().toByteArray()))));
        yield CallResult.ACCEPTED;
      }
      case UPDATE_FRAMEWORK -> updateFramework(fw, call.getUpdateFramework());
      case ACCEPT_INVERSE_OFFERS -> {
        inverseOffers.answer(fw, call.getAcceptInverseOffers().getInverseOfferIdsList(),
            call.getAcceptInverseOffers().hasFilters() ? call.getAcceptInverseOffers().getFilters() : null, true);
        yield CallResult.ACCEPTED;
      }
      case DECLINE_INVERSE_OFFERS -> {
        inverseOffers.answer(fw, call.getDeclineInverseOffers().getInverseOfferIdsList(),
            call.getDeclineInverseOffers().hasFilters() ? call.getDeclineInverseOffers().getFilters() : null, false);
        yield CallResult.ACCEPTED;
      }
      case REQUEST, ACKNOWLEDGE_OPERATION_STATUS, RECONCILE_OPERATIONS -> CallResult.ACCEPTED;
      default -> new CallResult(501, "Received an unexpected call of type " + call.getType());
    };
  }

  private CallResult updateFramework(FrameworkRecord fw, Call.UpdateFramework update) {
    FrameworkInfo fi = update.getFrameworkInfo();
    if (!fi.hasId() || !fi.getId().getValue().equals(fw.id)) {
      return CallResult.bad("'framework_info.id' must match the framework being updated");
    }
    String problem = Validation.frameworkInfo(fi);
    if (problem != null) {
      return CallResult.bad(problem);
    }
    if (!fi.getName().equals(fw.info.getName()) && fi.getName().isEmpty()) {
      return CallResult.bad("'framework_info.name' must be set");
    }
    fw.info = fi;
    fw.suppressedRoles = new HashSet<>(update.getSuppressedRolesList());
    allocator.updateFramework(fw.id, fw.roles(), fw.suppressedRoles);
    outbox.registryChanged(new RegistryRecord(RegistryRecord.Kind.FRAMEWORK, fw.id, MesosJson.print(fw.info)));
    outbox.toOperators(() -> operatorEvent(org.apache.mesos.v1.master.Protos.Event.Type.FRAMEWORK_UPDATED)
        .setFrameworkUpdated(org.apache.mesos.v1.master.Protos.Event.FrameworkUpdated.newBuilder()
            .setFramework(StateViews.framework(this, fw))).build());
    return CallResult.OK;
  }


  // ---- frameworks leaving ---------------------------------------------------------------------

  /** Tears a framework down: its tasks are killed on their agents and it cannot subscribe again. */
  void removeFramework(FrameworkRecord fw, String why) {
    rescindOffers(fw);
    Set<String> pids = new HashSet<>();
    for (TaskRecord task : new ArrayList<>(fw.tasks.values())) {
      agents.find(task.agentId).ifPresent(a -> pids.add(a.pid));
      if (!task.terminal()) {
        tasks.transition(task, TaskState.TASK_KILLED, TaskStatus.Reason.REASON_FRAMEWORK_REMOVED, why);
      } else {
        tasks.forgetTask(task);
      }
    }
    for (String pid : pids) {
      outbox.toAgent(pid, new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.SHUTDOWN_FRAMEWORK).put("framework_id", fw.id));
    }
    if (fw.channel != null) {
      fw.channel.close();
      fw.channel = null;
    }
    fw.active = false;
    fw.unregisteredTime = clock.instant();
    frameworks.remove(fw.id);
    allocatorFrameworks.remove(fw.id);
    allocator.removeFramework(fw.id);
    removedFrameworkIds.add(fw.id);
    completedFrameworks.addLast(fw);
    while (completedFrameworks.size() > options.maxCompletedFrameworks()) {
      FrameworkRecord dropped = completedFrameworks.removeFirst();
      outbox.registryChanged(new RegistryRecord(RegistryRecord.Kind.COMPLETED_FRAMEWORK, dropped.id, null));
    }
    outbox.registryChanged(new RegistryRecord(RegistryRecord.Kind.COMPLETED_FRAMEWORK, fw.id, new JsonObject()
        .put("framework_info", new JsonObject(MesosJson.print(fw.info)))
        .put("registered_time", nanos(fw.registeredTime)).put("unregistered_time", nanos(fw.unregisteredTime)).encode()));
    outbox.registryChanged(new RegistryRecord(RegistryRecord.Kind.FRAMEWORK, fw.id, null));
    outbox.toOperators(() -> operatorEvent(org.apache.mesos.v1.master.Protos.Event.Type.FRAMEWORK_REMOVED)
        .setFrameworkRemoved(FrameworkRemoved.newBuilder().setFrameworkInfo(fw.info)).build());
  }

  /** Operator TEARDOWN: false when the framework is unknown. */
  public boolean teardown(String frameworkId) {
    FrameworkRecord fw = frameworks.get(frameworkId);
    if (fw == null) {
      return false;
    }
    removeFramework(fw, "Framework torn down by the operator");
    return true;
  }

  // ---- offers -----------------------------------------------------------------------------------

  long allocationRuns;
  /** EXECUTOR_MESSAGEs received, and of those the ones handed to a subscribed framework or dropped. */
  long executorMessages;
  long executorMessagesValid;
  long executorMessagesInvalid;
  double lastAllocationMs;

  public double heartbeatSeconds() {
    return options.heartbeatInterval().toSeconds();
  }

  /** Runs one allocation cycle and sends the resulting offers, one OFFERS event per framework. */
  public int allocate() {
    Map<String, List<Offer>> byFramework = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    List<Allocator.Grant> grants = allocator.allocate();
    lastAllocationMs = (System.nanoTime() - t0) / 1e6;
    allocationRuns++;
    for (Allocator.Grant grant : grants) {
      FrameworkRecord fw = frameworks.get(grant.frameworkId());
      Optional<AgentRecord> agent = agents.find(grant.agentId());
      if (fw == null || fw.channel == null || agent.isEmpty()) {
        allocator.recoverResources(grant.frameworkId(), grant.agentId(), grant.resources(), Duration.ZERO);
        continue;
      }
      String offerId = info.getId() + "-O" + nextOfferId++;
      boolean multiRole = fw.hasCapability(FrameworkInfo.Capability.Type.MULTI_ROLE);
      List<Resource> resources = new ArrayList<>();
      List<Resource> granted = agents.reservations(grant.agentId()).decorate(grant.resources().toResources());
      granted = agents.volumes(grant.agentId()).carve(granted, VolumeOps.offerable(this, agent.get()));
      for (Resource r : granted) {
        resources.add(multiRole ? r.toBuilder().setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(grant.role())).build() : r);
      }
      Offer.Builder offer = Offer.newBuilder()
          .setId(OfferID.newBuilder().setValue(offerId))
          .setFrameworkId(FrameworkID.newBuilder().setValue(fw.id))
          .setAgentId(AgentID.newBuilder().setValue(grant.agentId()))
          .setHostname(agent.get().info.getHostname())
          .addAllResources(resources)
          .addAllAttributes(agent.get().info.getAttributesList());
      if (multiRole) {
        offer.setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(grant.role()));
      }
      if (agent.get().info.hasDomain()) {
        offer.setDomain(agent.get().info.getDomain());
      }
      maintenance.unavailability(agent.get().info).ifPresent(offer::setUnavailability);
      OfferRecord record = new OfferRecord(offerId, fw.id, grant.agentId(), grant.role(), grant.resources(), offer.build());
      offers.put(offerId, record);
      fw.offers.put(offerId, record);
      agent.get().offered.put(offerId, grant.resources());
      byFramework.computeIfAbsent(fw.id, k -> new ArrayList<>()).add(record.offer());
    }
    int count = 0;
    for (Map.Entry<String, List<Offer>> e : byFramework.entrySet()) {
      frameworks.get(e.getKey()).channel.send(Event.newBuilder().setType(Event.Type.OFFERS)
          .setOffers(Event.Offers.newBuilder().addAllOffers(e.getValue())).build());
      count += e.getValue().size();
    }
    inverseOffers.update();
    return count;
  }

  /** Removes an offer from the books (accepted, declined or rescinded); null when unknown. */
  OfferRecord takeOffer(String offerId) {
    OfferRecord offer = offers.remove(offerId);
    if (offer != null) {
      FrameworkRecord fw = frameworks.get(offer.frameworkId());
      if (fw != null) {
        fw.offers.remove(offerId);
      }
      agents.find(offer.agentId()).ifPresent(a -> a.offered.remove(offerId));
    }
    return offer;
  }

  /** Rescinds every offer of a framework, giving the resources back without a filter. */
  void rescindOffers(FrameworkRecord fw) {
    for (String offerId : new ArrayList<>(fw.offers.keySet())) {
      rescind(offerId);
    }
    // its stream is going away: a stream that takes over gets new inverse offers at the next allocation
    inverseOffers.forget(fw.id);
  }

  /** Takes an offer back: RESCIND to its framework (if connected) and the resources return to the pool. */
  void rescind(String offerId) {
    OfferRecord offer = takeOffer(offerId);
    if (offer == null) {
      return;
    }
    allocator.recoverResources(offer.frameworkId(), offer.agentId(), offer.resources(), Duration.ZERO);
    FrameworkRecord fw = frameworks.get(offer.frameworkId());
    if (fw != null && fw.channel != null) {
      fw.channel.send(Event.newBuilder().setType(Event.Type.RESCIND)
          .setRescind(Event.Rescind.newBuilder().setOfferId(OfferID.newBuilder().setValue(offerId))).build());
    }
  }

  // ---- time -------------------------------------------------------------------------------------

  /** Periodic work: frameworks past their failover timeout are removed; recovered agents that never came back become unreachable. */
  public void tick() {
    Instant now = clock.instant();
    for (FrameworkRecord fw : new ArrayList<>(frameworks.values())) {
      if (fw.channel == null && fw.failoverDeadline != null && !now.isBefore(fw.failoverDeadline)) {
        removeFramework(fw, "Framework failover timeout");
      }
    }
    agents.tick(now);
  }

  /** Ends every scheduler stream (this master stops leading; frameworks re-subscribe to the next leader). */
  public void closeStreams() {
    for (FrameworkRecord fw : frameworks.values()) {
      if (fw.channel != null) {
        fw.channel.close();
        fw.channel = null;
      }
    }
  }

  /** HEARTBEAT on every scheduler stream. */
  public void heartbeat() {
    Event beat = Event.newBuilder().setType(Event.Type.HEARTBEAT).build();
    for (FrameworkRecord fw : frameworks.values()) {
      if (fw.channel != null) {
        fw.channel.send(beat);
      }
    }
  }

  /**
   * After election: the registry's agents and frameworks. Frameworks come back as recovered (they
   * may re-subscribe with their ids); agents are expected to re-register within the timeout.
   */
  public void recover(Map<String, FrameworkInfo> registeredFrameworks, Map<String, AgentInfo> registeredAgents, Set<String> goneAgents) {
    recover(registeredFrameworks, registeredAgents, goneAgents, Set.of());
  }

  /** As {@link #recover(Map, Map, Set)}; the {@code unreachableAgents} among the agents come back unreachable, not recovering. */
  public void recover(Map<String, FrameworkInfo> registeredFrameworks, Map<String, AgentInfo> registeredAgents, Set<String> goneAgents,
                      Set<String> unreachableAgents) {
    // the master was created when this process was elected, so electedTime (its start) is the election
    for (Map.Entry<String, FrameworkInfo> e : registeredFrameworks.entrySet()) {
      FrameworkRecord fw = new FrameworkRecord(e.getKey(), e.getValue());
      fw.recovered = true;
      fw.active = false;
      fw.registeredTime = electedTime;
      long timeout = (long) (e.getValue().getFailoverTimeout() * 1000);
      fw.failoverDeadline = electedTime.plus(options.agentReregisterTimeout()).plusMillis(Math.max(0, timeout));
      frameworks.put(e.getKey(), fw);
    }
    agents.recover(registeredAgents, goneAgents, unreachableAgents);
  }

  // ---- dynamic reservations (operator API) -----------------------------------------------------

  /** An operator call's answer: HTTP status and plain-text body. */
  public record OperatorResult(int status, String message) {
  }

  /** RESERVE_RESOURCES: 200, 400 for an unknown agent or invalid resources, 409 when they are not free. */
  public OperatorResult reserveResources(String agentId, List<Resource> resources) {
    ReservationOps.Outcome o = ReservationOps.reserveResources(this, agentId, resources);
    return new OperatorResult(o.status(), o.message());
  }

  /** CREATE_VOLUMES: 202, 400 for an unknown agent or invalid volumes, 409 when the reserved disk is not free. */
  public OperatorResult createVolumes(String agentId, List<Resource> volumes) {
    ReservationOps.Outcome o = VolumeOps.createVolumes(this, agentId, volumes);
    return new OperatorResult(o.status(), o.message());
  }

  /** DESTROY_VOLUMES: 202, 400 for an unknown agent or resources that are not volumes, 409 for unknown volumes or volumes in use. */
  public OperatorResult destroyVolumes(String agentId, List<Resource> volumes) {
    ReservationOps.Outcome o = VolumeOps.destroyVolumes(this, agentId, volumes);
    return new OperatorResult(o.status(), o.message());
  }

  /** GROW_VOLUME: 202, 400 for an unknown agent or an invalid call, 409 for an unknown volume, one in use or no free disk. */
  public OperatorResult growVolume(String agentId, Resource volume, Resource addition) {
    ReservationOps.Outcome o = VolumeOps.growVolume(this, agentId, volume, addition);
    return new OperatorResult(o.status(), o.message());
  }

  /** SHRINK_VOLUME: 202, 400 for an unknown agent or an invalid call, 409 for an unknown volume or one in use. */
  public OperatorResult shrinkVolume(String agentId, Resource volume, org.apache.mesos.v1.Protos.Value.Scalar subtract) {
    ReservationOps.Outcome o = VolumeOps.shrinkVolume(this, agentId, volume, subtract);
    return new OperatorResult(o.status(), o.message());
  }

  /** UNRESERVE_RESOURCES: 200, 400 for an unknown agent or invalid resources, 409 when not reserved or in use. */
  public OperatorResult unreserveResources(String agentId, List<Resource> resources) {
    ReservationOps.Outcome o = ReservationOps.unreserveResources(this, agentId, resources);
    return new OperatorResult(o.status(), o.message());
  }

  // ---- maintenance (operator API) ---------------------------------------------------------------

  final Maintenance maintenance = new Maintenance();
  final InverseOffers inverseOffers = new InverseOffers(this);

  String newOfferId() {
    return info.getId() + "-O" + nextOfferId++;
  }

  public org.apache.mesos.v1.maintenance.Protos.Schedule maintenanceSchedule() {
    return maintenance.schedule();
  }

  /** The draining machines (with the frameworks' answers to their inverse offers) and the down machines. */
  public org.apache.mesos.v1.maintenance.Protos.ClusterStatus maintenanceStatus() {
    org.apache.mesos.v1.maintenance.Protos.ClusterStatus.Builder status = maintenance.status().toBuilder();
    for (org.apache.mesos.v1.maintenance.Protos.ClusterStatus.DrainingMachine.Builder m : status.getDrainingMachinesBuilderList()) {
      m.addAllStatuses(inverseOffers.statuses(Maintenance.Machine.of(m.getId())));
    }
    return status.build();
  }

  /** UPDATE_MAINTENANCE_SCHEDULE: 200, or 400 for an invalid schedule or one that leaves out a machine that is down. */
  public OperatorResult updateMaintenanceSchedule(org.apache.mesos.v1.maintenance.Protos.Schedule schedule) {
    return maintenanceChange(maintenance.update(schedule));
  }

  /** START_MAINTENANCE: the machines go DOWN and their agents are removed (their tasks are gone); 400 when one is not draining. */
  public OperatorResult startMaintenance(List<org.apache.mesos.v1.Protos.MachineID> machines) {
    OperatorResult result = maintenanceChange(maintenance.start(machines));
    if (result.status() == 200) {
      for (AgentRecord agent : new ArrayList<>(agents.records())) {
        if (maintenance.isDown(agent.info)) {
          agents.downForMaintenance(agent);
        }
      }
    }
    return result;
  }

  /** STOP_MAINTENANCE: the machines come UP and leave the schedule; 400 when one is not down. */
  public OperatorResult stopMaintenance(List<org.apache.mesos.v1.Protos.MachineID> machines) {
    return maintenanceChange(maintenance.stop(machines));
  }

  private OperatorResult maintenanceChange(String problem) {
    if (problem != null) {
      return new OperatorResult(400, problem);
    }
    outbox.registryChanged(new RegistryRecord(RegistryRecord.Kind.MAINTENANCE, "machines", maintenance.toJson()));
    return new OperatorResult(200, "");
  }

  private static long nanos(Instant t) {
    return t == null ? 0 : t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  /**
   * After a failover: the completed frameworks from the registry (record JSON by framework id), oldest
   * first. They are listed as completed again and may not subscribe again. A record this master cannot
   * read is skipped.
   */
  public void restoreCompletedFrameworks(Map<String, String> records) {
    List<FrameworkRecord> restored = new ArrayList<>();
    records.forEach((id, json) -> {
      try {
        JsonObject o = new JsonObject(json);
        FrameworkRecord fw = new FrameworkRecord(id, MesosJson.parse(o.getJsonObject("framework_info").encode(),
            FrameworkInfo.getDefaultInstance()));
        fw.active = false;
        fw.registeredTime = Instant.ofEpochSecond(0, o.getLong("registered_time", 0L));
        fw.unregisteredTime = Instant.ofEpochSecond(0, o.getLong("unregistered_time", 0L));
        restored.add(fw);
      } catch (RuntimeException e) {
        java.util.logging.Logger.getLogger(Master.class.getName()).warning("Ignoring the registry's record of completed framework '"
            + id + "': " + e);
      }
    });
    restored.sort(java.util.Comparator.comparing((FrameworkRecord fw) -> fw.unregisteredTime).thenComparing(fw -> fw.id));
    for (FrameworkRecord fw : restored) {
      if (!frameworks.containsKey(fw.id) && removedFrameworkIds.add(fw.id)) {
        completedFrameworks.addLast(fw);
      }
    }
    while (completedFrameworks.size() > options.maxCompletedFrameworks()) {
      completedFrameworks.removeFirst();
    }
  }

  /** After a failover: the schedule and down machines from the registry. */
  public void restoreMaintenance(String json) {
    try {
      maintenance.restore(json);
    } catch (RuntimeException e) {
      // a record this master cannot read must not stop it from leading: it starts without a schedule
      java.util.logging.Logger.getLogger(Master.class.getName()).warning("Ignoring the registry's maintenance record: " + e);
      maintenance.restore("{}");
    }
  }

  // ---- weights and quota ------------------------------------------------------------------------

  public Map<String, Double> weights() {
    return Map.copyOf(weights);
  }

  public void updateWeights(Map<String, Double> update) {
    weights.putAll(update);
    allocator.updateWeights(Map.copyOf(weights));
  }

  public List<org.apache.mesos.v1.quota.Protos.QuotaConfig> quotaConfigs() {
    return List.copyOf(quotas.values());
  }

  /**
   * UPDATE_QUOTA: a config without limits and guarantees removes the role's quota.
   *
   * @throws IllegalArgumentException when a limit is not a valid resource quantity
   */
  public void updateQuota(org.apache.mesos.v1.quota.Protos.QuotaConfig config) {
    ResourceBag limit = quotaLimit(config);
    if (config.getLimitsCount() == 0 && config.getGuaranteesCount() == 0) {
      quotas.remove(config.getRole());
    } else {
      quotas.put(config.getRole(), config);
    }
    allocator.updateQuota(config.getRole(), limit);
  }

  /**
   * The limits of a quota config as unreserved scalars.
   *
   * @throws IllegalArgumentException for an empty name or a negative, non-finite or too large value
   */
  public static ResourceBag quotaLimit(org.apache.mesos.v1.quota.Protos.QuotaConfig config) {
    List<Resource> limits = new ArrayList<>();
    config.getLimitsMap().forEach((name, scalar) -> {
      if (name.isBlank() || !name.chars().allMatch(c -> c > 32 && c < 127)) {
        throw new IllegalArgumentException("Invalid resource name '" + name + "' in quota limits");
      }
      limits.add(Resource.newBuilder().setName(name).setType(org.apache.mesos.v1.Protos.Value.Type.SCALAR)
          .setScalar(org.apache.mesos.v1.Protos.Value.Scalar.newBuilder().setValue(scalar.getValue())).build());
    });
    return ResourceBag.of(limits);
  }

  // ---- views ------------------------------------------------------------------------------------


  static org.apache.mesos.v1.master.Protos.Event.Builder operatorEvent(org.apache.mesos.v1.master.Protos.Event.Type type) {
    return org.apache.mesos.v1.master.Protos.Event.newBuilder().setType(type);
  }

  static TimeInfo time(Instant instant) {
    return TimeInfo.newBuilder().setNanoseconds(instant.getEpochSecond() * 1_000_000_000L + instant.getNano()).build();
  }

  /** A fresh random master id, as Mesos makes one per master process. */
  public static String newMasterId() {
    return UUID.randomUUID().toString();
  }

  static ByteString uuidBytes() {
    UUID u = UUID.randomUUID();
    return ByteString.copyFrom(java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array());
  }

  static JsonArray jsonArray(List<? extends com.google.protobuf.MessageOrBuilder> messages) {
    JsonArray array = new JsonArray();
    for (com.google.protobuf.MessageOrBuilder m : messages) {
      array.add(new JsonObject(MesosJson.print(m)));
    }
    return array;
  }

  void agentAdded(AgentRecord agent) {
    outbox.toOperators(() -> operatorEvent(org.apache.mesos.v1.master.Protos.Event.Type.AGENT_ADDED)
        .setAgentAdded(AgentAdded.newBuilder().setAgent(StateViews.agent(this, agent))).build());
  }

  void agentRemoved(String agentId) {
    outbox.toOperators(() -> operatorEvent(org.apache.mesos.v1.master.Protos.Event.Type.AGENT_REMOVED)
        .setAgentRemoved(AgentRemoved.newBuilder().setAgentId(AgentID.newBuilder().setValue(agentId))).build());
  }

  /** The tasks the master knows, for GET_TASKS and reconciliation. */
  List<Task> allTasks() {
    List<Task> tasks = new ArrayList<>();
    for (FrameworkRecord fw : frameworks.values()) {
      for (TaskRecord t : fw.tasks.values()) {
        tasks.add(t.toTask());
      }
    }
    return tasks;
  }

  Response.GetTasks.Builder tasksView() {
    Response.GetTasks.Builder b = Response.GetTasks.newBuilder();
    for (FrameworkRecord fw : frameworks.values()) {
      for (TaskRecord t : fw.tasks.values()) {
        if (t.state == TaskState.TASK_UNREACHABLE) {
          b.addUnreachableTasks(t.toTask());
        } else {
          b.addTasks(t.toTask());
        }
      }
    }
    for (Deque<TaskRecord> done : completedTasks.values()) {
      for (TaskRecord t : done) {
        b.addCompletedTasks(t.toTask());
      }
    }
    return b;
  }
}
