package io.mezzo.marathon.core;

import io.mezzo.marathon.api.Views;
import io.mezzo.marathon.deploy.CanaryDeployment;
import io.mezzo.marathon.deploy.CanaryPolicy;
import io.mezzo.marathon.deploy.DeploymentAction;
import io.mezzo.marathon.deploy.DeploymentConflicts;
import io.mezzo.marathon.deploy.DeploymentPlan;
import io.mezzo.marathon.deploy.DeploymentPlanner;
import io.mezzo.marathon.deploy.DeploymentStep;
import io.mezzo.marathon.deploy.ProgressDeadlines;
import io.mezzo.marathon.events.EventStream;
import io.mezzo.marathon.health.HttpProbe;
import io.mezzo.marathon.health.MarathonHealthChecks;
import io.mezzo.marathon.launch.HealthKillLimiter;
import io.mezzo.marathon.launch.LaunchBackoff;
import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.Group;
import io.mezzo.marathon.store.MarathonStore;
import io.mezzo.marathon.validation.GroupValidator;
import io.mezzo.marathon.validation.Violation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * The leader's Marathon: the root group, running deployments and instances, all on one event loop. Commands that
 * change the root group run one at a time: plan, check conflicts, persist (deployment, then root group by
 * compare-and-set), then apply in memory and publish events. Nothing changes in memory or in ZooKeeper when a
 * command is refused. Deployments advance on every status update and on each tick.
 */
public final class MarathonCore implements InstanceTracker.Listener {
  private static final Logger LOG = Logger.getLogger(MarathonCore.class.getName());

  /**
   * Limits of the core. {@code progressDeadline} zero disables deadlines. Kills of instances failing Marathon's
   * health checks: at most {@code healthKillsPerApp} per app and {@code healthKillsTotal} over all apps within any
   * {@code healthKillWindow}.
   */
  public record Options(Duration progressDeadline, int maxRunningDeployments, long tickMs, int healthKillsPerApp,
                        int healthKillsTotal, Duration healthKillWindow) {

    public Options(Duration progressDeadline, int maxRunningDeployments, long tickMs) {
      this(progressDeadline, maxRunningDeployments, tickMs, 1, 10, Duration.ofSeconds(60));
    }
  }

  /** The outcome of a command that started a deployment. */
  public record Change(DeploymentPlan plan, Group root) {
  }

  private final Vertx vertx;
  private final Clock clock;
  private final MarathonStore store;
  private final EventStream events;
  private final InstanceLauncher launcher;
  private final Options options;
  private final Runnable storeFailed;
  private final DeploymentPlanner planner;
  private final Versions versions;
  private final LaunchBackoff backoff;
  private final ProgressDeadlines deadlines;
  private final InstanceTracker tracker;
  private final DeploymentDriver driver;
  private final io.mezzo.marathon.health.ReadinessChecks readiness;
  private final MarathonHealthChecks health;
  private final HttpProbe probe;
  private static final long RECONCILE_DELAY_MS = 5;
  private static final long FLUSH_DELAY_MS = 5;
  private final Map<String, RunningDeployment> deployments = new LinkedHashMap<>();
  /** Instances changed since the last write, latest state each (terminal = delete); written together. */
  private final Map<String, Instance> unwritten = new LinkedHashMap<>();
  private boolean flushPending;
  private boolean flushInFlight;
  private Future<Void> currentFlush = Future.succeededFuture();
  private final Map<String, JsonObject> lastFailures = new HashMap<>();
  /** Failed canary instances per canary deployment since its last move. */
  private final Map<String, Integer> canaryFailures = new HashMap<>();
  private Group root = Groups.emptyRoot();
  private String frameworkId;
  private Future<?> commands = Future.succeededFuture();
  private long timer = -1;
  private boolean reconcilePending;
  private boolean attached;
  private boolean closed;

