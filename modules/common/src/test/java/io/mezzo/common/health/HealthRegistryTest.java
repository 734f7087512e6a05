package io.mezzo.common.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class HealthRegistryTest {
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };
  private final HealthRegistry registry = new HealthRegistry(clock, Duration.ofSeconds(15));

  private HealthReport report(String node, String component, boolean healthy) {
    return new HealthReport(component, component, node, "10.0.0.1", "master", healthy, healthy ? "" : "down", now.toEpochMilli());
  }

  @Test
  void latestReport_winsPerNodeAndComponent() {
    registry.report(report("n1", "dns", true));
    registry.report(report("n1", "dns", false));
    registry.report(report("n2", "dns", true));
    assertThat(registry.snapshot()).extracting(HealthReport::nodeId, HealthReport::healthy)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("n1", false), org.assertj.core.groups.Tuple.tuple("n2", true));
  }

  @Test
  void silentComponent_turnsUnhealthyAfterStaleness() {
    registry.report(report("n1", "dns", true));
    now = now.plusSeconds(15);
    assertThat(registry.snapshot().get(0).healthy()).isTrue();
    now = now.plusSeconds(1);
    assertThat(registry.snapshot().get(0).healthy()).isFalse();
    assertThat(registry.snapshot().get(0).output()).isEqualTo("no report for 16 s");
  }

  @Test
  void nodeLeaving_dropsOnlyItsUnits() {
    registry.report(report("n1", "dns", true));
    registry.report(report("n1", "l4lb", true));
    registry.report(report("n2", "dns", true));
    assertThat(registry.nodeLeft("n1")).isEqualTo(2);
    assertThat(registry.snapshot()).extracting(HealthReport::nodeId).containsExactly("n2");
    assertThat(registry.nodeLeft("n1")).isZero();
  }
}
