package io.mezzo.marathon.core;

import io.mezzo.marathon.deploy.DeploymentAction;
import io.mezzo.marathon.deploy.RollingRestart;
import io.mezzo.marathon.launch.LaunchBackoff;
import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.KillSelection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Moves instances towards what a deployment action (or, outside deployments, the app definition) wants:
 * schedules and launches new instances, kills surplus or old ones. Every call looks at the current instances
 * afresh, so calling it again after any change is always safe.
 *
 * <pre>
 *   Start/Scale n : schedule until n alive, kill surplus (not yet launched first, then by killSelection)
 *                   done when n alive, n ready, none killing
 *   Restart       : RollingRestart.decide(old, new) → schedule startNew, kill killOld; done when decide is complete
 *   Stop          : kill all; done when none left
 * </pre>
 *
 * "Alive" excludes instances being killed and instances unreachable for longer than the app's
 * {@code unreachableStrategy.inactiveAfterSeconds} (they are replaced; {@code "disabled"} never replaces them);
 * "ready" is running, healthy (when the app has health checks) and past its readiness checks (when it has any).
 */
final class DeploymentDriver {

  private final InstanceTracker tracker;
  private final InstanceLauncher launcher;
  private final LaunchBackoff backoff;
  private final java.time.Clock clock;
  /** Readiness checks of running, healthy instances (all pass by default). */
  private java.util.function.BiPredicate<AppDefinition, Instance> readiness = (app, i) -> true;

  DeploymentDriver(InstanceTracker tracker, InstanceLauncher launcher, LaunchBackoff backoff, java.time.Clock clock) {
    this.tracker = tracker;
    this.launcher = launcher;
    this.backoff = backoff;
    this.clock = clock;
  }

  void readiness(java.util.function.BiPredicate<AppDefinition, Instance> check) {
    this.readiness = check;
  }

  /** Counts towards the app's instances: not being killed, and not unreachable past its inactive time. */
  private boolean counted(AppDefinition app, Instance i) {
    return i.condition() != Condition.KILLING && !inactive(app, i, clock.instant());
  }

  /** Unreachable for at least {@code inactiveAfterSeconds} (never with the strategy {@code "disabled"}). */
  static boolean inactive(AppDefinition app, Instance i, Instant now) {
    return i.condition() == Condition.UNREACHABLE && i.unreachableSince() != null
        && app.unreachableStrategy() instanceof io.mezzo.marathon.model.UnreachableStrategy.Enabled e
        && !Instant.parse(i.unreachableSince()).plusSeconds(e.inactiveAfterSeconds()).isAfter(now);
  }

  /** Unreachable for at least {@code expungeAfterSeconds}: Marathon forgets it (never with {@code "disabled"}). */
  static boolean expired(AppDefinition app, Instance i, Instant now) {
    return i.condition() == Condition.UNREACHABLE && i.unreachableSince() != null
        && app.unreachableStrategy() instanceof io.mezzo.marathon.model.UnreachableStrategy.Enabled e
        && !Instant.parse(i.unreachableSince()).plusSeconds(e.expungeAfterSeconds()).isAfter(now);
  }

  /** One move of {@code action}; true when the action is complete. */
  boolean drive(DeploymentAction action) {
    AppDefinition app = action.app();
    List<Instance> all = tracker.ofApp(app.id());
    boolean killing = all.stream().anyMatch(i -> i.condition() == Condition.KILLING);
    List<Instance> alive = all.stream().filter(i -> counted(app, i)).toList();
    if (action instanceof DeploymentAction.StopApplication) {
      kill(app.id(), alive);
      return all.isEmpty();
    }
    if (action instanceof DeploymentAction.RestartApplication) {
      return restart(app, alive) && !killing;
    }
    int target = action instanceof DeploymentAction.StartApplication s ? s.scaleTo()
        : ((DeploymentAction.ScaleApplication) action).scaleTo();
    scaleTo(app, alive, target);
    long ready = tracker.ofApp(app.id()).stream().filter(i -> ready(app, i)).count();
    return !killing && alive.size() == target && ready == target;
  }

  /** Outside deployments: keep {@code instances} alive (relaunching lost ones), kill surplus. */
  void keepCount(AppDefinition app) {
    List<Instance> alive = tracker.ofApp(app.id()).stream().filter(i -> counted(app, i)).toList();
    scaleTo(app, alive, app.instances());
  }

