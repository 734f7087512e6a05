package io.mezzo.marathon.core;

import io.mezzo.marathon.model.AppDefinition;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The instances Marathon knows, by instance id. Status updates from the {@link InstanceLauncher} arrive through
 * {@link #statusUpdate}; every change goes to the {@link Listener} (which persists it and publishes events).
 * Terminal instances are expunged right after their last change. Owned by the verticle's event loop.
 */
public final class InstanceTracker implements InstanceLauncher.StatusListener {

  /** Told of every change; {@code after} is terminal when the instance ended, {@code before} null when new. */
  public interface Listener {
    void changed(Instance before, Instance after, StatusUpdate cause);
  }

  private final Clock clock;
  private final Listener listener;
  private final Map<String, Instance> instances = new LinkedHashMap<>();
  /** The same instances by app id, so per-app lookups do not walk every instance. */
  private final Map<String, Map<String, Instance>> byApp = new java.util.HashMap<>();

  public InstanceTracker(Clock clock, Listener listener) {
    this.clock = clock;
    this.listener = listener;
  }

  public void load(Collection<Instance> loaded) {
    loaded.forEach(this::put);
  }

  public Collection<Instance> all() {
    return instances.values();
  }

  public Optional<Instance> get(String instanceOrTaskId) {
    return Optional.ofNullable(instances.get(Instance.instanceIdOf(instanceOrTaskId)));
  }

  public List<Instance> ofApp(String appId) {
    Map<String, Instance> of = byApp.get(appId);
    return of == null ? new ArrayList<>() : new ArrayList<>(of.values());
  }

  /** The ids of apps with at least one instance. */
  public java.util.Set<String> appIds() {
    return byApp.keySet();
  }

  private void put(Instance i) {
    instances.put(i.instanceId(), i);
    byApp.computeIfAbsent(i.appId(), k -> new LinkedHashMap<>()).put(i.instanceId(), i);
  }

  private void remove(Instance i) {
    instances.remove(i.instanceId());
    Map<String, Instance> of = byApp.get(i.appId());
    if (of != null) {
      of.remove(i.instanceId());
      if (of.isEmpty()) {
        byApp.remove(i.appId());
      }
    }
  }

  /** A new instance of {@code app} waiting for launch. */
  public Instance schedule(AppDefinition app) {
    String id = MarathonIds.safe(app.id()) + ".instance-" + UUID.randomUUID();
    Instance instance = new Instance(id, app.id(), Groups.configVersion(app), app.version(), Condition.SCHEDULED,
        null, null, null, List.of(), Versions.format(clock.instant()), null, null, 1);
    put(instance);
    listener.changed(null, instance, null);
    return instance;
  }

  /** Moves an instance to a new condition decided by Marathon itself (provisioned, killing, expunged). */
  public Instance transition(Instance instance, Condition next) {
    Instance after = instance.with(next, instance.healthy());
    apply(instance, after, null);
    return after;
  }

  /** Records a health result of Marathon's own checks for a running instance. */
  public void health(Instance instance, boolean healthy) {
    Instance before = instances.get(instance.instanceId());
    if (before == null || before.condition() != Condition.RUNNING || Boolean.valueOf(healthy).equals(before.healthy())) {
      return;
    }
    apply(before, before.with(before.condition(), healthy), null);
  }

  @Override
  public void statusUpdate(StatusUpdate u) {
    Instance before = instances.get(Instance.instanceIdOf(u.instanceId()));
    if (before == null || before.condition().isTerminal()) {
      return;
    }
    String now = Versions.format(clock.instant());
    // an update without a health result keeps the last one (Marathon's own checks, reconciliation answers)
    Boolean healthy = u.condition() == Condition.RUNNING
        ? (u.healthy() != null || before.condition() != Condition.RUNNING ? u.healthy() : before.healthy())
        : u.condition().isTerminal() ? null : before.healthy();
    Instance after = before.with(u.condition(), healthy).placed(
        u.agentId() != null ? u.agentId() : before.agentId(),
        u.host() != null ? u.host() : before.host(),
        u.ports() != null ? u.ports() : before.ports(),
        before.stagedAt() == null && u.condition().isLaunched() ? now : before.stagedAt(),
        before.startedAt() == null && u.condition() == Condition.RUNNING ? now : before.startedAt());
    if (after.condition() == Condition.UNREACHABLE) {
      after = after.unreachable(now);
    }
    if (after.equals(before)) {
      return;
    }
    apply(before, after, u);
  }

  private void apply(Instance before, Instance after, StatusUpdate cause) {
    if (after.condition().isTerminal()) {
      remove(after);
    } else {
      put(after);
    }
    listener.changed(before, after, cause);
  }
}