  public MarathonCore(Vertx vertx, Clock clock, MarathonStore store, EventStream events, InstanceLauncher launcher,
                      Options options, Runnable storeFailed) {
    this.vertx = vertx;
    this.clock = clock;
    this.store = store;
    this.events = events;
    this.launcher = launcher;
    this.options = options;
    this.storeFailed = storeFailed;
    this.planner = new DeploymentPlanner(clock);
    this.versions = new Versions(clock);
    this.backoff = new LaunchBackoff(clock);
    this.deadlines = new ProgressDeadlines(clock, planner);
    this.tracker = new InstanceTracker(clock, this);
    this.driver = new DeploymentDriver(tracker, launcher, backoff, clock);
    this.probe = new HttpProbe(vertx);
    this.readiness = new io.mezzo.marathon.health.ReadinessChecks(vertx, probe, id -> tracker.get(id).orElse(null));
    this.driver.readiness(readiness::ready);
    this.health = new MarathonHealthChecks(vertx, probe, clock, new HealthHost(), new HealthKillLimiter(clock,
        options.healthKillsPerApp(), options.healthKillsTotal(), options.healthKillWindow()));
  }

  /** The leader as Marathon's own health checks see it. */
  private final class HealthHost implements MarathonHealthChecks.Host {
    @Override
    public AppDefinition appOf(Instance instance) {
      return appFor(instance.appId(), instance.runSpecVersion());
    }

    @Override
    public Instance instance(String instanceId) {
      return tracker.get(instanceId).orElse(null);
    }

    @Override
    public List<Instance> instancesOf(String appId) {
      return tracker.ofApp(appId);
    }

    @Override
    public void healthChanged(Instance instance, boolean healthy) {
      if (!closed) {
        tracker.health(instance, healthy);
      }
    }

    @Override
    public void kill(String appId, List<Instance> instances) {
      if (!closed && attached) {
        driver.kill(appId, instances);
        reconcileSoon();
      }
    }

    @Override
    public void publish(String type, JsonObject body) {
      if (!closed) {
        events.publish(type, body);
      }
    }
  }

  // ---- lifecycle ----------------------------------------------------------------------------------

