package io.mezzo.marathon.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.marathon.SettableClock;
import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.Group;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeploymentPlannerTest {

  private final AtomicInteger next = new AtomicInteger();
  private final DeploymentPlanner planner =
      new DeploymentPlanner(SettableClock.atEpoch(), () -> "d" + next.incrementAndGet());

  private static AppDefinition app(String id, String... deps) {
    return AppDefinition.builder(id).cmd("run " + id).dependencies(List.of(deps)).build();
  }

  private static List<String> render(DeploymentPlan plan) {
    return plan.steps().stream().map(s -> s.actions().stream().map(a -> a.action() + " " + a.appId()).sorted()
        .toList().toString()).toList();
  }

  @Test
  void newApps_aDependsOnB_bStartedFirst() {
    DeploymentPlan plan = planner.plan(Group.root(), Group.root(app("/a", "/b"), app("/b")));

    assertThat(render(plan)).containsExactly("[StartApplication /b]", "[StartApplication /a]");
    assertThat(plan.affectedApps()).containsExactlyInAnyOrder("/a", "/b");
    assertThat(plan.version()).isEqualTo("2024-01-01T00:00:00Z");
    assertThat(plan.id()).isEqualTo("d1");
  }

  @Test
  void removedApps_aDependsOnB_aStoppedFirst() {
    DeploymentPlan plan = planner.plan(Group.root(app("/a", "/b"), app("/b"), app("/c")), Group.root(app("/c")));

    assertThat(render(plan)).containsExactly("[StopApplication /a]", "[StopApplication /b]");
  }

  @Test
  void chainWithIndependentApps_layeredByDepth_runsIndependentsTogether() {
    Group target = Group.root(app("/web", "/api"), app("/api", "/db"), app("/db"), app("/cache"));

    DeploymentPlan plan = planner.plan(Group.root(), target);

    assertThat(render(plan)).containsExactly("[StartApplication /cache, StartApplication /db]",
        "[StartApplication /api]", "[StartApplication /web]");
  }

  @Test
  void mixedChanges_scaleRestartAndUnchanged_pickTheRightAction() {
    AppDefinition a = app("/a");
    AppDefinition b = app("/b");
    AppDefinition c = app("/c");
    Group target = Group.root(a.toBuilder().instances(5).build(), b.toBuilder().mem(512.0).build(), c);

    DeploymentPlan plan = planner.plan(Group.root(a, b, c), target);

    assertThat(render(plan)).containsExactly("[RestartApplication /b, ScaleApplication /a]");
    assertThat(plan.steps().get(0).actions()).filteredOn(x -> x instanceof DeploymentAction.ScaleApplication)
        .singleElement().extracting(x -> ((DeploymentAction.ScaleApplication) x).scaleTo()).isEqualTo(5);
  }

  @Test
  void versionOnlyChange_planned_isEmpty() {
    AppDefinition a = app("/a");

    assertThat(planner.plan(Group.root(a), Group.root(a.toBuilder().version("2024-02-02T00:00:00Z").build()))
        .isEmpty()).isTrue();
  }

  @Test
  void groupDependency_relativeIds_orderAppsOfWholeGroupFirst() {
    Group db = Group.of("/data", List.of(app("pg"), app("redis")), List.of());
    Group web = new Group("/web", List.of(app("front")), null, null, List.of("/data"), null, null);

    DeploymentPlan plan = planner.plan(Group.root(), Group.of("/", List.of(), List.of(web, db)));

    assertThat(render(plan)).containsExactly("[StartApplication /data/pg, StartApplication /data/redis]",
        "[StartApplication /web/front]");
  }

  @Test
  void rollback_ofStartPlan_stopsWhatWasStartedInReverseOrder() {
    DeploymentPlan plan = planner.plan(Group.root(), Group.root(app("/a", "/b"), app("/b")));

    assertThat(render(planner.rollback(plan))).containsExactly("[StopApplication /a]", "[StopApplication /b]");
  }

  @Test
  void restart_ofExistingApp_isOneRestartStep() {
    DeploymentPlan plan = planner.restart(Group.root(app("/a")), "/a");

    assertThat(render(plan)).containsExactly("[RestartApplication /a]");
  }

  @Test
  void newPlan_touchingAppOfRunningDeployment_conflictsUnlessForced() {
    DeploymentPlan running = planner.plan(Group.root(), Group.root(app("/a"), app("/b")));
    DeploymentPlan other = planner.plan(Group.root(), Group.root(app("/c")));
    DeploymentPlan touchingB = planner.plan(Group.root(app("/b")), Group.root(app("/b").toBuilder().mem(1.0).build()));

    assertThat(DeploymentConflicts.check(touchingB, List.of(running, other), false))
        .isEqualTo(new DeploymentConflicts.Locked(List.of(running.id())));
    assertThat(DeploymentConflicts.check(touchingB, List.of(running, other), true))
        .isEqualTo(new DeploymentConflicts.CancelThenStart(List.of(running.id())));
    assertThat(DeploymentConflicts.check(other, List.of(running), false)).isInstanceOf(DeploymentConflicts.Clear.class);
    assertThat(DeploymentConflicts.lockedMessage("d1")).isEqualTo("App is locked by one or more deployments. "
        + "Override with the option '?force=true'. View details at '/v2/deployments/d1'.");
  }
}
