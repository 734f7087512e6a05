package io.mezzo.metronome.mesos;

import io.mezzo.mesos.client.MasterDetector;
import io.mezzo.mesos.client.SchedulerClient;
import io.mezzo.metronome.launch.RunLauncher;
import io.mezzo.metronome.launch.TaskUpdate;
import io.mezzo.metronome.launch.TaskUpdate.Kind;
import io.mezzo.metronome.launch.Upcoming;
import io.mezzo.metronome.mesos.OfferPlanner.Plan;
import io.mezzo.metronome.mesos.OfferPlanner.Waiting;
import io.mezzo.metronome.model.JobSpec;
import io.mezzo.metronome.schedule.JobRun;
import io.mezzo.metronome.schedule.JobRunTask;
import io.mezzo.metronome.schedule.RunStatus;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.disposables.Disposable;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Logger;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * Runs are tasks of the Mesos framework {@code metronome}, through {@link SchedulerClient}.
 *
 * <p>While this instance leads it holds one subscription, with the framework id stored in ZooKeeper (the first
 * SUBSCRIBED stores it; every later leader and restart subscribes with it, so the master fails the framework over
 * instead of creating a new one and the tasks survive). Every SUBSCRIBED is followed by an explicit
 * reconciliation of the tasks of all live runs and an implicit one; no task is launched until every explicitly
 * asked task was answered or {@code reconcile_timeout_ms} passed. Task ids are derived from run and attempt
 * ({@link TaskIds}), so an answer "running" for an attempt that the store still has as INITIAL (its launch was
 * not recorded before the old leader died) moves the run on instead of launching the attempt again.
 *
 * <p>Offers are matched by {@link OfferPlanner}; unused offers are declined. When nothing waits the framework
 * SUPPRESSes offers and REVIVEs as soon as something does. Status updates go to the leader's sink and are
 * ACKNOWLEDGEd once it has stored them. Confined to the verticle's context ({@link #bind} must be called on it);
 * client events are moved onto it.
 */
public final class MesosRunLauncher implements RunLauncher {
  private static final Logger LOG = Logger.getLogger(MesosRunLauncher.class.getName());
  private static final double DECLINE_SECONDS = 5;
  private static final double IDLE_DECLINE_SECONDS = 120;
  private static final int MAX_IN_FLIGHT = 16;

  /** What the launcher needs to know of the configuration. */
  public record Settings(String frameworkName, String user, String role, long failoverTimeoutSeconds,
                         Duration reconcileTimeout, Duration offerHold) {
  }

  /** Where the framework id is kept between leaders. */
  public interface FrameworkIds {
    Future<Optional<String>> load();

    Future<Void> save(String id);
  }

  /** Told about every task launch (for metrics and benchmarks); called on the verticle's context. */
  public interface LaunchObserver {
    void launched(JobRun run, Instant at);

    /** A TASK_RUNNING (or TASK_KILLING) update of the run's task arrived, before it is stored; may repeat. */
    default void running(String jobId, String runId, Instant at) {
    }
  }

  private final Settings settings;
  private final MasterDetector detector;
  private final FrameworkIds ids;
  private final Clock clock;
  private final LaunchObserver observer;
  private Context context;
  private Function<TaskUpdate, Future<Void>> sink = u -> Future.succeededFuture();

  /** Attempts waiting for an offer, by task id, oldest first. */
  private final Map<String, Waiting> queue = new LinkedHashMap<>();
  /** Tasks launched or reported alive and not yet ended, with their agent when known. */
  private final Map<String, String> live = new HashMap<>();
  /** Tasks asked about by the current reconciliation and not yet answered. */
  private final Set<String> unanswered = new HashSet<>();
  /** Explicit reconciliation targets of the runs loaded at election: task id to agent id (may be null). */
  private final Map<String, String> known = new HashMap<>();
  private Instant reconcileDeadline = Instant.MIN;
  /** Offers kept for a fire time that is near ({@link #upcoming}), by offer id, oldest first. */
  private final Map<String, Offer> held = new LinkedHashMap<>();
  /** The earliest fire time of any schedule and the jobs due then, as the leader last said; null when none. */
  private Upcoming next;
  private boolean planning;
  private final ArrayDeque<Runnable> calls = new ArrayDeque<>();
  private final ArrayDeque<Runnable> acks = new ArrayDeque<>();
  private int inFlight;
  private SchedulerClient client;
  private Disposable events;
  private long generation;
  private boolean subscribed;
  private boolean suppressed;