  /** Takes over the stored state and starts driving deployments; call once, as the new leader. */
  public void recover(MarathonStore.Loaded loaded) {
    root = loaded.root();
    versions.observe(root.version());
    frameworkId = loaded.frameworkId().orElse(null);
    tracker.load(loaded.instances());
    for (RunningDeployment d : loaded.deployments()) {
      deployments.put(d.id(), d);
      trackDeadline(d.plan());
    }
    LOG.info("Recovered " + Groups.apps(root).size() + " apps, " + deployments.size() + " deployments, "
        + tracker.all().size() + " instances; reconciling them before launching or killing anything");
    launcher.attach(new LeaderView()).onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.failed()) {
        LOG.severe("The launcher could not start: " + ar.cause() + "; giving up leadership");
        storeFailed.run();
        return;
      }
      attached = true;
      requeueUnlaunched();
      List.copyOf(tracker.all()).forEach(health::instanceChanged);
      timer = vertx.setPeriodic(options.tickMs(), id -> tick());
      reconcileSoon();
    });
  }

  /**
   * Instances a former leader provisioned that no agent runs (reconciliation found no task) go back to the
   * queue under their own task id, so they are neither lost nor counted as failures.
   */
  private void requeueUnlaunched() {
    for (Instance i : List.copyOf(tracker.all())) {
      if (i.condition() == Condition.PROVISIONED) {
        tracker.transition(i, Condition.SCHEDULED);
      }
    }
  }

  /** The leader as the launcher sees it. */
  private final class LeaderView implements InstanceLauncher.Leader {
    @Override
    public void statusUpdate(StatusUpdate update) {
      if (!closed) {
        tracker.statusUpdate(update);
      }
    }

    @Override
    public Collection<Instance> instances() {
      return tracker.all();
    }

    @Override
    public Optional<Instance> instance(String instanceOrTaskId) {
      return tracker.get(instanceOrTaskId);
    }

    @Override
    public List<Instance> instancesOf(String appId) {
      return tracker.ofApp(appId);
    }

    @Override
    public Optional<String> frameworkId() {
      return Optional.ofNullable(frameworkId);
    }

    @Override
    public Future<Void> saveFrameworkId(String id) {
      return setFrameworkId(id);
    }

    @Override
    public Optional<io.mezzo.marathon.model.PodDefinition> pod(String podId) {
      return Optional.ofNullable(Groups.pods(root).get(podId));
    }
  }

  public void close() {
    closed = true;
    vertx.cancelTimer(timer);
    health.close();
    readiness.close();
    probe.close();
    launcher.detach();
  }

  // ---- reads --------------------------------------------------------------------------------------

  public Group root() {
    return root;
  }

  public Collection<RunningDeployment> deployments() {
    return deployments.values();
  }

  public InstanceTracker instances() {
    return tracker;
  }

  /** The readiness check results of an app's instances, for {@code readinessCheckResults}. */
  public JsonArray readinessResults(String appId) {
    return readiness.resultsOf(appId);
  }

  public LaunchBackoff backoff() {
    return backoff;
  }

  public Optional<String> frameworkId() {
    return Optional.ofNullable(frameworkId);
  }

  /** Results of the health checks Marathon runs for an instance; null when it runs none for it. */
  public JsonArray healthResults(String instanceId) {
    return health.results(instanceId);
  }

  /** True once the launcher has reconciled the instances of this leadership term. */
  public boolean isReconciled() {
    return attached;
  }

  public Optional<OfferSummary> offerSummary(String appId) {
    return launcher.offerSummary(appId);
  }

  public MarathonStore store() {
    return store;
  }

  public Optional<JsonObject> lastTaskFailure(String appId) {
    return Optional.ofNullable(lastFailures.get(appId));
  }

  public List<RunningDeployment> deploymentsOf(String appId) {
    return deployments.values().stream().filter(d -> d.plan().affectedApps().contains(appId)).toList();
  }

  // ---- commands -----------------------------------------------------------------------------------

  /**
   * Changes the root group with {@code edit} (which may throw {@link MarathonException}) and starts the deployment
   * that gets there. {@code apiEvent}, when given, is published as {@code api_post_event}.
   */
  public Future<Change> update(UnaryOperator<Group> edit, boolean force, JsonObject apiEvent) {
    return update(edit, force, apiEvent, null);
  }

  /**
   * As {@link #update(UnaryOperator, boolean, JsonObject)}; with a {@code canary} policy the change must restart
   * exactly one app, and its new instances start as canaries beside the old ones (see {@link CanaryDeployment}).
   */
  public Future<Change> update(UnaryOperator<Group> edit, boolean force, JsonObject apiEvent, CanaryPolicy canary) {
    return serialized(() -> {
      Group original = root;
      Group target = prepare(original, edit.apply(original));
      DeploymentPlan plan = planner.plan(original, target);
      CanaryDeployment phase = null;
      if (canary != null) {
        List<DeploymentAction> actions = plan.steps().stream().flatMap(s -> s.actions().stream()).toList();
        if (actions.size() != 1 || !(actions.get(0) instanceof DeploymentAction.RestartApplication restart)) {
          throw MarathonException.notValid(List.of(new Violation("/canary", List.of(
              "a canary needs a change that restarts exactly one app (a new configuration), not " + actions.size()
                  + " actions " + actions.stream().map(DeploymentAction::action).toList()))));
        }
        if (canary.canaries() > restart.app().instances()) {
          throw MarathonException.notValid(List.of(new Violation("/canary", List.of(
              "must not be more than the app's " + restart.app().instances() + " instances"))));
        }
        phase = CanaryDeployment.begin(restart.appId(), canary, clock.instant());
      }
      return start(plan, force, apiEvent, phase);
    });
  }

  /** {@code POST /v2/deployments/{id}/promote}: the canaries are healthy, replace the remaining old instances. */
  public Future<RunningDeployment> promote(String deploymentId) {
    return serialized(() -> {
      RunningDeployment d = deployments.get(deploymentId);
      if (d == null) {
        throw MarathonException.notFound("DeploymentPlan " + deploymentId + " does not exist");
      }
      if (d.canary() == null) {
        throw new MarathonException(409, MarathonException.message("Deployment " + deploymentId
            + " has no canaries to promote"));
      }
      try {
        d.canary(d.canary().promote());
      } catch (IllegalStateException e) {
        throw new MarathonException(409, MarathonException.message(e.getMessage()));
      }
      publishCanary(d);
      reconcileSoon();
      return store.saveDeployment(d).map(v -> d);
    });
  }

  /** The plan {@code edit} would start, without starting it ({@code dryRun}). */
  public Future<DeploymentPlan> dryRun(UnaryOperator<Group> edit) {
    return serialized(() -> {
      Group target = prepare(root, edit.apply(root));
      return Future.succeededFuture(planner.plan(root, target));
    });
  }

  /** {@code POST /v2/apps/{id}/restart}: a new configuration version and a rolling restart of every instance. */
  public Future<Change> restart(String appId, boolean force) {
    return serialized(() -> {
      AppDefinition app = Groups.findApp(root, appId).orElseThrow(() -> MarathonException.appNotFound(appId));
      String version = versions.next();
      AppDefinition restarted = app.toBuilder().version(version)
          .versionInfo(new io.mezzo.marathon.model.VersionInfo(version, version)).build();
      Group target = Groups.withVersion(Groups.putApp(root, restarted), version);
      DeploymentPlan plan = new DeploymentPlan(java.util.UUID.randomUUID().toString(), version, root, target,
          List.of(new DeploymentStep(List.of(new DeploymentAction.RestartApplication(restarted)))));
      return start(plan, force, null, null);
    });
  }

  /**
   * {@code DELETE /v2/deployments/{id}}: with {@code force} the deployment just stops (instances stay as they are);
   * otherwise it stops and a new deployment reverts its apps to their state before it.
   */
  public Future<Change> cancel(String deploymentId, boolean force) {
    return serialized(() -> {
      RunningDeployment d = deployments.get(deploymentId);
      if (d == null) {
        throw MarathonException.notFound("DeploymentPlan " + deploymentId + " does not exist");
      }
      if (force) {
        return store.deleteDeployment(deploymentId).map(v -> {
          finish(d, false, "Deployment cancelled by request");
          return (Change) null;
        });
      }
      return rollback(d);
    });
  }

  /** Stops {@code d} and starts the deployment that reverts its apps. */
  private Future<Change> rollback(RunningDeployment d) {
    Group target = prepare(root, revert(root, d.plan()));
    return start(planner.plan(root, target), true, null, null).compose(change -> {
      if (!deployments.containsKey(d.id())) {
        return Future.succeededFuture(change);
      }
      return store.deleteDeployment(d.id()).map(v -> {
        finish(d, false, "Deployment rolled back by '" + change.plan().id() + "'");
        return change;
      });
    });
  }

  /** Kills instances; with {@code scale} the app's {@code instances} shrinks by the number killed. */
  public Future<Change> kill(List<Instance> doomed, boolean scale, boolean force) {
    return serialized(() -> {
      if (!attached) {
        throw new MarathonException(503, MarathonException.message(
            "Marathon is reconciling its tasks with Mesos; try again shortly"));
      }
      Map<String, List<Instance>> byApp = new LinkedHashMap<>();
      doomed.forEach(i -> byApp.computeIfAbsent(i.appId(), k -> new ArrayList<>()).add(i));
      if (!scale) {
        byApp.forEach(driver::kill);
        return Future.succeededFuture((Change) null);
      }
      Group original = root;
      Group edited = original;
      for (Map.Entry<String, List<Instance>> e : byApp.entrySet()) {
        Optional<AppDefinition> app = Groups.findApp(edited, e.getKey());
        if (app.isPresent()) {
          int left = Math.max(0, app.get().instances() - e.getValue().size());
          edited = Groups.putApp(edited, app.get().toBuilder().instances(left).build());
        }
      }
      Group target = prepare(original, edited);
      DeploymentPlan plan = planner.plan(original, target);
      List<String> locked = DeploymentConflicts.conflicting(plan, deployments.values().stream().map(RunningDeployment::plan).toList());
      if (!locked.isEmpty() && !force) {
        throw MarathonException.locked(locked);
      }
      byApp.forEach(driver::kill);
      return start(plan, true, null, null);
    });
  }

  public void resetDelay(String appId) {
    backoff.reset(appId);
    reconcileSoon();
  }

  public Future<Void> setFrameworkId(String id) {
    return store.saveFrameworkId(id).onSuccess(v -> frameworkId = id);
  }

  private <T> Future<T> serialized(Supplier<Future<T>> command) {
    Future<T> result = commands.transform(ignored -> {
      if (closed) {
        return Future.failedFuture(new MarathonException(503, MarathonException.message("Leadership was lost")));
      }
      try {
        return command.get();
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    });
    commands = result;
    return result;
  }

  private Group prepare(Group original, Group edited) {
    String version = versions.next();
    Group target = Groups.withVersion(Groups.stamp(original, ServicePorts.assign(original, edited), version), version);
    List<Violation> violations = GroupValidator.validateRoot(target);
    if (!violations.isEmpty()) {
      throw MarathonException.notValid(violations);
    }
    return target;
  }

  /** {@code current} with every app {@code plan} touched put back as it was in the plan's original group. */
  static Group revert(Group current, DeploymentPlan plan) {
    Map<String, AppDefinition> before = Groups.apps(plan.original());
    Map<String, io.mezzo.marathon.model.PodDefinition> podsBefore = Groups.pods(plan.original());
    Map<String, io.mezzo.marathon.model.PodDefinition> podsNow = Groups.pods(current);
    Group out = current;
    for (String appId : plan.affectedApps()) {
      if (podsBefore.containsKey(appId) || podsNow.containsKey(appId)) {
        io.mezzo.marathon.model.PodDefinition old = podsBefore.get(appId);
        out = old == null ? Groups.removePod(out, appId) : Groups.putPod(out, old);
        continue;
      }
      AppDefinition old = before.get(appId);
      out = old == null ? Groups.removeApp(out, appId) : Groups.putApp(out, old);
    }
    return out;
  }

  private Future<Change> start(DeploymentPlan plan, boolean force, JsonObject apiEvent, CanaryDeployment canary) {
    List<DeploymentPlan> running = deployments.values().stream().map(RunningDeployment::plan).toList();
    DeploymentConflicts.Outcome outcome = DeploymentConflicts.check(plan, running, force);
    if (outcome instanceof DeploymentConflicts.Locked locked) {
      throw MarathonException.locked(locked.deploymentIds());
    }
    List<String> cancelled = outcome instanceof DeploymentConflicts.CancelThenStart c ? c.deploymentIds() : List.of();
    if (deployments.size() - cancelled.size() >= options.maxRunningDeployments()) {
      throw new MarathonException(403, MarathonException.message("Max number of running deployments is reached: "
          + options.maxRunningDeployments() + " (--max_running_deployments)"));
    }
    RunningDeployment fresh = new RunningDeployment(plan, 0, clock.instant());
    fresh.canary(canary);
    Group previous = root;
    List<Future<Void>> removals = new ArrayList<>();
    cancelled.forEach(id -> removals.add(store.deleteDeployment(id)));
    return Future.all(removals)
        .compose(v -> store.saveDeployment(fresh))
        .compose(v -> store.saveRoot(previous, plan.target()).recover(e -> store.deleteDeployment(plan.id())
            .transform(x -> Future.<Void>failedFuture(e))))
        .recover(e -> {
          LOG.warning("Storing deployment '" + plan.id() + "' failed: " + e);
          storeFailed.run();
          return Future.failedFuture(new MarathonException(503, MarathonException.message(
              "Could not store the change: " + e.getMessage())));
        })
        .map(v -> {
          for (String id : cancelled) {
            RunningDeployment old = deployments.get(id);
            if (old != null) {
              finish(old, false, "Deployment cancelled by deployment '" + plan.id() + "'");
            }
          }
          root = plan.target();
          deployments.put(plan.id(), fresh);
          trackDeadline(plan);
          if (apiEvent != null) {
            events.publish("api_post_event", apiEvent.put("timestamp", versions.now()));
          }
          events.publish("group_change_success", new JsonObject().put("groupId", "/").put("version", plan.version())
              .put("timestamp", versions.now()));
          publishDeployment("deployment_info", fresh, null);
          reconcileSoon();
          return new Change(plan, root);
        });
  }

  private void trackDeadline(DeploymentPlan plan) {
    if (!options.progressDeadline().isZero()) {
      deadlines.track(plan, options.progressDeadline());
    }
  }

  // ---- driving deployments ------------------------------------------------------------------------

  /**
   * Drives deployments and instance counts shortly: every change asks for it, and the changes of the next few
   * milliseconds (a burst of status updates) share one pass instead of one pass each.
   */
  private void reconcileSoon() {
    if (!reconcilePending && !closed) {
      reconcilePending = true;
      vertx.setTimer(RECONCILE_DELAY_MS, id -> {
        reconcilePending = false;
        reconcile();
      });
    }
  }

  private void tick() {
    if (closed) {
      return;
    }
    for (ProgressDeadlines.Expired expired : deadlines.expired()) {
      RunningDeployment d = deployments.get(expired.plan().id());
      if (d == null) {
        continue;
      }
      LOG.warning("Deployment '" + d.id() + "' made no progress since " + expired.lastProgress() + "; rolling back");
      serialized(() -> deployments.containsKey(d.id()) ? rollback(d) : Future.succeededFuture((Change) null))
          .onFailure(e -> LOG.warning("Rollback of '" + d.id() + "' failed: " + e.getMessage()));
    }
    driver.launchDue(this::appFor);
    expungeUnreachable();
    reconcile();
  }

  /** Forgets instances unreachable past their app's {@code expungeAfterSeconds}; a task coming back is killed. */
  private void expungeUnreachable() {
    java.time.Instant now = clock.instant();
    for (Instance i : List.copyOf(tracker.all())) {
      if (i.condition() == Condition.UNREACHABLE) {
        AppDefinition app = appFor(i.appId(), i.runSpecVersion());
        if (app == null || DeploymentDriver.expired(app, i, now)) {
          LOG.info("Expunging instance '" + i.instanceId() + "', unreachable since " + i.unreachableSince());
          tracker.transition(i, Condition.UNKNOWN);
        }
      }
    }
  }

  private AppDefinition appFor(String appId, String configVersion) {
    Optional<AppDefinition> current = Groups.findRunSpec(root, appId);
    if (current.isPresent() && configVersion.equals(Groups.configVersion(current.get()))) {
      return current.get();
    }
    for (RunningDeployment d : deployments.values()) {
      AppDefinition a = Groups.runSpecs(d.plan().original()).get(appId);
      if (a != null && configVersion.equals(Groups.configVersion(a))) {
        return a;
      }
    }
    return null;
  }

  private void reconcile() {
    if (closed || !attached) {
      return;
    }
    Set<String> busy = new HashSet<>();
    for (RunningDeployment d : List.copyOf(deployments.values())) {
      busy.addAll(d.plan().affectedApps());
      if (d.canary() != null && !driveCanary(d)) {
        continue;
      }
      boolean stepDone = true;
      while (stepDone && !d.isDone()) {
        List<DeploymentAction> actions = d.currentActions();
        for (DeploymentAction a : actions) {
          stepDone &= driver.drive(a);
        }
        if (stepDone) {
          publishDeployment("deployment_step_success", d, actions);
          for (DeploymentAction a : actions) {
            if (a instanceof DeploymentAction.StopApplication) {
              backoff.reset(a.appId());
              lastFailures.remove(a.appId());
              events.publish("app_terminated_event", new JsonObject().put("appId", a.appId())
                  .put("timestamp", versions.now()));
            }
          }
          d.advance();
          deadlines.progressed(d.id());
          if (!d.isDone()) {
            persist(store.saveDeployment(d));
            publishDeployment("deployment_info", d, null);
          }
        }
      }
      if (d.isDone()) {
        persist(store.deleteDeployment(d.id()));
        finish(d, true, null);
      }
    }
    for (AppDefinition app : Groups.runSpecs(root).values()) {
      if (!busy.contains(app.id())) {
        driver.keepCount(app);
      }
    }
    Set<String> known = Groups.runSpecs(root).keySet();
    for (String appId : List.copyOf(tracker.appIds())) {
      if (!known.contains(appId) && !busy.contains(appId)) {
        driver.kill(appId, tracker.ofApp(appId));
      }
    }
  }

  /**
   * One move of a canary deployment before its promotion: the canaries (new instances, at most {@code canaries})
   * start beside the old instances, nothing old is killed. Their health and failures move the canary phase; a
   * reverted phase rolls the deployment back. True once promoted: the rolling restart then goes on as usual.
   */
  private boolean driveCanary(RunningDeployment d) {
    CanaryDeployment before = d.canary();
    if (before.phase() == CanaryDeployment.Phase.PROMOTED) {
      return true;
    }
    if (before.phase() == CanaryDeployment.Phase.REVERTED) {
      return false;
    }
    AppDefinition app = d.currentActions().isEmpty() ? null : d.currentActions().get(0).app();
    if (app == null) {
      return true;
    }
    String config = Groups.configVersion(app);
    List<Instance> fresh = tracker.ofApp(app.id()).stream()
        .filter(i -> config.equals(i.runSpecVersion()) && i.condition() != Condition.KILLING).toList();
    int healthy = (int) fresh.stream().filter(i -> driver.ready(app, i)).count();
    int failures = canaryFailures.getOrDefault(d.id(), 0);
    canaryFailures.remove(d.id());
    CanaryDeployment after = before.onStatus(healthy, failures, clock.instant());
    d.canary(after);
    if (after.phase() != before.phase()) {
      publishCanary(d);
      persist(store.saveDeployment(d));
      deadlines.progressed(d.id());
    }
    if (after.phase() == CanaryDeployment.Phase.REVERTED) {
      LOG.warning(after.reason() + "; rolling back deployment '" + d.id() + "'");
      serialized(() -> deployments.containsKey(d.id()) ? rollback(d) : Future.succeededFuture((Change) null))
          .onFailure(e -> LOG.warning("Rollback of canary deployment '" + d.id() + "' failed: " + e.getMessage()));
      return false;
    }
    if (after.phase() == CanaryDeployment.Phase.PROMOTED) {
      return true;
    }
    if (after.phase() == CanaryDeployment.Phase.AWAITING_PROMOTION) {
      deadlines.progressed(d.id()); // waiting for a person is not a stuck deployment
    }
    if (fresh.size() < after.wantedCanaries()) {
      driver.schedule(app, after.wantedCanaries() - fresh.size());
    }
    return false;
  }

  private void publishCanary(RunningDeployment d) {
    events.publish("canary_status_changed_event", new JsonObject().put("deploymentId", d.id())
        .put("appId", d.canary().appId()).put("phase", d.canary().phase().name())
        .put("reason", d.canary().reason()).put("timestamp", versions.now()));
  }

  private void finish(RunningDeployment d, boolean success, String reason) {
    deployments.remove(d.id());
    deadlines.finished(d.id());
    JsonObject full = new JsonObject().put("id", d.id()).put("plan", Views.plan(d.plan(), false))
        .put("timestamp", versions.now());
    JsonObject light = new JsonObject().put("id", d.id()).put("plan", Views.plan(d.plan(), true))
        .put("timestamp", full.getString("timestamp"));
    if (!success) {
      full.put("reason", reason);
      light.put("reason", reason);
    }
    events.publish(success ? "deployment_success" : "deployment_failed", full, light);
  }

  private void publishDeployment(String type, RunningDeployment d, List<DeploymentAction> step) {
    List<DeploymentAction> actions = step != null ? step : d.currentActions();
    JsonObject currentStep = new JsonObject().put("actions", Views.actions(actions, false));
    String now = versions.now();
    events.publish(type,
        new JsonObject().put("plan", Views.plan(d.plan(), false)).put("currentStep", currentStep).put("timestamp", now),
        new JsonObject().put("plan", Views.plan(d.plan(), true)).put("currentStep", currentStep.copy())
            .put("timestamp", now));
  }

  // ---- instance changes ---------------------------------------------------------------------------

  @Override
  public void changed(Instance before, Instance after, StatusUpdate cause) {
    unwritten.put(after.instanceId(), after);
    if (!flushPending && !closed) {
      flushPending = true;
      vertx.setTimer(FLUSH_DELAY_MS, id -> flushInstances());
    }
    Optional<AppDefinition> app = Groups.findRunSpec(root, after.appId());
    if (attached) {
      health.instanceChanged(after);
      if (after.condition().isTerminal()) {
        readiness.forget(after.instanceId());
      }
    }
    if (before != null && after.healthy() != null && !after.healthy().equals(before.healthy())) {
      String now = versions.now();
      events.publish("instance_health_changed_event", new JsonObject().put("instanceId", after.instanceId())
          .put("runSpecId", after.appId()).put("runSpecVersion", after.appVersion()).put("healthy", after.healthy())
          .put("timestamp", now));
      events.publish("health_status_changed_event", new JsonObject().put("appId", after.appId())
          .put("instanceId", after.instanceId()).put("taskId", after.taskId()).put("version", after.appVersion())
          .put("alive", after.healthy()).put("timestamp", now));
    }
    if (cause == null && before != null && app.isPresent() && DeploymentDriver.healthy(app.get(), after)
        && !DeploymentDriver.healthy(app.get(), before)) {
      deploymentsOf(after.appId()).forEach(d -> deadlines.progressed(d.id()));
      reconcileSoon();
    }
    if (cause != null) {
      String now = versions.now();
      events.publish("status_update_event", new JsonObject().put("slaveId", after.agentId())
          .put("taskId", after.taskId()).put("taskStatus", after.condition().mesosState())
          .put("message", cause.message() == null ? "" : cause.message()).put("appId", after.appId())
          .put("host", after.host()).put("ipAddresses", new JsonArray()).put("ports", new JsonArray(after.ports()))
          .put("version", after.appVersion()).put("timestamp", now));
      events.publish("instance_changed_event", new JsonObject().put("instanceId", after.instanceId())
          .put("condition", condition(after.condition())).put("runSpecId", after.appId())
          .put("agentId", after.agentId()).put("host", after.host()).put("runSpecVersion", after.appVersion())
          .put("timestamp", now));
      if (after.condition().isFailure()) {
        for (RunningDeployment d : deploymentsOf(after.appId())) {
          if (d.canary() != null && !d.canary().isFinal() && !d.currentActions().isEmpty()
              && Groups.configVersion(d.currentActions().get(0).app()).equals(after.runSpecVersion())) {
            canaryFailures.merge(d.id(), 1, Integer::sum);
          }
        }
      }
      if (after.condition().isFailure() && app.isPresent()) {
        backoff.failed(app.get());
        lastFailures.put(after.appId(), new JsonObject().put("appId", after.appId()).put("host", after.host())
            .put("message", cause.message() == null ? "" : cause.message())
            .put("state", after.condition().mesosState()).put("taskId", after.taskId()).put("timestamp", now)
            .put("version", after.appVersion()).put("slaveId", after.agentId()));
      }
      if (after.condition() == Condition.RUNNING && app.isPresent()) {
        backoff.succeeded(app.get());
      }
      if (app.isPresent() && DeploymentDriver.healthy(app.get(), after)
          && (before == null || !DeploymentDriver.healthy(app.get(), before))) {
        deploymentsOf(after.appId()).forEach(d -> deadlines.progressed(d.id()));
      }
      reconcileSoon();
    }
  }

  /**
   * Writes every instance changed since the last flush once, in its latest state: an instance that went through
   * several conditions within a few milliseconds (scheduled, provisioned, staging) costs one write, not one each.
   */
  private void flushInstances() {
    flushPending = false;
    if (closed || flushInFlight || unwritten.isEmpty()) {
      return;
    }
    List<Instance> batch = List.copyOf(unwritten.values());
    unwritten.clear();
    flushInFlight = true;
    Future<Void> write = store.writeInstances(batch);
    currentFlush = write;
    persist(write);
    write.onComplete(ar -> {
      flushInFlight = false;
      if (ar.succeeded()) {
        flushInstances(); // what changed meanwhile, as one more batch
      }
    });
  }

  /** Writes every changed instance now; completes when none is waiting or in flight (for a graceful stop). */
  public Future<Void> flushNow() {
    if (closed || (!flushInFlight && unwritten.isEmpty())) {
      return Future.succeededFuture();
    }
    if (!flushInFlight) {
      flushInstances();
    }
    return currentFlush.transform(ar -> ar.failed() ? Future.failedFuture(ar.cause()) : flushNow());
  }

  /** Instance changes not yet confirmed by ZooKeeper (waiting for the next flush or in flight). */
  public int pendingWrites() {
    return unwritten.size() + store.pendingWrites();
  }

  private static String condition(Condition c) {
    String name = c.name();
    return name.charAt(0) + name.substring(1).toLowerCase(java.util.Locale.ROOT);
  }

  private void persist(Future<Void> write) {
    write.onFailure(e -> {
      if (!closed) {
        LOG.warning("State write failed: " + e);
        storeFailed.run();
      }
    });
  }
}
