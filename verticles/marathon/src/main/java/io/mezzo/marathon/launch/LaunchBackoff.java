package io.mezzo.marathon.launch;

import io.mezzo.marathon.model.AppDefinition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Launch backoff per app: after the n-th consecutive failed launch (n ≥ 1) the next launch waits
 * {@code backoffSeconds × backoffFactor^(n−1)}, at most {@code maxLaunchDelaySeconds}. A new app configuration
 * (any change other than scaling) or {@link #reset} ({@code DELETE /v2/queue/{id}/delay}) clears it; a launch
 * that reaches running clears it too. Not thread-safe: owned by the launch queue's event loop.
 */
public final class LaunchBackoff {

  private final Clock clock;
  private final Map<String, Entry> entries = new HashMap<>();

  public LaunchBackoff(Clock clock) {
    this.clock = clock;
  }

  private record Entry(AppDefinition config, int failures, Instant until) {
  }

  /** The delay after {@code failures} consecutive failures; zero for none. Pure. */
  public static Duration delayAfter(AppDefinition app, int failures) {
    if (failures <= 0) {
      return Duration.ZERO;
    }
    double seconds = app.backoffSeconds() * Math.pow(app.backoffFactor(), failures - 1.0);
    double capped = Double.isFinite(seconds) ? Math.min(seconds, app.maxLaunchDelaySeconds())
        : app.maxLaunchDelaySeconds();
    return Duration.ofMillis(Math.round(Math.max(0, capped) * 1000));
  }

  /** Records a failed launch (or a kill for failing health checks) and returns the new delay. */
  public Duration failed(AppDefinition app) {
    Entry current = current(app);
    int failures = current == null ? 1 : current.failures() + 1;
    Duration delay = delayAfter(app, failures);
    entries.put(app.id(), new Entry(app.configKey(), failures, clock.instant().plus(delay)));
    return delay;
  }

  /** A launch of {@code app} reached running: the next failure starts from {@code backoffSeconds} again. */
  public void succeeded(AppDefinition app) {
    entries.remove(app.id());
  }

  public void reset(String appId) {
    entries.remove(appId);
  }

  /** Time until {@code app} may launch again; zero when it may launch now. */
  public Duration timeLeft(AppDefinition app) {
    Entry e = current(app);
    if (e == null) {
      return Duration.ZERO;
    }
    Duration left = Duration.between(clock.instant(), e.until());
    return left.isNegative() ? Duration.ZERO : left;
  }

  public boolean isDelayed(AppDefinition app) {
    return !timeLeft(app).isZero();
  }

  public int failures(AppDefinition app) {
    Entry e = current(app);
    return e == null ? 0 : e.failures();
  }

  private Entry current(AppDefinition app) {
    Entry e = entries.get(app.id());
    if (e != null && !e.config().equals(app.configKey())) {
      entries.remove(app.id());
      return null;
    }
    return e;
  }
}