  public MesosRunLauncher(Settings settings, MasterDetector detector, FrameworkIds ids, Clock clock,
                          LaunchObserver observer) {
    this.settings = settings;
    this.detector = detector;
    this.ids = ids;
    this.clock = clock;
    this.observer = observer == null ? (r, t) -> { } : observer;
  }

  @Override
  public void bind(Function<TaskUpdate, Future<Void>> sink) {
    this.sink = sink;
    this.context = Vertx.currentContext();
    if (context == null) {
      throw new IllegalStateException("bind the Mesos launcher on the verticle's context");
    }
  }

  // ---- leadership ---------------------------------------------------------------------------------

  @Override
  public void elected(Collection<JobRun> liveRuns) {
    disconnect();
    long gen = ++generation;
    for (JobRun run : liveRuns) {
      String taskId = TaskIds.of(run);
      String agent = run.task(taskId).map(JobRunTask::agentId).orElse(null);
      known.put(taskId, agent);
      if (run.status() != RunStatus.INITIAL) {
        live.put(taskId, agent);
      }
    }
    ids.load().onComplete(ar -> {
      if (gen != generation) {
        return;
      }
      Optional<String> stored = ar.succeeded() ? ar.result() : Optional.empty();
      if (ar.failed()) {
        LOG.warning("Reading the stored framework id failed: " + ar.cause() + "; subscribing without one");
      }
      connect(gen, stored);
    });
  }

  @Override
  public void revoked() {
    generation++;
    disconnect();
  }

  private void connect(long gen, Optional<String> frameworkId) {
    FrameworkInfo.Builder info = FrameworkInfo.newBuilder().setName(settings.frameworkName()).setUser(settings.user())
        .setFailoverTimeout(settings.failoverTimeoutSeconds()).setCheckpoint(true).addRoles(settings.role())
        .addCapabilities(capability(FrameworkInfo.Capability.Type.MULTI_ROLE))
        .addCapabilities(capability(FrameworkInfo.Capability.Type.PARTITION_AWARE))
        .addCapabilities(capability(FrameworkInfo.Capability.Type.TASK_KILLING_STATE));
    SchedulerClient.Builder builder = SchedulerClient.builder().detector(detector).frameworkInfo(info.build());
    frameworkId.ifPresent(id -> builder.frameworkId(FrameworkID.newBuilder().setValue(id).build()));
    client = builder.build();
    LOG.info("Subscribing framework '" + settings.frameworkName() + "'"
        + frameworkId.map(id -> " with id '" + id + "'").orElse(" for the first time"));
    events = client.events().subscribe(
        e -> context.runOnContext(v -> {
          if (gen == generation) {
            onEvent(e);
          }
        }),
        err -> LOG.severe("Framework event stream ended: " + err),
        () -> LOG.info("Framework event stream completed"));
  }

  private static FrameworkInfo.Capability capability(FrameworkInfo.Capability.Type type) {
    return FrameworkInfo.Capability.newBuilder().setType(type).build();
  }

  private void disconnect() {
    if (events != null) {
      events.dispose();
    }
    if (client != null) {
      client.close();
    }
    events = null;
    client = null;
    subscribed = false;
    queue.clear();
    held.clear();
    live.clear();
    known.clear();
    unanswered.clear();
  }

  // ---- the port -----------------------------------------------------------------------------------

  @Override
  public Future<Void> launch(JobRun run, JobSpec job) {
    String taskId = TaskIds.of(run);
    if (live.containsKey(taskId) || queue.containsKey(taskId)) {
      return Future.succeededFuture();
    }
    boolean first = queue.isEmpty();
    queue.put(taskId, new Waiting(run, job));
    // the first attempt to wait with no offer at hand REVIVEs, which also clears the decline filters (an ACCEPT
    // leaves the rest of its agent filtered for 5 s, a retry after a quick failure would otherwise wait for that)
    if (subscribed && (suppressed || first && held.isEmpty())) {
      revive();
    }
    if (!held.isEmpty()) {
      schedulePlan();
    }
    return Future.succeededFuture();
  }

