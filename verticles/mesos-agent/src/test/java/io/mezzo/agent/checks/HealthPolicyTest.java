package io.mezzo.agent.checks;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.agent.checks.HealthPolicy.Decision;
import java.time.Instant;
import org.apache.mesos.v1.Protos.HealthCheck;
import org.junit.jupiter.api.Test;

class HealthPolicyTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Decision NONE = new Decision(false, false, false);
  private static final Decision HEALTHY = new Decision(true, true, false);
  private static final Decision UNHEALTHY = new Decision(true, false, false);
  private static final Decision KILL = new Decision(true, false, true);

  private static HealthPolicy policy(int failures, double grace) {
    return new HealthPolicy(HealthCheck.newBuilder().setType(HealthCheck.Type.TCP).setConsecutiveFailures(failures)
        .setGracePeriodSeconds(grace).build(), T0);
  }

  @Test
  void failuresWithinGrace_beforeAnySuccess_areIgnored() {
    HealthPolicy p = policy(2, 10);
    assertThat(p.failure(T0.plusSeconds(1))).isEqualTo(NONE);
    assertThat(p.failure(T0.plusSeconds(10))).isEqualTo(NONE);
    assertThat(p.consecutiveFailures()).isZero();
    assertThat(p.failure(T0.plusSeconds(11))).isEqualTo(UNHEALTHY);
    assertThat(p.failure(T0.plusSeconds(12))).isEqualTo(KILL);
  }

  @Test
  void failureWithinGrace_afterFirstSuccess_counts() {
    HealthPolicy p = policy(3, 60);
    assertThat(p.success()).isEqualTo(HEALTHY);
    assertThat(p.success()).isEqualTo(NONE);
    assertThat(p.failure(T0.plusSeconds(2))).isEqualTo(UNHEALTHY);
    assertThat(p.failure(T0.plusSeconds(3))).isEqualTo(NONE);
    assertThat(p.failure(T0.plusSeconds(4))).isEqualTo(KILL);
  }

  @Test
  void successAfterFailures_reportsHealthyAgain_andResetsTheCount() {
    HealthPolicy p = policy(2, 0);
    assertThat(p.failure(T0.plusSeconds(1))).isEqualTo(UNHEALTHY);
    assertThat(p.success()).isEqualTo(HEALTHY);
    assertThat(p.failure(T0.plusSeconds(3))).isEqualTo(UNHEALTHY);
    assertThat(p.failure(T0.plusSeconds(4))).isEqualTo(KILL);
  }

  @Test
  void protoDefaults_threeFailuresAfterTenSecondsOfGrace() {
    HealthPolicy p = new HealthPolicy(HealthCheck.newBuilder().setType(HealthCheck.Type.TCP).build(), T0);
    assertThat(p.failure(T0.plusSeconds(10))).isEqualTo(NONE);
    assertThat(p.failure(T0.plusSeconds(11))).isEqualTo(UNHEALTHY);
    assertThat(p.failure(T0.plusSeconds(12))).isEqualTo(NONE);
    assertThat(p.failure(T0.plusSeconds(13))).isEqualTo(KILL);
  }

  @Test
  void invalidChecks_areNamed() {
    assertThat(Checks.invalid(HealthCheck.newBuilder().build())).contains("'type'");
    assertThat(Checks.invalid(HealthCheck.newBuilder().setType(HealthCheck.Type.HTTP).build())).contains("'http'");
    assertThat(Checks.invalid(HealthCheck.newBuilder().setType(HealthCheck.Type.TCP)
        .setTcp(HealthCheck.TCPCheckInfo.newBuilder().setPort(0)).build())).contains("port");
    assertThat(Checks.invalid(HealthCheck.newBuilder().setType(HealthCheck.Type.COMMAND).build())).contains("'command'");
    assertThat(Checks.invalid(HealthCheck.newBuilder().setType(HealthCheck.Type.TCP).setIntervalSeconds(-1)
        .setTcp(HealthCheck.TCPCheckInfo.newBuilder().setPort(80)).build())).contains("non-negative");
    assertThat(Checks.invalid(HealthCheck.newBuilder().setType(HealthCheck.Type.TCP)
        .setTcp(HealthCheck.TCPCheckInfo.newBuilder().setPort(80)).build())).isNull();
  }
}
