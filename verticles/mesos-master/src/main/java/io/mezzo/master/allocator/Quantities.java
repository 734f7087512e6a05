package io.mezzo.master.allocator;

import io.mezzo.mesos.proto.ResourceBag;
import java.math.BigDecimal;

/**
 * The scalar kinds DRF compares (cpus, mem, disk, gpus) as {@code long[4]} vectors of thousandths,
 * so shares and quota head-room are computed without touching {@link ResourceBag} maps.
 */
final class Quantities {

  static final String[] NAMES = {"cpus", "mem", "disk", "gpus"};
  static final int KINDS = NAMES.length;

  private Quantities() {
  }

  static long[] zero() {
    return new long[KINDS];
  }

  /** Thousandths of each kind in {@code bag}, over all roles. */
  static long[] of(ResourceBag bag) {
    long[] q = new long[KINDS];
    if (bag.isEmpty()) {
      return q;
    }
    for (int k = 0; k < KINDS; k++) {
      q[k] = Math.round(bag.scalar(NAMES[k]) * 1000.0);
    }
    return q;
  }

  static int index(String name) {
    for (int k = 0; k < KINDS; k++) {
      if (NAMES[k].equals(name)) {
        return k;
      }
    }
    return -1;
  }

  static void add(long[] into, long[] q, int sign) {
    for (int k = 0; k < KINDS; k++) {
      into[k] += sign * q[k];
    }
  }

  static boolean isZero(long[] q) {
    for (long v : q) {
      if (v != 0) {
        return false;
      }
    }
    return true;
  }

  /** Largest ratio allocated/total over the kinds the cluster has, divided by {@code weight}. */
  static double dominantShare(long[] allocated, long[] total, double weight) {
    double share = 0;
    for (int k = 0; k < KINDS; k++) {
      if (total[k] > 0) {
        share = Math.max(share, (double) allocated[k] / total[k]);
      }
    }
    return share / weight;
  }

  /**
   * Turns bags such as {@code cpus:0.01} into vectors where kinds the bag does not name are
   * {@code -1} (no requirement).
   *
   * @throws IllegalArgumentException when a bag names another resource than the four kinds
   */
  static long[] requirement(ResourceBag bag) {
    long[] need = {-1, -1, -1, -1};
    bag.toResources().forEach(r -> {
      int k = index(r.getName());
      if (k < 0 || !r.hasScalar()) {
        throw new IllegalArgumentException("Resource '" + r.getName() + "' is not one of cpus, mem, disk, gpus");
      }
      need[k] = Math.max(0, need[k]) + Math.round(r.getScalar().getValue() * 1000.0);
    });
    return need;
  }

  /** True when {@code have} meets every named kind of {@code need}. */
  static boolean meets(long[] have, long[] need) {
    for (int k = 0; k < KINDS; k++) {
      if (need[k] >= 0 && have[k] < need[k]) {
        return false;
      }
    }
    return true;
  }

  /** Resource text for {@code millis} thousandths of kind {@code k}, e.g. {@code cpus:0.250}. */
  static String text(int k, long millis) {
    return NAMES[k] + ":" + BigDecimal.valueOf(millis, 3).toPlainString();
  }
}
