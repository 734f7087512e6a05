package io.mezzo.marathon.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.marathon.SettableClock;
import io.mezzo.marathon.model.AppDefinition;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LaunchBackoffTest {

  private final SettableClock clock = SettableClock.atEpoch();
  private final LaunchBackoff backoff = new LaunchBackoff(clock);
  private final AppDefinition app = AppDefinition.builder("/a").cmd("x").backoffSeconds(2.0).backoffFactor(2.0)
      .maxLaunchDelaySeconds(30.0).instances(1).build();

  @Test
  void consecutiveFailures_delayGrowsByFactor_andIsCapped() {
    assertThat(backoff.failed(app)).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.failed(app)).isEqualTo(Duration.ofSeconds(4));
    assertThat(backoff.failed(app)).isEqualTo(Duration.ofSeconds(8));
    assertThat(backoff.failed(app)).isEqualTo(Duration.ofSeconds(16));
    assertThat(backoff.failed(app)).isEqualTo(Duration.ofSeconds(30));
    assertThat(backoff.failed(app)).isEqualTo(Duration.ofSeconds(30));
    assertThat(LaunchBackoff.delayAfter(app, 10_000)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void marathonDefaults_firstFailures_followOnePointOneFive() {
    AppDefinition defaults = AppDefinition.of("/d", "x");

    assertThat(LaunchBackoff.delayAfter(defaults, 1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(LaunchBackoff.delayAfter(defaults, 2)).isEqualTo(Duration.ofMillis(1150));
    assertThat(LaunchBackoff.delayAfter(defaults, 100)).isEqualTo(Duration.ofSeconds(300));
  }

  @Test
  void delay_elapsesWithClock() {
    backoff.failed(app);
    clock.advanceSeconds(1);
    assertThat(backoff.isDelayed(app)).isTrue();
    assertThat(backoff.timeLeft(app)).isEqualTo(Duration.ofSeconds(1));

    clock.advanceSeconds(1);

    assertThat(backoff.isDelayed(app)).isFalse();
    assertThat(backoff.failures(app)).isEqualTo(1);
  }

  @Test
  void configChange_resetsBackoff_butScalingDoesNot() {
    backoff.failed(app);
    backoff.failed(app);

    assertThat(backoff.timeLeft(app.toBuilder().instances(5).build())).isEqualTo(Duration.ofSeconds(4));
    assertThat(backoff.timeLeft(app.toBuilder().cmd("y").build())).isZero();
    assertThat(backoff.failures(app)).isZero();
  }

  @Test
  void apiReset_clearsDelay() {
    backoff.failed(app);

    backoff.reset("/a");

    assertThat(backoff.isDelayed(app)).isFalse();
    assertThat(backoff.failed(app)).isEqualTo(Duration.ofSeconds(2));
  }
}
