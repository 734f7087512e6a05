package io.mezzo.marathon.deploy;

import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.Group;
import io.mezzo.marathon.model.GroupTree;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Computes deployment plans from two root groups.
 *
 * <pre>
 *   original ──┐                       step 1..k  StopApplication   removed apps, deepest dependents first
 *              ├─ diff by absolute id ─▶
 *   target ────┘                       step k+1.. Start/Scale/Restart, one step per dependency depth,
 *                                                  dependencies (depth 0) first
 * </pre>
 *
 * Depth is computed on the graph of the tree the app lives in (original for stops, target otherwise). An app
 * whose definition differs only in {@code instances} is scaled; any other difference restarts it. Both groups
 * must be valid (see {@code GroupValidator}); a cyclic graph throws {@link IllegalStateException}.
 */
public final class DeploymentPlanner {

  private final Clock clock;
  private final Supplier<String> ids;

  public DeploymentPlanner(Clock clock) {
    this(clock, () -> UUID.randomUUID().toString());
  }

  public DeploymentPlanner(Clock clock, Supplier<String> ids) {
    this.clock = clock;
    this.ids = ids;
  }

  public DeploymentPlan plan(Group original, Group target) {
    GroupTree before = GroupTree.of(original);
    GroupTree after = GroupTree.of(target);
    Map<String, Integer> depthBefore = DependencyGraph.of(before).depths();
    Map<String, Integer> depthAfter = DependencyGraph.of(after).depths();

    TreeMap<Integer, List<DeploymentAction>> stops = new TreeMap<>(Comparator.reverseOrder());
    before.runSpecs().forEach((id, app) -> {
      if (!after.runSpecs().containsKey(id)) {
        stops.computeIfAbsent(depthBefore.get(id), d -> new ArrayList<>())
            .add(new DeploymentAction.StopApplication(app));
      }
    });
    TreeMap<Integer, List<DeploymentAction>> changes = new TreeMap<>();
    after.runSpecs().forEach((id, app) -> {
      AppDefinition old = before.runSpecs().get(id);
      DeploymentAction action = null;
      if (old == null) {
        action = new DeploymentAction.StartApplication(app, app.instances());
      } else if (!old.isOnlyScaleChangeOf(app)) {
        action = new DeploymentAction.RestartApplication(app);
      } else if (!old.instances().equals(app.instances())) {
        action = new DeploymentAction.ScaleApplication(app, app.instances());
      }
      if (action != null) {
        changes.computeIfAbsent(depthAfter.get(id), d -> new ArrayList<>()).add(action);
      }
    });
    List<DeploymentStep> steps = new ArrayList<>();
    stops.values().forEach(actions -> steps.add(new DeploymentStep(actions)));
    changes.values().forEach(actions -> steps.add(new DeploymentStep(actions)));
    return new DeploymentPlan(ids.get(), version(target), original, target, steps);
  }

  /** The plan for {@code POST /v2/apps/{id}/restart}: one step restarting the app, group unchanged. */
  public DeploymentPlan restart(Group root, String appId) {
    AppDefinition app = GroupTree.of(root).runSpecs().get(appId);
    if (app == null) {
      throw new IllegalArgumentException("App '" + appId + "' does not exist");
    }
    List<DeploymentStep> steps = List.of(new DeploymentStep(List.of(new DeploymentAction.RestartApplication(app))));
    return new DeploymentPlan(ids.get(), Instant.now(clock).toString(), root, root, steps);
  }

  /** The plan that undoes {@code plan}: from its target back to its original. */
  public DeploymentPlan rollback(DeploymentPlan plan) {
    return plan(plan.target(), plan.original());
  }

  private String version(Group target) {
    return target.version() != null ? target.version() : Instant.now(clock).toString();
  }
}
