package io.mezzo.marathon.deploy;

import java.time.Duration;

/**
 * How a canary deployment behaves (a Mezzo addition; Marathon has none). {@code canaries} new instances run beside
 * the old ones. They must all be healthy within {@code healthyDeadline}; once they have stayed healthy for
 * {@code minHealthyTime} the deployment promotes itself if {@code autoPromote}, otherwise it waits for
 * {@link CanaryDeployment#promote}. {@code maxFailures} failed canary launches revert the deployment.
 */
public record CanaryPolicy(int canaries, Duration minHealthyTime, Duration healthyDeadline, boolean autoPromote,
                           int maxFailures) {

  public CanaryPolicy {
    if (canaries < 1 || maxFailures < 1 || minHealthyTime.isNegative() || healthyDeadline.isNegative()) {
      throw new IllegalArgumentException("canaries and maxFailures must be at least 1, durations not negative");
    }
  }
}
