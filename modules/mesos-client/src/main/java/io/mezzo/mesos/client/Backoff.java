package io.mezzo.mesos.client;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Reconnect delays: {@code initial} doubling per failed attempt up to {@code max}, then reduced by a
 * random fraction of at most {@code jitter} so that many clients do not reconnect in lockstep.
 * The defaults (1 s doubling to 15 s, jitter 0.5) follow Mesos's scheduler HTTP API advice.
 *
 * @param initial delay before the first reconnect attempt (positive)
 * @param max     cap on the un-jittered delay (at least {@code initial})
 * @param jitter  fraction in [0, 1]: the delay is {@code d * (1 - jitter * r)} for a uniform r in [0, 1)
 */
public record Backoff(Duration initial, Duration max, double jitter) {

  public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(15), 0.5);

  public Backoff {
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("initial backoff must be positive, got " + initial);
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("max backoff " + max + " is below initial " + initial);
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be in [0, 1], got " + jitter);
    }
  }

  /** The delay before attempt number {@code attempt} (0 for the first retry). */
  public Duration delay(int attempt, DoubleSupplier random) {
    long initialNanos = initial.toNanos();
    long maxNanos = max.toNanos();
    long base = initialNanos;
    for (int i = 0; i < attempt && base < maxNanos; i++) {
      base = base > maxNanos / 2 ? maxNanos : base * 2;
    }
    base = Math.min(base, maxNanos);
    double r = Math.min(Math.max(random.getAsDouble(), 0), 1);
    return Duration.ofNanos((long) (base * (1 - jitter * r)));
  }
}
