package io.mezzo.marathon.deploy;

import java.time.Duration;
import java.time.Instant;

/**
 * The state of one canary deployment, an immutable value: every method returns the next state.
 *
 * <pre>
 *   LAUNCHING ──all canaries healthy──▶ AWAITING_PROMOTION ──promote / auto after minHealthyTime──▶ PROMOTED
 *       │  ▲───────a canary turns unhealthy────┘                                   (rolling restart continues)
 *       └──failures ≥ maxFailures, healthyDeadline passed, or revert()──▶ REVERTED (kill canaries, roll back)
 * </pre>
 *
 * PROMOTED and REVERTED are final; events after them leave the state unchanged.
 */
public record CanaryDeployment(String appId, CanaryPolicy policy, Phase phase, Instant startedAt,
                               Instant healthySince, int failures, String reason) {

  public enum Phase { LAUNCHING, AWAITING_PROMOTION, PROMOTED, REVERTED }

  public static CanaryDeployment begin(String appId, CanaryPolicy policy, Instant now) {
    return new CanaryDeployment(appId, policy, Phase.LAUNCHING, now, null, 0, null);
  }

  public boolean isFinal() {
    return phase == Phase.PROMOTED || phase == Phase.REVERTED;
  }

  /** How many canaries should be running (launched and not failed) now. */
  public int wantedCanaries() {
    return phase == Phase.REVERTED ? 0 : policy.canaries();
  }

  /** Reports the canaries' health and the failures seen since the last report. */
  public CanaryDeployment onStatus(int healthyCanaries, int newFailures, Instant now) {
    if (isFinal()) {
      return this;
    }
    int totalFailures = failures + newFailures;
    if (totalFailures >= policy.maxFailures()) {
      return revertedBecause(totalFailures, "Canaries of '" + appId + "' failed " + totalFailures + " times");
    }
    if (healthyCanaries >= policy.canaries()) {
      Instant since = healthySince == null ? now : healthySince;
      return new CanaryDeployment(appId, policy, Phase.AWAITING_PROMOTION, startedAt, since, totalFailures, null)
          .tick(now);
    }
    return new CanaryDeployment(appId, policy, Phase.LAUNCHING, startedAt, null, totalFailures, null).tick(now);
  }

  /** Applies the passage of time: the healthy deadline and automatic promotion. */
  public CanaryDeployment tick(Instant now) {
    if (phase == Phase.LAUNCHING && !now.isBefore(startedAt.plus(policy.healthyDeadline()))) {
      return revertedBecause(failures, "Canaries of '" + appId + "' were not healthy within "
          + policy.healthyDeadline().toSeconds() + " s");
    }
    if (phase == Phase.AWAITING_PROMOTION && policy.autoPromote() && healthyFor(now)) {
      return withPhase(Phase.PROMOTED, null);
    }
    return this;
  }

  /**
   * Manual promotion. Throws {@link IllegalStateException} unless all canaries are healthy (AWAITING_PROMOTION);
   * promoting an already promoted deployment is a no-op.
   */
  public CanaryDeployment promote() {
    if (phase == Phase.PROMOTED) {
      return this;
    }
    if (phase != Phase.AWAITING_PROMOTION) {
      throw new IllegalStateException("Canaries of '" + appId + "' cannot be promoted in phase " + phase);
    }
    return withPhase(Phase.PROMOTED, null);
  }

  /** Manual revert; a no-op once final. */
  public CanaryDeployment revert() {
    return isFinal() ? this : revertedBecause(failures, "Canaries of '" + appId + "' reverted by request");
  }

  private boolean healthyFor(Instant now) {
    return healthySince != null && !Duration.between(healthySince, now).minus(policy.minHealthyTime()).isNegative();
  }

  private CanaryDeployment withPhase(Phase next, String why) {
    return new CanaryDeployment(appId, policy, next, startedAt, healthySince, failures, why);
  }

  private CanaryDeployment revertedBecause(int totalFailures, String why) {
    return new CanaryDeployment(appId, policy, Phase.REVERTED, startedAt, healthySince, totalFailures, why);
  }
}
