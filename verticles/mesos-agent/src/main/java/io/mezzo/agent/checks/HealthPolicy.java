package io.mezzo.agent.checks;

import java.time.Duration;
import java.time.Instant;
import org.apache.mesos.v1.Protos.HealthCheck;

/**
 * Mesos's health-check bookkeeping, without I/O or timers. Failures while the task is still
 * initializing (no success yet) and within {@code grace_period_seconds} of the checker's start are
 * ignored. Otherwise the first failure and every failure from the {@code consecutive_failures}-th
 * on are reported unhealthy, the latter with a kill. A success is reported (healthy) when it is the
 * first one or ends a run of failures. Not thread-safe.
 */
public final class HealthPolicy {
  /** What to tell the executor after a check: nothing, or a health change (and maybe a kill). */
  public record Decision(boolean report, boolean healthy, boolean kill) {
    static final Decision NONE = new Decision(false, false, false);
  }

  private final Instant start;
  private final Duration grace;
  private final int threshold;
  private boolean initializing = true;
  private int consecutiveFailures;

  public HealthPolicy(HealthCheck check, Instant start) {
    this.start = start;
    this.grace = Checks.duration(check.getGracePeriodSeconds());
    this.threshold = Math.max(1, check.getConsecutiveFailures());
  }

  public Decision success() {
    boolean report = initializing || consecutiveFailures > 0;
    initializing = false;
    consecutiveFailures = 0;
    return report ? new Decision(true, true, false) : Decision.NONE;
  }

  public Decision failure(Instant now) {
    if (initializing && Duration.between(start, now).compareTo(grace) <= 0) {
      return Decision.NONE;
    }
    consecutiveFailures++;
    boolean kill = consecutiveFailures >= threshold;
    return consecutiveFailures == 1 || kill ? new Decision(true, false, kill) : Decision.NONE;
  }

  public int consecutiveFailures() {
    return consecutiveFailures;
  }
}
