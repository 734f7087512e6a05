package io.mezzo.marathon.deploy;

import io.mezzo.marathon.model.KillSelection;
import io.mezzo.marathon.model.UpgradeStrategy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The next move of a rolling restart, recomputed from scratch on every status change.
 *
 * <p>With {@code N} target instances: {@code minHealthy = ceil(N × minimumHealthCapacity)} and
 * {@code maxCapacity = floor(N × (1 + maximumOverCapacity))}. Old instances are kept only while they are needed
 * to hold {@code minHealthy} together with the healthy new ones ({@code keepOld = max(0, minHealthy − newHealthy)});
 * the others are killed, unhealthy ones first, then in {@code killSelection} order. New instances are started while
 * old + new stays within {@code maxCapacity} and the new count stays within {@code N}. When
 * {@code minHealthy ≥ maxCapacity} (for example (1, 0)) nothing could ever move, so one extra instance is allowed,
 * as Marathon does; for resident apps (which cannot run side by side) one old instance is killed instead.
 */
public final class RollingRestart {

  private RollingRestart() {
  }

  /** An instance of the previous version still alive. */
  public record OldInstance(String id, Instant startedAt, boolean healthy) {
  }

  /**
   * What the deployment sees now. {@code newLaunched} counts new instances staged or running (not failed);
   * {@code newHealthy} those of them healthy and ready.
   */
  public record State(int targetInstances, UpgradeStrategy strategy, KillSelection killSelection, boolean resident,
                      List<OldInstance> old, int newLaunched, int newHealthy) {
    public State {
      old = List.copyOf(old);
      if (targetInstances < 0 || newLaunched < 0 || newHealthy < 0 || newHealthy > newLaunched) {
        throw new IllegalArgumentException("inconsistent counts: target " + targetInstances + ", launched "
            + newLaunched + ", healthy " + newHealthy);
      }
    }
  }

  /** Start this many new instances and kill these old ones; {@code complete} when nothing is left to do. */
  public record Decision(int startNew, List<String> killOld, boolean complete) {
    public Decision {
      killOld = List.copyOf(killOld);
    }
  }

  public static int minHealthy(int instances, UpgradeStrategy strategy) {
    return (int) Math.ceil(instances * strategy.minimumHealthCapacity() - 1e-9);
  }

  public static int maxCapacity(int instances, UpgradeStrategy strategy) {
    return (int) Math.floor(instances * (1 + strategy.maximumOverCapacity()) + 1e-9);
  }

  public static Decision decide(State s) {
    int n = s.targetInstances();
    if (s.newHealthy() >= n && s.old().isEmpty()) {
      return new Decision(0, List.of(), true);
    }
    int minHealthy = minHealthy(n, s.strategy());
    int maxCapacity = maxCapacity(n, s.strategy());
    int keepOld = Math.min(s.old().size(), Math.max(0, minHealthy - s.newHealthy()));
    if (s.newHealthy() >= n) {
      keepOld = 0;
    }
    if (n > 0 && minHealthy >= maxCapacity && keepOld + s.newLaunched() >= maxCapacity
        && s.newLaunched() == s.newHealthy()) {
      if (s.resident()) {
        keepOld = Math.max(0, keepOld - 1);
      } else {
        maxCapacity = keepOld + s.newLaunched() + 1;
      }
    }
    List<OldInstance> order = killOrder(s.old(), s.killSelection());
    List<String> kill = new ArrayList<>();
    for (int i = 0; i < s.old().size() - keepOld; i++) {
      kill.add(order.get(i).id());
    }
    int alive = keepOld + s.newLaunched();
    int start = Math.max(0, Math.min(n - s.newLaunched(), maxCapacity - alive));
    return new Decision(start, kill, false);
  }

  /** Old instances in the order they should die: unhealthy first, then by kill selection. */
  static List<OldInstance> killOrder(List<OldInstance> old, KillSelection selection) {
    Comparator<OldInstance> byAge = Comparator.comparing(OldInstance::startedAt);
    if (selection == KillSelection.YOUNGEST_FIRST) {
      byAge = byAge.reversed();
    }
    Comparator<OldInstance> order = Comparator.comparing((OldInstance o) -> o.healthy()).thenComparing(byAge);
    List<OldInstance> sorted = new ArrayList<>(old);
    sorted.sort(order.thenComparing(OldInstance::id));
    return sorted;
  }
}