  private void scaleTo(AppDefinition app, List<Instance> alive, int target) {
    if (alive.size() < target) {
      schedule(app, target - alive.size());
    } else if (alive.size() > target) {
      kill(app.id(), killOrder(alive, app.killSelection()).subList(0, alive.size() - target));
    }
  }

  private boolean restart(AppDefinition app, List<Instance> alive) {
    String config = Groups.configVersion(app);
    List<RollingRestart.OldInstance> old = new ArrayList<>();
    int launched = 0;
    int healthy = 0;
    for (Instance i : alive) {
      if (config.equals(i.runSpecVersion())) {
        launched++;
        healthy += ready(app, i) ? 1 : 0;
      } else {
        old.add(new RollingRestart.OldInstance(i.instanceId(), started(i), ready(app, i)));
      }
    }
    RollingRestart.Decision decision = RollingRestart.decide(new RollingRestart.State(app.instances(),
        app.upgradeStrategy(), app.killSelection(), app.isResident(), old, launched, healthy));
    List<Instance> doomed = alive.stream().filter(i -> decision.killOld().contains(i.instanceId())).toList();
    kill(app.id(), doomed);
    schedule(app, decision.startNew());
    return decision.complete();
  }

  /** Running, and healthy when the app has health checks. */
  static boolean healthy(AppDefinition app, Instance i) {
    return i.isReady(!app.healthChecks().isEmpty());
  }

  /** Running, healthy when the app has health checks, and past its readiness checks when it has any. */
  boolean ready(AppDefinition app, Instance i) {
    return i.isReady(!app.healthChecks().isEmpty()) && readiness.test(app, i);
  }

  private static Instant started(Instance i) {
    String at = i.startedAt() != null ? i.startedAt() : i.createdAt();
    return Instant.parse(at);
  }

  /** Surplus order: not launched first, then unhealthy, then by kill selection. */
  static List<Instance> killOrder(List<Instance> alive, KillSelection selection) {
    Comparator<Instance> byAge = Comparator.comparing(DeploymentDriver::started);
    if (selection == KillSelection.YOUNGEST_FIRST) {
      byAge = byAge.reversed();
    }
    Comparator<Instance> order = Comparator.comparing((Instance i) -> i.condition().isLaunched())
        .thenComparing(i -> Boolean.TRUE.equals(i.healthy()))
        .thenComparing(byAge);
    List<Instance> sorted = new ArrayList<>(alive);
    sorted.sort(order);
    return sorted;
  }

  void schedule(AppDefinition app, int count) {
    if (count <= 0) {
      return;
    }
    List<Instance> fresh = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      fresh.add(tracker.schedule(app));
    }
    if (!backoff.isDelayed(app)) {
      launch(app, fresh);
    }
  }

  /** Launches scheduled instances whose backoff has passed; {@code lookup} finds the app of a config version. */
  void launchDue(BiFunction<String, String, AppDefinition> lookup) {
    List<Instance> scheduled = tracker.all().stream().filter(i -> i.condition() == Condition.SCHEDULED).toList();
    for (Instance i : scheduled) {
      AppDefinition app = lookup.apply(i.appId(), i.runSpecVersion());
      if (app == null) {
        tracker.transition(i, Condition.KILLED);
      } else if (!backoff.isDelayed(app)) {
        launch(app, List.of(i));
      }
    }
  }

  private void launch(AppDefinition app, List<Instance> instances) {
    List<Instance> provisioned = new ArrayList<>();
    for (Instance i : instances) {
      provisioned.add(tracker.transition(i, Condition.PROVISIONED));
    }
    launcher.launch(app, provisioned);
  }

  /** Kills instances: launched ones go to KILLING until the launcher confirms; the others end at once. */
  void kill(String appId, List<Instance> instances) {
    List<Instance> toLauncher = new ArrayList<>();
    for (Instance i : instances) {
      if (i.condition() == Condition.KILLING) {
        continue;
      }
      if (i.condition().isLaunched()) {
        toLauncher.add(tracker.transition(i, Condition.KILLING));
      } else {
        if (i.condition() == Condition.PROVISIONED) {
          toLauncher.add(i);
        }
        tracker.transition(i, Condition.KILLED);
      }
    }
    if (!toLauncher.isEmpty()) {
      launcher.kill(appId, toLauncher);
    }
  }
}
