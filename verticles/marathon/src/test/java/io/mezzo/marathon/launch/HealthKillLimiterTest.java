package io.mezzo.marathon.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.marathon.SettableClock;
import io.mezzo.marathon.launch.HealthKillLimiter.Request;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthKillLimiterTest {

  private final SettableClock clock = SettableClock.atEpoch();
  private final HealthKillLimiter limiter = new HealthKillLimiter(clock, 2, 5, Duration.ofSeconds(60));
  private static final List<String> ALL_SICK = List.of("i1", "i2", "i3", "i4", "i5", "i6", "i7", "i8", "i9", "i10");

  @Test
  void wholeAppUnhealthyAtOnce_killsAtMostPerAppLimitPerInterval() {
    Request r = new Request("/web", 10, 0.0, 10, 0, ALL_SICK);

    assertThat(limiter.permit(r)).containsExactly("i1", "i2");
    assertThat(limiter.permit(r)).isEmpty();
    clock.advanceSeconds(59);
    assertThat(limiter.permit(r)).isEmpty();

    clock.advanceSeconds(1);

    assertThat(limiter.permit(r)).containsExactly("i1", "i2");
    assertThat(limiter.recentKills("/web")).isEqualTo(2);
  }

  @Test
  void manyAppsUnhealthy_clusterLimitStopsTheStorm() {
    int killed = 0;
    for (int i = 0; i < 10; i++) {
      killed += limiter.permit(new Request("/app" + i, 4, 0.0, 4, 0, List.of("a", "b"))).size();
    }

    assertThat(killed).isEqualTo(5);
  }

  @Test
  void minimumHealthCapacity_limitsKillsToSpareInstances() {
    Request r = new Request("/web", 10, 0.9, 10, 0, ALL_SICK);

    assertThat(limiter.permit(r)).containsExactly("i1");
    clock.advanceSeconds(60);
    assertThat(limiter.permit(new Request("/web", 10, 0.9, 10, 1, ALL_SICK))).isEmpty();
  }

  @Test
  void singleInstanceAtFullCapacity_mayStillBeReplacedOneAtATime() {
    assertThat(limiter.permit(new Request("/one", 1, 1.0, 1, 0, List.of("i1")))).containsExactly("i1");
    clock.advanceSeconds(120);
    assertThat(limiter.permit(new Request("/one", 1, 1.0, 1, 1, List.of("i2")))).isEmpty();
  }
}
