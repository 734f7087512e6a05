package io.mezzo.marathon.core;

import java.time.Instant;
import java.util.List;

/**
 * {@code processedOffersSummary} of one app in {@code /v2/queue}: offers looked at for its current launch attempt.
 *
 * @param lastUnusedOfferAt null while no offer went unused
 * @param lastOffers        the reject funnel over the most recent offers
 * @param launchAttempt     the reject funnel since the launch attempt began
 */
public record OfferSummary(long processedOffersCount, long unusedOffersCount, Instant lastUnusedOfferAt,
                           List<ReasonCount> lastOffers, List<ReasonCount> launchAttempt) {

  /**
   * One step of the funnel: {@code processed} offers reached this check, {@code declined} of them failed it
   * (an offer is counted under the first reason it fails, in Marathon's order).
   */
  public record ReasonCount(String reason, long declined, long processed) {
  }
}
