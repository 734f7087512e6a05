package io.mezzo.marathon.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.marathon.SettableClock;
import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.Group;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressDeadlinesTest {

  private final SettableClock clock = SettableClock.atEpoch();
  private final DeploymentPlanner planner = new DeploymentPlanner(clock);
  private final ProgressDeadlines deadlines = new ProgressDeadlines(clock, planner);
  private final AppDefinition v1 = AppDefinition.of("/web", "run v1");
  private final DeploymentPlan upgrade =
      planner.plan(Group.root(v1), Group.root(v1.toBuilder().cmd("run v2").build()));

  @Test
  void noProgress_forDeadline_failsWithRollbackToOriginal() {
    deadlines.track(upgrade, Duration.ofSeconds(600));
    clock.advanceSeconds(599);
    assertThat(deadlines.expired()).isEmpty();

    clock.advanceSeconds(1);
    var expired = deadlines.expired();

    assertThat(expired).singleElement().satisfies(e -> {
      assertThat(e.plan().id()).isEqualTo(upgrade.id());
      assertThat(e.rollback().target()).isEqualTo(upgrade.original());
      assertThat(e.rollback().steps()).singleElement().extracting(s -> s.actions().get(0))
          .isEqualTo(new DeploymentAction.RestartApplication(v1));
    });
    assertThat(deadlines.expired()).isEmpty();
  }

  @Test
  void progress_beforeDeadline_pushesItBack() {
    deadlines.track(upgrade, Duration.ofSeconds(600));
    clock.advanceSeconds(500);
    deadlines.progressed(upgrade.id());
    clock.advanceSeconds(500);

    assertThat(deadlines.expired()).isEmpty();
    assertThat(deadlines.remaining(upgrade.id())).isEqualTo(Duration.ofSeconds(100));
  }

  @Test
  void finishedDeployment_neverExpires() {
    deadlines.track(upgrade, Duration.ofSeconds(10));
    deadlines.finished(upgrade.id());
    clock.advanceSeconds(100);

    assertThat(deadlines.expired()).isEmpty();
    assertThat(deadlines.remaining(upgrade.id())).isNull();
  }
}
