package io.mezzo.marathon.mesos;

import io.mezzo.marathon.core.OfferSummary;
import io.mezzo.marathon.placement.NoMatchReason;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The offers one app's launch attempt looked at. Each offer counts once, under the first reason of the funnel it
 * failed (Marathon's order: role, constraints, then cpus, memory, disk, gpus, ports) or as used. Not thread-safe.
 */
final class OfferStats {
  static final List<NoMatchReason> FUNNEL = List.of(NoMatchReason.UnfulfilledRole,
      NoMatchReason.UnfulfilledConstraint, NoMatchReason.InsufficientCpus, NoMatchReason.InsufficientMemory,
      NoMatchReason.InsufficientDisk, NoMatchReason.InsufficientGpus, NoMatchReason.InsufficientPorts);
  private static final int USED = -1;

  private final int window;
  private final long[] declined = new long[FUNNEL.size()];
  private final Deque<Integer> last = new ArrayDeque<>();
  private long processed;
  private long unused;
  private Instant lastUnusedAt;

  OfferStats(int window) {
    this.window = window;
  }

  /** An offer the app used for at least one instance. */
  void used() {
    record(USED);
  }

  /** An offer the app could not use, for these reasons (all of them; the first in funnel order counts). */
  void unused(List<NoMatchReason> reasons, Instant at) {
    int first = FUNNEL.size() - 1;
    for (int i = 0; i < FUNNEL.size(); i++) {
      if (reasons.contains(FUNNEL.get(i))) {
        first = i;
        break;
      }
    }
    declined[first]++;
    unused++;
    lastUnusedAt = at;
    record(first);
  }

  private void record(int firstReason) {
    processed++;
    last.addLast(firstReason);
    if (last.size() > window) {
      last.removeFirst();
    }
  }

  OfferSummary summary() {
    long[] recent = new long[FUNNEL.size()];
    for (int r : last) {
      if (r != USED) {
        recent[r]++;
      }
    }
    return new OfferSummary(processed, unused, lastUnusedAt, funnel(recent, last.size()), funnel(declined, processed));
  }

  private static List<OfferSummary.ReasonCount> funnel(long[] declinedAt, long total) {
    List<OfferSummary.ReasonCount> out = new ArrayList<>();
    long reaching = total;
    for (int i = 0; i < FUNNEL.size(); i++) {
      out.add(new OfferSummary.ReasonCount(FUNNEL.get(i).name(), declinedAt[i], reaching));
      reaching -= declinedAt[i];
    }
    return out;
  }
}