  /**
   * From {@code offer_hold_seconds} before the earliest fire time the framework asks for offers (REVIVE) and keeps
   * those that the jobs due then need (a trial placement of one task per due schedule), so that the runs of that
   * fire time are placed the moment they are stored instead of waiting for the master's next allocation. Offers
   * the trial does not use go back at once (other frameworks get them); kept offers that the fire time did not use
   * are declined once it has passed.
   */
  @Override
  public void upcoming(Optional<Upcoming> upcoming) {
    boolean wasHolding = holding();
    next = upcoming.orElse(null);
    if (subscribed && suppressed && holding()) {
      revive();
    }
    if (!held.isEmpty() && wasHolding && !holding()) {
      schedulePlan();
    }
  }

  private boolean holding() {
    if (next == null || settings.offerHold().isZero()) {
      return false;
    }
    Instant now = clock.instant();
    Instant at = next.at();
    return !now.isBefore(at.minus(settings.offerHold())) && !now.isAfter(at.plus(settings.offerHold()));
  }

  /**
   * Declines the kept offers that a trial placement of the upcoming fire time's jobs does not need, with a filter
   * that lasts past the fire time, so they are not offered again (and tried again) while it is near.
   */
  private void keepOnlyNeeded() {
    List<Waiting> expected = new ArrayList<>(queue.values());
    int n = 0;
    for (JobSpec job : next.jobs()) {
      expected.add(new Waiting(JobRun.manual("trial" + n++, job.id(), next.at()), job));
    }
    Set<OfferID> needed = OfferPlanner.used(List.copyOf(held.values()), expected);
    List<OfferID> spare = held.values().stream().map(Offer::getId).filter(id -> !needed.contains(id)).toList();
    if (!spare.isEmpty()) {
      spare.forEach(id -> held.remove(id.getValue()));
      double untilPast = Duration.between(clock.instant(), next.at().plus(settings.offerHold())).toMillis() / 1000.0;
      send(client.decline(spare, filters(Math.max(DECLINE_SECONDS, untilPast))), "DECLINE");
    }
  }

  private void revive() {
    suppressed = false;
    send(client.revive(List.of()), "REVIVE");
  }

  @Override
  public Future<Void> kill(JobRun run) {
    String taskId = TaskIds.of(run);
    queue.remove(taskId);
    if (!live.containsKey(taskId) && run.status() == RunStatus.INITIAL) {
      return Future.succeededFuture();
    }
    if (client == null || !subscribed) {
      return Future.failedFuture(new IllegalStateException("Not subscribed to the Mesos master"));
    }
    String agent = live.get(taskId);
    if (agent == null) {
      agent = run.task(taskId).map(JobRunTask::agentId).orElse(null);
    }
    AgentID agentId = agent == null ? null : AgentID.newBuilder().setValue(agent).build();
    return send(client.kill(TaskID.newBuilder().setValue(taskId).build(), agentId), "KILL '" + taskId + "'");
  }

  @Override
  public void killStray(TaskUpdate update) {
    live.remove(update.taskId());
    if (client == null || !subscribed) {
      return;
    }
    AgentID agentId = update.agentId() == null ? null : AgentID.newBuilder().setValue(update.agentId()).build();
    send(client.kill(TaskID.newBuilder().setValue(update.taskId()).build(), agentId),
        "KILL of stray task '" + update.taskId() + "'");
  }

  @Override
  public void reset() {
    queue.clear();
  }

  /** Attempts waiting for an offer (for tests). */
  public int waiting() {
    return queue.size();
  }

  // ---- events -------------------------------------------------------------------------------------

  private void onEvent(Event event) {
    switch (event.getType()) {
      case SUBSCRIBED -> subscribed(event.getSubscribed());
      case OFFERS -> offers(event.getOffers().getOffersList());
      case RESCIND -> rescinded(event.getRescind().getOfferId());
      case UPDATE -> update(event.getUpdate().getStatus());
      case ERROR -> LOG.severe("Master sent an error: " + event.getError().getMessage());
      default -> { }
    }
  }

