package io.mezzo.marathon.deploy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether a new plan may start beside running deployments: an app may be touched by only one
 * deployment at a time. With {@code force} the conflicting deployments are to be cancelled (without rollback)
 * and the new plan proceeds.
 */
public final class DeploymentConflicts {

  /** Marathon's 409 message; the API appends {@code "deployments":[{"id":...}]}. */
  public static String lockedMessage(String deploymentId) {
    return "App is locked by one or more deployments. Override with the option '?force=true'. "
        + "View details at '/v2/deployments/" + deploymentId + "'.";
  }

  private DeploymentConflicts() {
  }

  public sealed interface Outcome {
  }

  /** No running deployment touches the plan's apps. */
  public record Clear() implements Outcome {
  }

  /** The plan is refused; answer 409 listing these deployments. */
  public record Locked(List<String> deploymentIds) implements Outcome {
  }

  /** Forced: cancel these deployments, then start the plan. */
  public record CancelThenStart(List<String> deploymentIds) implements Outcome {
  }

  public static Outcome check(DeploymentPlan plan, Collection<DeploymentPlan> running, boolean force) {
    List<String> conflicting = conflicting(plan, running);
    if (conflicting.isEmpty()) {
      return new Clear();
    }
    return force ? new CancelThenStart(conflicting) : new Locked(conflicting);
  }

  public static List<String> conflicting(DeploymentPlan plan, Collection<DeploymentPlan> running) {
    Set<String> apps = plan.affectedApps();
    List<String> out = new ArrayList<>();
    for (DeploymentPlan other : running) {
      Set<String> shared = new HashSet<>(other.affectedApps());
      shared.retainAll(apps);
      if (!shared.isEmpty() && !other.id().equals(plan.id())) {
        out.add(other.id());
      }
    }
    return out;
  }
}
