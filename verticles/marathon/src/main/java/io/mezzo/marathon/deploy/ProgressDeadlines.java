package io.mezzo.marathon.deploy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Progress deadlines of running deployments (a Mezzo addition against Marathon's deployments that wait forever).
 * A deployment whose last progress — start, a finished step, or a new instance becoming healthy/ready — lies
 * {@code deadline} or more in the past has failed; {@link #expired()} hands back its plan with the rollback plan.
 * Not thread-safe: owned by the deployment manager's event loop.
 */
public final class ProgressDeadlines {

  private final Clock clock;
  private final DeploymentPlanner planner;
  private final Map<String, Tracked> tracked = new LinkedHashMap<>();

  public ProgressDeadlines(Clock clock, DeploymentPlanner planner) {
    this.clock = clock;
    this.planner = planner;
  }

  private record Tracked(DeploymentPlan plan, Duration deadline, Instant lastProgress) {
  }

  /** A deployment that missed its deadline and the plan that reverts it. */
  public record Expired(DeploymentPlan plan, DeploymentPlan rollback, Instant lastProgress) {
  }

  public void track(DeploymentPlan plan, Duration deadline) {
    tracked.put(plan.id(), new Tracked(plan, deadline, clock.instant()));
  }

  /** Records progress; a no-op for unknown ids. */
  public void progressed(String deploymentId) {
    tracked.computeIfPresent(deploymentId, (id, t) -> new Tracked(t.plan(), t.deadline(), clock.instant()));
  }

  /** Stops tracking a finished or cancelled deployment; a no-op for unknown ids. */
  public void finished(String deploymentId) {
    tracked.remove(deploymentId);
  }

  /** Time left before {@code deploymentId} fails, never negative; {@code null} when not tracked. */
  public Duration remaining(String deploymentId) {
    Tracked t = tracked.get(deploymentId);
    if (t == null) {
      return null;
    }
    Duration left = Duration.between(clock.instant(), t.lastProgress().plus(t.deadline()));
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** Removes and returns every deployment past its deadline, each with its rollback plan. */
  public List<Expired> expired() {
    Instant now = clock.instant();
    List<Expired> out = new ArrayList<>();
    tracked.values().removeIf(t -> {
      if (now.isBefore(t.lastProgress().plus(t.deadline()))) {
        return false;
      }
      out.add(new Expired(t.plan(), planner.rollback(t.plan()), t.lastProgress()));
      return true;
    });
    return out;
  }
}