  private void subscribed(Event.Subscribed s) {
    String id = s.getFrameworkId().getValue();
    LOG.info("Framework '" + settings.frameworkName() + "' subscribed with id '" + id + "'");
    subscribed = true;
    suppressed = false;
    ids.save(id).onFailure(e -> LOG.warning("Storing framework id '" + id + "' failed: " + e));
    Map<String, String> targets = new HashMap<>(known);
    live.forEach(targets::put);
    queue.keySet().forEach(t -> targets.putIfAbsent(t, null));
    unanswered.clear();
    unanswered.addAll(targets.keySet());
    reconcileDeadline = clock.instant().plus(settings.reconcileTimeout());
    List<Call.Reconcile.Task> tasks = new ArrayList<>();
    targets.forEach((task, agent) -> {
      Call.Reconcile.Task.Builder t = Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue(task));
      if (agent != null) {
        t.setAgentId(AgentID.newBuilder().setValue(agent));
      }
      tasks.add(t.build());
    });
    if (!tasks.isEmpty()) {
      send(client.reconcile(tasks), "RECONCILE of " + tasks.size() + " tasks");
    }
    send(client.reconcile(List.of()), "implicit RECONCILE");
  }

  private boolean reconciling() {
    return !unanswered.isEmpty() && clock.instant().isBefore(reconcileDeadline);
  }

  private void offers(List<Offer> offers) {
    if (reconciling()) {
      send(client.decline(offers.stream().map(Offer::getId).toList(), filters(1)), "DECLINE");
      return;
    }
    offers.forEach(o -> held.put(o.getId().getValue(), o));
    plan();
  }

  private void rescinded(OfferID id) {
    held.remove(id.getValue());
  }

  /** Plans once after the current burst of launches (each stored batch of runs hands over many at once). */
  private void schedulePlan() {
    if (!planning) {
      planning = true;
      context.runOnContext(v -> {
        planning = false;
        if (subscribed) {
          plan();
        }
      });
    }
  }

  /**
   * Places the waiting attempts on the offers at hand (one ACCEPT per offer used). Offers left over are kept while
   * a fire time is near (those its jobs need, see {@link #upcoming}), else declined: for 5 s while attempts still wait, otherwise until the next fire time's
   * hold window (at most 120 s), with a SUPPRESS.
   */
  private void plan() {
    if (held.isEmpty()) {
      return;
    }
    if (reconciling()) {
      return;
    }
    boolean placed = false;
    if (!queue.isEmpty()) {
      Plan plan = OfferPlanner.plan(List.copyOf(held.values()), List.copyOf(queue.values()));
      placed = !plan.launches().isEmpty();
      Instant now = clock.instant();
      plan.launches().forEach((offerId, tasks) -> {
        held.remove(offerId.getValue());
        for (TaskInfo task : tasks) {
          Waiting w = queue.remove(task.getTaskId().getValue());
          String agent = task.getAgentId().getValue();
          live.put(task.getTaskId().getValue(), agent);
          observer.launched(w.run(), now);
          // reported before the ACCEPT is sent, so that it is applied before any update of the task
          sink.apply(new TaskUpdate(w.run().jobId(), w.run().id(), w.run().attempt(), Kind.LAUNCHED, null,
              task.getTaskId().getValue(), TaskState.TASK_STAGING.name(), agent));
        }
        Offer.Operation launch = Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(tasks)).build();
        send(client.accept(List.of(offerId), List.of(launch), filters(DECLINE_SECONDS)), "ACCEPT")
            .onFailure(e -> recheck(tasks));
      });
    }
    if (held.isEmpty()) {
      return;
    }
    if (holding()) {
      if (!placed) {
        keepOnlyNeeded();
      }
      return;
    }
    List<OfferID> unused = held.values().stream().map(Offer::getId).toList();
    held.clear();
    if (!queue.isEmpty()) {
      send(client.decline(unused, filters(DECLINE_SECONDS)), "DECLINE");
      return;
    }
    double refuse = IDLE_DECLINE_SECONDS;
    if (next != null && !settings.offerHold().isZero()) {
      double untilHold = Duration.between(clock.instant(), next.at().minus(settings.offerHold())).toMillis() / 1000.0;
      refuse = Math.max(1, Math.min(IDLE_DECLINE_SECONDS, untilHold));
    }
    send(client.decline(unused, filters(refuse)), "DECLINE");
    if (!suppressed) {
      suppressed = true;
      send(client.suppress(List.of()), "SUPPRESS");
    }
  }

  /** An ACCEPT failed: whether its tasks exist is unknown, so ask (the answer fails them if they do not). */
  private void recheck(List<TaskInfo> tasks) {
    if (client != null && subscribed) {
      send(client.reconcile(tasks.stream().map(t -> Call.Reconcile.Task.newBuilder().setTaskId(t.getTaskId())
          .setAgentId(t.getAgentId()).build()).toList()), "RECONCILE after a failed ACCEPT");
    }
  }

  private void update(TaskStatus status) {
    String taskId = status.getTaskId().getValue();
    Optional<TaskIds.Parsed> parsed = TaskIds.parse(taskId);
    unanswered.remove(taskId);
    Kind kind = kind(status.getState());
    boolean unknownToMaster = status.getReason() == TaskStatus.Reason.REASON_RECONCILIATION
        && (status.getState() == TaskState.TASK_GONE || status.getState() == TaskState.TASK_UNKNOWN
            || status.getState() == TaskState.TASK_LOST || status.getState() == TaskState.TASK_DROPPED);
    if (parsed.isEmpty() || kind == null || unknownToMaster && !live.containsKey(taskId)) {
      // not ours, not final (unreachable), or a task that was never launched: nothing to record
      acknowledge(status);
      return;
    }
    String agent = status.hasAgentId() ? status.getAgentId().getValue() : live.get(taskId);
    if (kind.terminal()) {
      live.remove(taskId);
    } else {
      live.put(taskId, agent);
      queue.remove(taskId);
    }
    TaskIds.Parsed p = parsed.get();
    if (kind == Kind.RUNNING) {
      observer.running(p.jobId(), p.runId(), clock.instant());
    }
    sink.apply(new TaskUpdate(p.jobId(), p.runId(), p.attempt(), kind, status.hasMessage() ? status.getMessage()
        : null, taskId, status.getState().name(), agent)).onSuccess(v -> acknowledge(status));
  }

  private void acknowledge(TaskStatus status) {
    if (client != null && subscribed) {
      send(client.acknowledge(status), "ACKNOWLEDGE of '" + status.getTaskId().getValue() + "'", acks);
    }
  }

  /** The run-level meaning of a task state; null for states that change nothing (unreachable). */
  static Kind kind(TaskState state) {
    return switch (state) {
      case TASK_STAGING, TASK_STARTING -> Kind.LAUNCHED;
      case TASK_RUNNING, TASK_KILLING -> Kind.RUNNING;
      case TASK_FINISHED -> Kind.FINISHED;
      case TASK_UNREACHABLE -> null;
      default -> Kind.FAILED;
    };
  }

  private static Filters filters(double refuseSeconds) {
    return Filters.newBuilder().setRefuseSeconds(refuseSeconds).build();
  }

  /**
   * Sends a call; a failure is logged and returned (calls are not retried: reconciliation repairs). At most
   * {@link #MAX_IN_FLIGHT} calls are outstanding, the rest wait in order: each call blocks a client I/O thread,
   * and thousands of acknowledgements at once would otherwise start thousands of threads.
   */
  private Future<Void> send(Completable call, String what) {
    return send(call, what, calls);
  }

  /** Acknowledgements queue behind every other call, so that launches do not wait for them. */
  private Future<Void> send(Completable call, String what, ArrayDeque<Runnable> lane) {
    Promise<Void> done = Promise.promise();
    lane.add(() -> call.subscribe(() -> context.runOnContext(v -> {
      inFlight--;
      done.complete();
      pump();
    }), e -> context.runOnContext(v -> {
      inFlight--;
      LOG.warning(what + " failed: " + e);
      done.fail(e);
      pump();
    })));
    pump();
    return done.future();
  }

  private void pump() {
    while (inFlight < MAX_IN_FLIGHT && (!calls.isEmpty() || !acks.isEmpty())) {
      inFlight++;
      (calls.isEmpty() ? acks : calls).poll().run();
    }
  }
}
