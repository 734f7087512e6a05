package io.mezzo.marathon.mesos;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.marathon.core.OfferSummary;
import io.mezzo.marathon.placement.NoMatchReason;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OfferStatsTest {
  private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");

  private static OfferSummary.ReasonCount at(List<OfferSummary.ReasonCount> funnel, NoMatchReason reason) {
    return funnel.stream().filter(r -> r.reason().equals(reason.name())).findFirst().orElseThrow();
  }

  @Test
  void unusedOffer_countsUnderItsFirstReasonInFunnelOrder_laterStepsSeeFewerOffers() {
    OfferStats stats = new OfferStats(10);
    stats.unused(List.of(NoMatchReason.InsufficientMemory, NoMatchReason.UnfulfilledConstraint), T);
    stats.unused(List.of(NoMatchReason.InsufficientCpus), T.plusSeconds(1));
    stats.used();

    OfferSummary s = stats.summary();
    assertThat(s.processedOffersCount()).isEqualTo(3);
    assertThat(s.unusedOffersCount()).isEqualTo(2);
    assertThat(s.lastUnusedOfferAt()).isEqualTo(T.plusSeconds(1));
    List<OfferSummary.ReasonCount> f = s.launchAttempt();
    assertThat(f).extracting(OfferSummary.ReasonCount::reason).containsExactly("UnfulfilledRole",
        "UnfulfilledConstraint", "InsufficientCpus", "InsufficientMemory", "InsufficientDisk", "InsufficientGpus",
        "InsufficientPorts");
    assertThat(at(f, NoMatchReason.UnfulfilledRole)).isEqualTo(new OfferSummary.ReasonCount("UnfulfilledRole", 0, 3));
    assertThat(at(f, NoMatchReason.UnfulfilledConstraint).declined()).isEqualTo(1);
    assertThat(at(f, NoMatchReason.InsufficientCpus)).isEqualTo(new OfferSummary.ReasonCount("InsufficientCpus", 1, 2));
    assertThat(at(f, NoMatchReason.InsufficientMemory)).isEqualTo(new OfferSummary.ReasonCount("InsufficientMemory", 0, 1));
  }

  @Test
  void lastOffers_keepOnlyTheWindow_launchAttemptKeepsAll() {
    OfferStats stats = new OfferStats(2);
    stats.unused(List.of(NoMatchReason.InsufficientPorts), T);
    stats.unused(List.of(NoMatchReason.InsufficientPorts), T);
    stats.used();
    stats.used();

    OfferSummary s = stats.summary();
    assertThat(at(s.lastOffers(), NoMatchReason.InsufficientPorts)).isEqualTo(new OfferSummary.ReasonCount("InsufficientPorts", 0, 2));
    assertThat(at(s.launchAttempt(), NoMatchReason.InsufficientPorts)).isEqualTo(new OfferSummary.ReasonCount("InsufficientPorts", 2, 4));
    assertThat(s.lastUnusedOfferAt()).isEqualTo(T);
  }

  @Test
  void noOffers_emptyFunnelWithZeros() {
    OfferSummary s = new OfferStats(10).summary();
    assertThat(s.processedOffersCount()).isZero();
    assertThat(s.lastUnusedOfferAt()).isNull();
    assertThat(s.launchAttempt()).allSatisfy(r -> assertThat(r.processed()).isZero());
  }
}
