package io.mezzo.agent.checks;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import org.apache.mesos.v1.Protos.HealthCheck;

/**
 * Runs one task's health check with Vert.x timers: the first attempt after {@code delay_seconds},
 * each next one {@code interval_seconds} after the previous attempt ended, each bounded by
 * {@code timeout_seconds}; the {@link HealthPolicy} decides what is reported. After a kill decision
 * no further attempt is made. Create, start and stop it on the agent's event loop.
 */
public final class HealthChecker {
  /** Told about health changes, on the event loop. */
  @FunctionalInterface
  public interface Listener {
    void healthChanged(boolean healthy, boolean kill, String message);
  }

  private final Vertx vertx;
  private final Clock clock;
  private final HealthCheck check;
  private final Probe probe;
  private final Listener listener;
  private HealthPolicy policy;
  private long timer = -1;
  private boolean stopped;
  private int attempts;

  public HealthChecker(Vertx vertx, Clock clock, HealthCheck check, Probe probe, Listener listener) {
    this.vertx = vertx;
    this.clock = clock;
    this.check = check;
    this.probe = probe;
    this.listener = listener;
  }

  public void start() {
    policy = new HealthPolicy(check, clock.instant());
    schedule(Checks.duration(check.getDelaySeconds()));
  }

  /** No further attempt; the result of one in progress is dropped. Idempotent. */
  public void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  /** Attempts finished so far. */
  public int attempts() {
    return attempts;
  }

  private void schedule(Duration after) {
    if (stopped) {
      return;
    }
    timer = vertx.setTimer(Math.max(1, after.toMillis()), id -> {
      timer = -1;
      attempt();
    });
  }

  private void attempt() {
    if (stopped) {
      return;
    }
    probe.run(Checks.duration(check.getTimeoutSeconds())).onComplete(ar -> {
      if (stopped) {
        return;
      }
      attempts++;
      HealthPolicy.Decision d = ar.succeeded() ? policy.success() : policy.failure(clock.instant());
      if (d.report()) {
        String message = d.healthy() ? null : check.getType() + " health check failed: " + ar.cause().getMessage();
        if (d.kill()) {
          message = "Task failed " + policy.consecutiveFailures() + " consecutive health checks; last: " + ar.cause().getMessage();
        }
        listener.healthChanged(d.healthy(), d.kill(), message);
      }
      if (d.kill()) {
        stop();
      } else {
        schedule(Checks.duration(check.getIntervalSeconds()));
      }
    });
  }
}
