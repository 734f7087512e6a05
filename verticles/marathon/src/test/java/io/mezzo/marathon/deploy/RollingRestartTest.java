package io.mezzo.marathon.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.marathon.deploy.RollingRestart.Decision;
import io.mezzo.marathon.deploy.RollingRestart.OldInstance;
import io.mezzo.marathon.deploy.RollingRestart.State;
import io.mezzo.marathon.model.KillSelection;
import io.mezzo.marathon.model.UpgradeStrategy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RollingRestartTest {

  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

  private static List<OldInstance> old(int n) {
    List<OldInstance> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new OldInstance("old-" + i, T0.plusSeconds(i), true));
    }
    return out;
  }

  private static State state(int n, double min, double max, List<OldInstance> old, int launched, int healthy) {
    return new State(n, new UpgradeStrategy(min, max), KillSelection.YOUNGEST_FIRST, false, old, launched, healthy);
  }

  @Test
  void minOneMaxZero_firstDecision_startsOneExtraAndKillsNothing() {
    Decision d = RollingRestart.decide(state(4, 1, 0, old(4), 0, 0));

    assertThat(d.startNew()).isEqualTo(1);
    assertThat(d.killOld()).isEmpty();
  }

  @Test
  void minZeroMaxZero_firstDecision_killsAllOldAndStartsAll() {
    Decision d = RollingRestart.decide(state(4, 0, 0, old(4), 0, 0));

    assertThat(d.startNew()).isEqualTo(4);
    assertThat(d.killOld()).hasSize(4);
  }

  @Test
  void minHalfMaxHalf_firstDecision_killsHalfAndStartsAll() {
    Decision d = RollingRestart.decide(state(4, 0.5, 0.5, old(4), 0, 0));

    assertThat(d.killOld()).hasSize(2);
    assertThat(d.startNew()).isEqualTo(4);
  }

  @Test
  void minOneMaxOne_firstDecision_startsFullNewSetBesideOld() {
    Decision d = RollingRestart.decide(state(4, 1, 1, old(4), 0, 0));

    assertThat(d.startNew()).isEqualTo(4);
    assertThat(d.killOld()).isEmpty();
  }

  @Test
  void newInstancesNotYetHealthy_minOneMaxOne_oldKept() {
    Decision d = RollingRestart.decide(state(4, 1, 1, old(4), 4, 3));

    assertThat(d.startNew()).isZero();
    assertThat(d.killOld()).hasSize(3);
  }

  /**
   * Drives a whole restart where every launched instance becomes healthy one status update later, and checks
   * Marathon's guarantees after every decision: healthy ≥ minHealthy (once reached) and total ≤ maxCapacity (+1
   * for the deadlock case), finishing with only new instances.
   */
  @ParameterizedTest(name = "instances={0} min={1} max={2}")
  @CsvSource({"4,1,0", "4,0,0", "4,0.5,0.5", "4,1,1", "5,0.6,0.2", "1,1,0", "3,0.5,0", "10,0.9,0.1"})
  void fullRestart_simulated_honoursCapacityBoundsAndCompletes(int n, double min, double max) {
    UpgradeStrategy strategy = new UpgradeStrategy(min, max);
    int minHealthy = RollingRestart.minHealthy(n, strategy);
    int maxCapacity = RollingRestart.maxCapacity(n, strategy);
    int allowed = minHealthy >= maxCapacity ? maxCapacity + 1 : maxCapacity;
    List<OldInstance> old = old(n);
    int launched = 0;
    int healthy = 0;
    for (int round = 0; round < 100; round++) {
      Decision d = RollingRestart.decide(state(n, min, max, old, launched, healthy));
      if (d.complete()) {
        assertThat(old).isEmpty();
        assertThat(healthy).isEqualTo(n);
        return;
      }
      old.removeIf(o -> d.killOld().contains(o.id()));
      assertThat(old.size() + healthy).as("healthy after kills").isGreaterThanOrEqualTo(Math.min(minHealthy, n));
      healthy = launched;
      launched += d.startNew();
      assertThat(old.size() + launched).as("capacity").isLessThanOrEqualTo(allowed);
    }
    throw new AssertionError("restart did not complete");
  }

  @Test
  void killSelection_youngestOrOldestFirst_picksByStartTimeAfterUnhealthy() {
    List<OldInstance> old = List.of(new OldInstance("a", T0, true), new OldInstance("b", T0.plusSeconds(10), true),
        new OldInstance("c", T0.plusSeconds(5), false), new OldInstance("d", T0.plusSeconds(20), true));
    UpgradeStrategy strategy = new UpgradeStrategy(0.5, 0.0);

    Decision youngest = RollingRestart.decide(new State(4, strategy, KillSelection.YOUNGEST_FIRST, false, old, 0, 0));
    Decision oldest = RollingRestart.decide(new State(4, strategy, KillSelection.OLDEST_FIRST, false, old, 0, 0));

    assertThat(youngest.killOld()).containsExactly("c", "d");
    assertThat(oldest.killOld()).containsExactly("c", "a");
  }

  @Test
  void residentApp_minOneMaxZero_killsOneOldInsteadOfOvercommitting() {
    Decision d = RollingRestart.decide(new State(2, new UpgradeStrategy(1.0, 0.0), KillSelection.YOUNGEST_FIRST, true,
        old(2), 0, 0));

    assertThat(d.killOld()).hasSize(1);
    assertThat(d.startNew()).isEqualTo(1);
  }
}
