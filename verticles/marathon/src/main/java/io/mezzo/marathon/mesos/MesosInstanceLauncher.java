package io.mezzo.marathon.mesos;

import io.mezzo.marathon.MarathonConfig;
import io.mezzo.marathon.core.Condition;
import io.mezzo.marathon.core.Instance;
import io.mezzo.marathon.model.PodDefinition;
import io.mezzo.marathon.model.PodRunSpec;
import io.mezzo.marathon.core.InstanceLauncher;
import io.mezzo.marathon.core.OfferSummary;
import io.mezzo.marathon.core.StatusUpdate;
import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.placement.OfferMatcher;
import io.mezzo.marathon.placement.OfferView;
import io.mezzo.marathon.placement.PlacedInstance;
import io.mezzo.mesos.client.MasterDetector;
import io.mezzo.mesos.client.SchedulerClient;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.schedulers.Schedulers;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.logging.Logger;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.KillPolicy;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * The launcher on Mesos: Marathon as the framework {@code marathon} through {@link SchedulerClient}.
 *
 * <pre>
 *   attach ── SUBSCRIBE (stored framework id) ── SUBSCRIBED ── store id ── explicit RECONCILE of known tasks
 *          ── all answered (or reconciliation_timeout) ── attach completes; KILLs resent; REVIVE/SUPPRESS
 *   launch ── queue ── OFFERS ── OfferMatcher per queued app ── ACCEPT(LAUNCH) / DECLINE(refuse filter)
 *   UPDATE ── Leader.statusUpdate ── ACKNOWLEDGE            kill ── KILL (with the app's kill policy)
 * </pre>
 *
 * Every (re)subscription reconciles again, and no KILL and no LAUNCH goes out while a reconciliation is waiting
 * for answers, so a leader never acts on state a former leader left stale. A task the master reports that
 * Marathon does not know is killed. The queue asks for offers (REVIVE, at most every {@code min_revive_interval_ms})
 * when instances are queued and SUPPRESSes them when none are. Everything runs on the event loop that attached;
 * client events and call results are moved onto it.
 */
public final class MesosInstanceLauncher implements InstanceLauncher {
  private static final Logger LOG = Logger.getLogger(MesosInstanceLauncher.class.getName());
  private static final int STATS_WINDOW = 10;
  private static final long KILL_RETRY_MS = 10_000;
  private static final long RECONCILE_RETRY_MS = 2_000;
  private static final long RESUBSCRIBE_MS = 10_000;

  private final Vertx vertx;
  private final MarathonConfig config;
  private final MasterDetector detector;
  private final Clock clock;
  private final Random random;

  private final Map<String, Pending> queue = new LinkedHashMap<>();
  /** The same queue by app, in the order apps entered it, so an offer does not walk every queued instance. */
  private final Map<String, Map<String, Pending>> queuedByApp = new LinkedHashMap<>();
  private final Map<String, Placement> placements = new HashMap<>();
  private final Map<String, KillPolicy> killPolicies = new HashMap<>();
  private final Map<String, OfferStats> stats = new HashMap<>();
  private final Set<String> awaiting = new HashSet<>();
  /** Pod instances: the task ids of their containers and the last state of each, to report one instance state. */
  private final Map<String, Map<String, PodTask>> podTasks = new HashMap<>();
  private final List<Long> timers = new ArrayList<>();
  private Context context;
  private Scheduler loop;
  private Leader leader;
  private SchedulerClient client;
  private Disposable subscription;
  private Promise<Void> reconciled;
  private long term;
  private long connection;
  private boolean connected;
  private boolean reconciling;
  private Boolean suppressed;
  private long lastReviveMs = Long.MIN_VALUE / 2;
  /** DECLINE, SUPPRESS and REVIVE go out one after the other: a late SUPPRESS or DECLINE must not undo a REVIVE. */
  private final java.util.Deque<Completable> offerCalls = new java.util.ArrayDeque<>();
  private boolean offerCallInFlight;
  private boolean reviveScheduled;

  private record Pending(AppDefinition app, Instance instance) {
  }

  /** The last known state of one container task of a pod instance. */
  private record PodTask(Condition condition, Boolean healthy, boolean checked) {
  }

  /** Where this term launched a task, reported with its first updates. */
  private record Placement(String agentId, String host, List<Integer> ports) {
  }

  public MesosInstanceLauncher(Vertx vertx, MarathonConfig config, MasterDetector detector, Clock clock,
                               Random random) {
    this.vertx = vertx;
    this.config = config;
    this.detector = detector;
    this.clock = clock;
    this.random = random;
  }

  // ---- term ---------------------------------------------------------------------------------------

  @Override
  public Future<Void> attach(Leader newLeader) {
    detach();
    long myTerm = ++term;
    leader = newLeader;
    context = Vertx.currentContext();
    Context ctx = context;
    loop = Schedulers.from(command -> ctx.runOnContext(v -> command.run()));
    reconciled = Promise.promise();
    SchedulerClient.Builder builder = SchedulerClient.builder().detector(detector).frameworkInfo(frameworkInfo())
        .listener(new io.mezzo.mesos.client.ConnectionListener() {
          @Override
          public void disconnected(Throwable cause, Duration reconnectIn) {
            ctx.runOnContext(v -> onDisconnected(myTerm, cause, reconnectIn));
          }
        });
    newLeader.frameworkId().ifPresent(id -> builder.frameworkId(FrameworkID.newBuilder().setValue(id).build()));
    client = builder.build();
    subscribe(myTerm);
    timers.add(vertx.setTimer(config.reconciliationTimeoutSeconds() * 1000L, id -> {
      if (myTerm == term && reconciled.tryComplete()) {
        LOG.warning("No complete reconciliation within " + config.reconciliationTimeoutSeconds()
            + " s; going ahead with the stored state of " + awaiting.size() + " unanswered tasks");
      }
    }));
    timers.add(vertx.setPeriodic(KILL_RETRY_MS, id -> retryKills()));
    timers.add(vertx.setPeriodic(config.reconciliationIntervalSeconds() * 1000L, id -> {
      if (connected && !reconciling) {
        send(client.reconcile(List.of()), "implicit RECONCILE");
      }
    }));
    LOG.info("Subscribing as framework '" + config.frameworkName() + "'"
        + newLeader.frameworkId().map(id -> " with id '" + id + "'").orElse(" for the first time"));
    return reconciled.future();
  }

  private FrameworkInfo frameworkInfo() {
    String user = config.mesosUser().isEmpty() ? System.getProperty("user.name", "root") : config.mesosUser();
    FrameworkInfo.Builder info = FrameworkInfo.newBuilder().setUser(user).setName(config.frameworkName())
        .setFailoverTimeout(config.failoverTimeoutSeconds()).setCheckpoint(true).addRoles(config.mesosRole());
    for (FrameworkInfo.Capability.Type type : List.of(FrameworkInfo.Capability.Type.PARTITION_AWARE,
        FrameworkInfo.Capability.Type.TASK_KILLING_STATE, FrameworkInfo.Capability.Type.MULTI_ROLE)) {
      info.addCapabilities(FrameworkInfo.Capability.newBuilder().setType(type));
    }
    return info.build();
  }

  private void subscribe(long myTerm) {
    subscription = client.events().observeOn(loop).subscribe(
        event -> {
          if (myTerm == term) {
            onEvent(event);
          }
        },
        error -> {
          if (myTerm == term) {
            connected = false;
            LOG.severe("The master refused Marathon's subscription: " + error + "; trying again in "
                + RESUBSCRIBE_MS + " ms");
            timers.add(vertx.setTimer(RESUBSCRIBE_MS, id -> {
              if (myTerm == term) {
                subscribe(myTerm);
              }
            }));
          }
        },
        () -> {
          if (myTerm == term) {
            connected = false;
            LOG.severe("The master closed Marathon's event stream for good (another scheduler took the framework"
                + " over, or it was torn down)");
          }
        });
  }

  private void onDisconnected(long myTerm, Throwable cause, Duration reconnectIn) {
    if (myTerm == term && connected) {
      LOG.warning("Lost the master (" + cause + "); re-subscribing in " + reconnectIn.toMillis() + " ms");
      connected = false;
    }
  }

  @Override
  public void detach() {
    term++;
    timers.forEach(vertx::cancelTimer);
    timers.clear();
    if (subscription != null) {
      subscription.dispose();
      subscription = null;
    }
    if (client != null) {
      client.close();
      client = null;
    }
    if (reconciled != null) {
      reconciled.tryFail("Leadership ended");
    }
    leader = null;
    connected = false;
    reconciling = false;
    suppressed = null;
    reviveScheduled = false;
    offerCalls.clear();
    offerCallInFlight = false;
    queue.clear();
    queuedByApp.clear();
    placements.clear();
    awaiting.clear();
    stats.clear();
  }

  // ---- events -------------------------------------------------------------------------------------

  private void onEvent(Event event) {
    switch (event.getType()) {
      case SUBSCRIBED -> onSubscribed(event.getSubscribed());
      case OFFERS -> onOffers(event.getOffers().getOffersList());
      case UPDATE -> onUpdate(event.getUpdate().getStatus());
      case ERROR -> LOG.severe("Error from the master: " + event.getError().getMessage());
      default -> {
        // HEARTBEAT, RESCIND (offers are never held), FAILURE, MESSAGE: nothing to do
      }
    }
  }

  private void onSubscribed(Event.Subscribed subscribed) {
    long myConnection = ++connection;
    connected = true;
    reconciling = true;
    suppressed = null;
    String id = subscribed.getFrameworkId().getValue();
    LOG.info("Subscribed as framework '" + id + "'; reconciling");
    Future<Void> stored = id.equals(leader.frameworkId().orElse(null)) ? Future.succeededFuture()
        : leader.saveFrameworkId(id);
    stored.onSuccess(v -> {
      if (myConnection == connection) {
        startReconciliation(myConnection);
      }
    }).onFailure(e -> {
      LOG.severe("Could not store framework id '" + id + "': " + e);
      reconciled.tryFail(e);
    });
  }

  /** Asks for the state of every task this leader believes launched; finishes when all have answered. */
  private void startReconciliation(long myConnection) {
    awaiting.clear();
    List<Call.Reconcile.Task> tasks = new ArrayList<>();
    for (Instance i : leader.instances()) {
      if (i.condition().isLaunched() || (i.condition() == Condition.PROVISIONED && !queue.containsKey(i.instanceId()))) {
        for (String taskId : taskIds(i)) {
          awaiting.add(taskId);
          tasks.add(reconcileTask(i, taskId));
        }
      }
    }
    if (tasks.isEmpty()) {
      reconciliationDone(myConnection);
      return;
    }
    send(client.reconcile(tasks), "explicit RECONCILE of " + tasks.size() + " tasks");
    timers.add(vertx.setTimer(RECONCILE_RETRY_MS, id -> retryReconciliation(myConnection, RECONCILE_RETRY_MS)));
  }

  private void retryReconciliation(long myConnection, long delayMs) {
    if (myConnection != connection || !reconciling || !connected) {
      return;
    }
    List<Call.Reconcile.Task> tasks = new ArrayList<>();
    for (String taskId : awaiting) {
      leader.instance(taskId).ifPresent(i -> tasks.add(reconcileTask(i, taskId)));
    }
    awaiting.retainAll(tasks.stream().map(t -> t.getTaskId().getValue()).toList());
    if (tasks.isEmpty()) {
      reconciliationDone(myConnection);
      return;
    }
    send(client.reconcile(tasks), "explicit RECONCILE of " + tasks.size() + " unanswered tasks");
    long next = Math.min(delayMs * 2, 30_000);
    timers.add(vertx.setTimer(next, id -> retryReconciliation(myConnection, next)));
  }

  /**
   * The Mesos task ids of an instance: its task id, or for a pod instance one per container (as launched, else as
   * the pod defines them now).
   */
  private List<String> taskIds(Instance i) {
    Map<String, PodTask> known = podTasks.get(i.instanceId());
    if (known != null && !known.isEmpty()) {
      return List.copyOf(known.keySet());
    }
    Optional<PodDefinition> pod = leader.pod(i.appId());
    if (pod.isPresent()) {
      return pod.get().containers().stream().map(c -> PodTaskGroups.taskId(i, c.name())).toList();
    }
    return List.of(i.taskId());
  }

  private static Call.Reconcile.Task reconcileTask(Instance i, String taskId) {
    Call.Reconcile.Task.Builder t = Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId));
    if (i.agentId() != null) {
      t.setAgentId(AgentID.newBuilder().setValue(i.agentId()));
    }
    return t.build();
  }

  private void reconciliationDone(long myConnection) {
    if (myConnection != connection || !reconciling) {
      return;
    }
    reconciling = false;
    awaiting.clear();
    LOG.info("Reconciliation done");
    reconciled.tryComplete();
    send(client.reconcile(List.of()), "implicit RECONCILE");
    retryKills();
    offersWanted(true);
  }

  private void onUpdate(TaskStatus status) {
    String taskId = status.getTaskId().getValue();
    Condition condition = TaskStates.condition(status.getState());
    Optional<Instance> known = leader.instance(taskId)
        .filter(i -> i.taskId().equals(taskId) || taskId.startsWith(i.taskId() + "."));
    boolean answer = awaiting.remove(taskId);
    if (known.isEmpty()) {
      if (!condition.isTerminal() && connected) {
        LOG.warning("Killing task '" + taskId + "' that Marathon does not know (" + status.getState() + ")");
        send(client.kill(status.getTaskId(), status.hasAgentId() ? status.getAgentId() : null), "KILL of unknown task");
      }
    } else {
      forward(known.get(), status, condition);
    }
    send(client.acknowledge(status), "ACKNOWLEDGE of '" + taskId + "'");
    if (answer && awaiting.isEmpty()) {
      reconciliationDone(connection);
    }
  }

  private void forward(Instance instance, TaskStatus status, Condition condition) {
    String taskId = status.getTaskId().getValue();
    Boolean healthy = status.hasHealthy() ? status.getHealthy() : null;
    boolean podTask = !taskId.equals(instance.taskId());
    if (podTask) {
      // a container of a pod instance; known containers are what kills and reconciliations address
      Map<String, PodTask> tasks = podTasks.computeIfAbsent(instance.instanceId(), k -> new LinkedHashMap<>());
      PodTask before = tasks.get(taskId);
      tasks.put(taskId, new PodTask(condition, healthy, before != null && before.checked() || status.hasHealthy()));
    }
    boolean reconciliation = status.getReason() == TaskStatus.Reason.REASON_RECONCILIATION;
    if (instance.condition() == Condition.PROVISIONED && !queue.containsKey(instance.instanceId())
        && reconciliation && condition.isTerminal()) {
      return; // provisioned by a former leader and never launched: the leader queues it again
    }
    if (instance.condition() == Condition.KILLING && !condition.isTerminal()) {
      return; // still being killed, whatever state it was in before the kill reached it
    }
    Placement p = placements.get(instance.taskId());
    if (podTask) {
      // the instance is as far as its least advanced container, and ends with the first that ends
      Map<String, PodTask> tasks = podTasks.get(instance.instanceId());
      if (!condition.isTerminal()) {
        for (PodTask t : tasks.values()) {
          if (t.condition().ordinal() < condition.ordinal() || t.condition() == Condition.UNREACHABLE) {
            condition = t.condition();
          }
        }
        if (tasks.values().stream().anyMatch(t -> t.condition().isTerminal())) {
          return; // the group is ending; its first terminal update was reported
        }
        Optional<PodDefinition> pod = leader.pod(instance.appId());
        boolean anyChecked = tasks.values().stream().anyMatch(PodTask::checked);
        boolean wantsChecks = pod.map(d -> d.containers().stream().anyMatch(c -> c.healthCheck() != null))
            .orElse(anyChecked);
        if (!wantsChecks) {
          healthy = null;
        } else if (tasks.values().stream().anyMatch(t -> Boolean.FALSE.equals(t.healthy()))) {
          healthy = false;
        } else {
          long checked = pod.map(d -> d.containers().stream().filter(c -> c.healthCheck() != null).count())
              .orElse(tasks.values().stream().filter(PodTask::checked).count());
          healthy = tasks.values().stream().filter(t -> Boolean.TRUE.equals(t.healthy())).count() >= checked
              ? Boolean.TRUE : null;
        }
      } else if (tasks.values().stream().filter(t -> t.condition().isTerminal()).count() > 1) {
        return; // a later container of a group that already ended
      }
    }
    if (condition.isTerminal()) {
      placements.remove(instance.taskId());
      Map<String, PodTask> group = podTasks.remove(instance.instanceId());
      if (group != null) {
        // the agent ends the rest of the group itself; killing what is left makes sure, whatever the agent
        group.forEach((id, t) -> {
          if (!t.condition().isTerminal() && connected && !reconciling && client != null) {
            Call.Kill.Builder kill = Call.Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue(id));
            if (instance.agentId() != null) {
              kill.setAgentId(AgentID.newBuilder().setValue(instance.agentId()));
            }
            send(client.call(Call.newBuilder().setType(Call.Type.KILL).setKill(kill).build()),
                "KILL of '" + id + "' (its task group ended)");
          }
        });
      }
    }
    String agentId = status.hasAgentId() ? status.getAgentId().getValue() : p == null ? null : p.agentId();
    leader.statusUpdate(new StatusUpdate(instance.instanceId(), condition, healthy, agentId,
        p == null ? null : p.host(), p == null ? null : p.ports(), status.hasMessage() ? status.getMessage() : null));
  }

  // ---- launching ----------------------------------------------------------------------------------

  @Override
  public void launch(AppDefinition app, List<Instance> instances) {
    if (leader == null) {
      return;
    }
    boolean newAttempt = !queuedByApp.containsKey(app.id());
    if (newAttempt) {
      stats.put(app.id(), new OfferStats(STATS_WINDOW));
    }
    KillPolicy policy = TaskInfos.killPolicy(app);
    if (policy != null) {
      killPolicies.put(app.id(), policy);
    } else {
      killPolicies.remove(app.id());
    }
    for (Instance i : instances) {
      Pending p = new Pending(app, i);
      queue.put(i.instanceId(), p);
      queuedByApp.computeIfAbsent(app.id(), k -> new LinkedHashMap<>()).put(i.instanceId(), p);
    }
    offersWanted(true);
  }

  private void onOffers(List<Offer> offers) {
    if (reconciling || queue.isEmpty()) {
      decline(offers, reconciling ? 0 : config.declineOfferSeconds());
      offersWanted(false);
      return;
    }
    List<Offer> unused = new ArrayList<>();
    for (Offer offer : offers) {
      List<Offer.Operation> ops = new ArrayList<>();
      List<TaskInfo> tasks = place(new OfferResources(offer), ops);
      if (tasks.isEmpty()) {
        unused.add(offer);
      } else {
        List<Call.Reconcile.Task> launched = tasks.stream().map(t -> Call.Reconcile.Task.newBuilder()
            .setTaskId(t.getTaskId()).setAgentId(t.getAgentId()).build()).toList();
        Completable accept = client.accept(List.of(offer.getId()), ops,
            Filters.newBuilder().setRefuseSeconds(0).build());
        accept.observeOn(loop).subscribe(() -> { }, e -> {
          LOG.warning("ACCEPT of offer '" + offer.getId().getValue() + "' failed: " + e + "; reconciling its "
              + tasks.size() + " tasks");
          if (connected && client != null) {
            send(client.reconcile(launched), "RECONCILE after a failed ACCEPT");
          }
        });
      }
    }
    decline(unused, config.declineOfferSeconds());
    offersWanted(false);
  }

  private Pending dequeue(String instanceId) {
    Pending p = queue.remove(instanceId);
    if (p != null) {
      Map<String, Pending> ofApp = queuedByApp.get(p.app().id());
      if (ofApp != null) {
        ofApp.remove(instanceId);
        if (ofApp.isEmpty()) {
          queuedByApp.remove(p.app().id());
        }
      }
    }
    return p;
  }

  /**
   * Places as many queued instances on the offer as fit, app by app in queue order; adds their operations to
   * {@code ops} (one LAUNCH for app tasks, one LAUNCH_GROUP per pod instance) and returns every task launched.
   */
  private List<TaskInfo> place(OfferResources resources, List<Offer.Operation> ops) {
    Offer offer = resources.offer();
    List<TaskInfo> tasks = new ArrayList<>();
    List<TaskInfo> appTasks = new ArrayList<>();
    int placedCount = 0;
    for (Map<String, Pending> queuedOfApp : List.copyOf(queuedByApp.values())) {
      if (placedCount >= config.maxInstancesPerOffer()) {
        break;
      }
      AppDefinition app = queuedOfApp.values().iterator().next().app();
      List<PlacedInstance> placed = placed(app, resources.view());
      boolean first = true;
      // each placed instance leaves the queue, so the next one is always the first left
      while (!queuedOfApp.isEmpty() && placedCount < config.maxInstancesPerOffer()) {
        Pending p = queuedOfApp.values().iterator().next();
        OfferView view = resources.view();
        OfferMatcher.Result result = OfferMatcher.match(p.app(), view, placed, random);
        OfferStats appStats = stats.computeIfAbsent(app.id(), k -> new OfferStats(STATS_WINDOW));
        if (result instanceof OfferMatcher.NoMatch noMatch) {
          if (first) {
            appStats.unused(noMatch.reasons(), clock.instant());
          }
          break;
        }
        if (first) {
          appStats.used();
        }
        first = false;
        List<Integer> ports = ((OfferMatcher.Match) result).hostPorts();
        Optional<PodDefinition> pod = PodRunSpec.isPod(p.app()) ? leader.pod(p.app().id()) : Optional.empty();
        if (PodRunSpec.isPod(p.app()) && pod.isEmpty()) {
          dequeue(p.instance().instanceId()); // the pod is gone; the leader kills what is left of it
          continue;
        }
        placedCount++;
        if (pod.isPresent()) {
          List<List<Integer>> portsOf = PodTaskGroups.portsPerContainer(pod.get(), ports);
          List<List<Resource>> perContainer = new ArrayList<>();
          for (int c = 0; c < pod.get().containers().size(); c++) {
            PodDefinition.Resources r = pod.get().containers().get(c).resources();
            perContainer.add(resources.take(r.cpus(), r.mem(), r.disk(), r.gpus(), portsOf.get(c)));
          }
          Offer.Operation group = PodTaskGroups.launch(pod.get(), p.instance(), leader.frameworkId().orElse(null),
              offer.getAgentId().getValue(), offer.getHostname(), perContainer, ports, config.mesosUser());
          ops.add(group);
          List<TaskInfo> groupTasks = group.getLaunchGroup().getTaskGroup().getTasksList();
          tasks.addAll(groupTasks);
          Map<String, PodTask> known = new LinkedHashMap<>();
          groupTasks.forEach(t -> known.put(t.getTaskId().getValue(), new PodTask(Condition.STAGING, null, false)));
          podTasks.put(p.instance().instanceId(), known);
        } else {
          List<Resource> taken = resources.take(p.app().cpus(), p.app().mem(), p.app().disk(), p.app().gpus(), ports);
          TaskInfo task = TaskInfos.build(p.app(), p.instance(), offer.getAgentId().getValue(), offer.getHostname(),
              taken, ports, config.mesosUser());
          tasks.add(task);
          appTasks.add(task);
        }
        dequeue(p.instance().instanceId());
        placed.add(PlacedInstance.on(p.instance().instanceId(), view));
        Placement placement = new Placement(offer.getAgentId().getValue(), offer.getHostname(), ports);
        placements.put(p.instance().taskId(), placement);
        leader.statusUpdate(new StatusUpdate(p.instance().instanceId(), Condition.STAGING, null, placement.agentId(),
            placement.host(), ports, null));
      }
    }
    if (!appTasks.isEmpty()) {
      ops.add(0, Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
          .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(appTasks)).build());
    }
    return tasks;
  }

  /**
   * The app's active instances that have an agent, for its constraints (none needed without constraints). Instances
   * on the offer's agent get the offer's facts; elsewhere only the hostname is known.
   */
  private List<PlacedInstance> placed(AppDefinition app, OfferView offer) {
    List<PlacedInstance> out = new ArrayList<>();
    if (app.constraints().isEmpty()) {
      return out;
    }
    for (Instance i : leader.instancesOf(app.id())) {
      if (i.agentId() == null || !i.isActive()) {
        continue;
      }
      if (i.agentId().equals(offer.agentId())) {
        out.add(PlacedInstance.on(i.instanceId(), offer));
      } else {
        out.add(new PlacedInstance(i.instanceId(), i.agentId(), i.host(), Map.of(), null, null));
      }
    }
    return out;
  }

  private void decline(List<Offer> offers, int refuseSeconds) {
    if (offers.isEmpty() || client == null) {
      return;
    }
    List<OfferID> ids = offers.stream().map(Offer::getId).toList();
    inOrder(client.decline(ids, Filters.newBuilder().setRefuseSeconds(refuseSeconds).build()),
        "DECLINE of " + ids.size() + " offers");
  }

  /**
   * SUPPRESS when nothing is queued, REVIVE when something is (on new demand even when not suppressed, to clear
   * refuse filters), at most every {@code min_revive_interval_ms}.
   */
  private void offersWanted(boolean newDemand) {
    if (!connected || reconciling) {
      return;
    }
    if (queue.isEmpty()) {
      if (!Boolean.TRUE.equals(suppressed)) {
        suppressed = true;
        inOrder(client.suppress(List.of()), "SUPPRESS");
      }
      return;
    }
    if (!newDemand && Boolean.FALSE.equals(suppressed)) {
      return;
    }
    long now = clock.millis();
    long wait = lastReviveMs + config.minReviveIntervalMs() - now;
    if (wait <= 0) {
      lastReviveMs = now;
      suppressed = false;
      inOrder(client.revive(List.of()), "REVIVE");
    } else if (!reviveScheduled) {
      reviveScheduled = true;
      long myTerm = term;
      timers.add(vertx.setTimer(wait, id -> {
        reviveScheduled = false;
        if (myTerm == term) {
          offersWanted(true);
        }
      }));
    }
  }

  @Override
  public Optional<OfferSummary> offerSummary(String appId) {
    OfferStats s = stats.get(appId);
    return s == null ? Optional.empty() : Optional.of(s.summary());
  }

  // ---- killing ------------------------------------------------------------------------------------

  @Override
  public void kill(String appId, List<Instance> instances) {
    boolean dequeued = false;
    for (Instance i : instances) {
      if (dequeue(i.instanceId()) != null) {
        dequeued = true;
      } else if (i.condition().isLaunched()) {
        sendKill(appId, i);
      }
    }
    if (dequeued) {
      offersWanted(false);
    }
  }

  /** Sends KILL unless the connection is down or reconciling; {@link #retryKills} catches up afterwards. */
  private void sendKill(String appId, Instance i) {
    if (!connected || reconciling || client == null) {
      return;
    }
    for (String taskId : taskIds(i)) {
      Call.Kill.Builder kill = Call.Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId));
      if (i.agentId() != null) {
        kill.setAgentId(AgentID.newBuilder().setValue(i.agentId()));
      }
      KillPolicy policy = killPolicies.get(appId);
      if (policy != null) {
        kill.setKillPolicy(policy);
      }
      send(client.call(Call.newBuilder().setType(Call.Type.KILL).setKill(kill).build()), "KILL of '" + taskId + "'");
    }
  }

  /** Sends KILL again for every instance still being killed (lost calls, kills from before a reconnect). */
  private void retryKills() {
    if (leader == null) {
      return;
    }
    for (Instance i : List.copyOf(leader.instances())) {
      if (i.condition() == Condition.KILLING) {
        sendKill(i.appId(), i);
      }
    }
  }

  // ---- calls --------------------------------------------------------------------------------------

  private void send(Completable call, String what) {
    long myTerm = term;
    call.observeOn(loop).subscribe(() -> { }, e -> {
      if (myTerm == term) {
        LOG.warning(what + " failed: " + e);
      }
    });
  }

  /** Sends {@code call} after every earlier offer call has been answered (or failed). */
  private void inOrder(Completable call, String what) {
    long myTerm = term;
    offerCalls.add(call.doOnError(e -> {
      if (myTerm == term) {
        LOG.warning(what + " failed: " + e);
      }
    }).onErrorComplete());
    nextOfferCall();
  }

  private void nextOfferCall() {
    if (offerCallInFlight || offerCalls.isEmpty()) {
      return;
    }
    offerCallInFlight = true;
    long myTerm = term;
    offerCalls.poll().observeOn(loop).subscribe(() -> {
      if (myTerm == term) {
        offerCallInFlight = false;
        nextOfferCall();
      }
    });
  }

  /** For logs and {@code /v2/info}: the master holding the stream. */
  public Optional<URI> master() {
    return client == null ? Optional.empty() : client.master();
  }
}
