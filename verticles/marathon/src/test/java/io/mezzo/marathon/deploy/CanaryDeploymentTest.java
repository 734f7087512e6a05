package io.mezzo.marathon.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.marathon.SettableClock;
import io.mezzo.marathon.deploy.CanaryDeployment.Phase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CanaryDeploymentTest {

  private final SettableClock clock = SettableClock.atEpoch();

  private CanaryDeployment begin(boolean autoPromote) {
    CanaryPolicy policy = new CanaryPolicy(2, Duration.ofSeconds(30), Duration.ofMinutes(5), autoPromote, 3);
    return CanaryDeployment.begin("/web", policy, clock.instant());
  }

  @Test
  void allCanariesHealthy_manualPolicy_waitsThenPromotesOnRequest() {
    CanaryDeployment c = begin(false).onStatus(2, 0, clock.instant());
    clock.advanceSeconds(3600);
    c = c.tick(clock.instant());

    assertThat(c.phase()).isEqualTo(Phase.AWAITING_PROMOTION);
    assertThat(c.promote().phase()).isEqualTo(Phase.PROMOTED);
  }

  @Test
  void promote_beforeCanariesHealthy_isRefused() {
    CanaryDeployment c = begin(false).onStatus(1, 0, clock.instant());

    assertThatThrownBy(c::promote).isInstanceOf(IllegalStateException.class).hasMessageContaining("'/web'");
  }

  @Test
  void autoPromote_afterMinHealthyTime_promotesByItself() {
    CanaryDeployment c = begin(true).onStatus(2, 0, clock.instant());
    clock.advanceSeconds(29);
    assertThat(c.tick(clock.instant()).phase()).isEqualTo(Phase.AWAITING_PROMOTION);

    clock.advanceSeconds(1);

    assertThat(c.tick(clock.instant()).phase()).isEqualTo(Phase.PROMOTED);
  }

  @Test
  void canaryTurnsUnhealthy_beforeAutoPromotion_restartsHealthyClock() {
    CanaryDeployment c = begin(true).onStatus(2, 0, clock.instant());
    clock.advanceSeconds(20);
    c = c.onStatus(1, 0, clock.instant());
    clock.advanceSeconds(5);
    c = c.onStatus(2, 0, clock.instant());
    clock.advanceSeconds(20);

    assertThat(c.tick(clock.instant()).phase()).isEqualTo(Phase.AWAITING_PROMOTION);
  }

  @Test
  void repeatedCanaryFailures_reachingLimit_revertAutomatically() {
    CanaryDeployment c = begin(true).onStatus(0, 2, clock.instant());
    assertThat(c.phase()).isEqualTo(Phase.LAUNCHING);

    c = c.onStatus(0, 1, clock.instant());

    assertThat(c.phase()).isEqualTo(Phase.REVERTED);
    assertThat(c.wantedCanaries()).isZero();
    assertThat(c.reason()).contains("failed 3 times");
    assertThat(c.onStatus(2, 0, clock.instant())).isEqualTo(c);
  }

  @Test
  void canariesNeverHealthy_pastHealthyDeadline_revert() {
    CanaryDeployment c = begin(true).onStatus(1, 0, clock.instant());
    clock.advance(Duration.ofMinutes(5));

    assertThat(c.tick(clock.instant()).phase()).isEqualTo(Phase.REVERTED);
  }

  @Test
  void manualRevert_whileWaiting_reverts() {
    CanaryDeployment c = begin(false).onStatus(2, 0, clock.instant());

    assertThat(c.revert().phase()).isEqualTo(Phase.REVERTED);
    assertThat(c.promote().revert().phase()).isEqualTo(Phase.PROMOTED);
  }
}
