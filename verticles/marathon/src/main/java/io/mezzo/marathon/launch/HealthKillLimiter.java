package io.mezzo.marathon.launch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rations kills of instances that failed their health checks, so that a slow checker or an overloaded node cannot
 * kill a whole service at once (Marathon issue #3317). Three limits apply, the tightest wins:
 * <ol>
 *   <li>at most {@code perAppLimit} health kills per app within any sliding {@code interval};</li>
 *   <li>at most {@code clusterLimit} health kills over all apps within the same window;</li>
 *   <li>instances that are alive and not being replaced stay at or above {@code ceil(instances ×
 *       minimumHealthCapacity)}; at least one replacement may always be in flight, otherwise an app running at
 *       exactly its minimum (a single instance with the default capacity 1.0) could never recover.</li>
 * </ol>
 * Kills that are refused are simply asked for again on the next health report. Not thread-safe: owned by the
 * health manager's event loop.
 */
public final class HealthKillLimiter {

  private final Clock clock;
  private final int perAppLimit;
  private final int clusterLimit;
  private final Duration interval;
  private final Map<String, Deque<Instant>> perApp = new HashMap<>();
  private final Deque<Instant> cluster = new ArrayDeque<>();

  public HealthKillLimiter(Clock clock, int perAppLimit, int clusterLimit, Duration interval) {
    if (perAppLimit < 1 || clusterLimit < 1 || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("limits must be at least 1 and the interval positive");
    }
    this.clock = clock;
    this.perAppLimit = perAppLimit;
    this.clusterLimit = clusterLimit;
    this.interval = interval;
  }

  /**
   * The app's situation at a health report. {@code alive} counts instances not yet killed (running or staging);
   * {@code inFlight} counts instances killed for health whose replacement is not healthy yet;
   * {@code unhealthy} lists kill candidates, most urgent first.
   */
  public record Request(String appId, int instances, double minimumHealthCapacity, int alive, int inFlight,
                        List<String> unhealthy) {
    public Request {
      unhealthy = List.copyOf(unhealthy);
    }
  }

  /** Returns the candidates that may be killed now and counts them against the limits. */
  public List<String> permit(Request r) {
    Instant now = clock.instant();
    Deque<Instant> app = perApp.computeIfAbsent(r.appId(), id -> new ArrayDeque<>());
    expire(app, now);
    expire(cluster, now);
    int floor = (int) Math.ceil(r.instances() * r.minimumHealthCapacity() - 1e-9);
    int byCapacity = Math.max(r.alive() - r.inFlight() - floor, r.inFlight() == 0 ? 1 : 0);
    int allowed = Math.min(Math.min(perAppLimit - app.size(), clusterLimit - cluster.size()), byCapacity);
    allowed = Math.max(0, Math.min(allowed, r.unhealthy().size()));
    List<String> out = new ArrayList<>(r.unhealthy().subList(0, allowed));
    for (int i = 0; i < allowed; i++) {
      app.addLast(now);
      cluster.addLast(now);
    }
    if (app.isEmpty()) {
      perApp.remove(r.appId());
    }
    return out;
  }

  /** Kills still counted for {@code appId} in the current window. */
  public int recentKills(String appId) {
    Deque<Instant> app = perApp.get(appId);
    if (app == null) {
      return 0;
    }
    expire(app, clock.instant());
    return app.size();
  }

  private void expire(Deque<Instant> window, Instant now) {
    while (!window.isEmpty() && !window.peekFirst().plus(interval).isAfter(now)) {
      window.pollFirst();
    }
  }
}
