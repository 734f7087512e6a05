package io.mezzo.marathon.deploy;

import io.mezzo.marathon.model.Group;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The ordered steps that turn {@code original} into {@code target}. {@code version} is the ISO-8601 time of the
 * target root group.
 */
public record DeploymentPlan(String id, String version, Group original, Group target, List<DeploymentStep> steps) {

  public DeploymentPlan {
    steps = List.copyOf(steps);
  }

  /** Ids of every app some action touches, in step order. */
  public Set<String> affectedApps() {
    Set<String> out = new LinkedHashSet<>();
    steps.forEach(s -> s.actions().forEach(a -> out.add(a.appId())));
    return out;
  }

  public boolean isEmpty() {
    return steps.isEmpty();
  }

  public int totalSteps() {
    return steps.size();
  }
}
