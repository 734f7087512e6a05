package io.mezzo.metronome.schedule;

import java.time.Duration;

/**
 * Delay before relaunching a failed run: {@code initial * factor^(attempt-1)}, capped at {@code max}.
 * The defaults are Marathon's launch backoff (1 s growing by 15% per failure) with a 5 minute cap.
 */
public record Backoff(Duration initial, double factor, Duration max) {

  public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), 1.15, Duration.ofMinutes(5));

  public Backoff {
    if (initial.isNegative() || factor < 1 || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("Backoff needs initial >= 0, factor >= 1 and max >= initial");
    }
  }

  /** The delay after the {@code failedAttempt}-th failure (1-based). */
  public Duration after(int failedAttempt) {
    double millis = initial.toMillis() * Math.pow(factor, Math.max(0, failedAttempt - 1));
    return millis >= max.toMillis() ? max : Duration.ofMillis((long) millis);
  }
}
