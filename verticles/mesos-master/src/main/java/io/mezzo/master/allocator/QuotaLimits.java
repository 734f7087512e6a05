package io.mezzo.master.allocator;

import io.mezzo.mesos.proto.ResourceBag;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Per-role quota limits on cpus, mem, disk and gpus (other names in a limit are ignored). A limit
 * on {@code eng} also caps {@code eng/web}: the head-room of a role is the smallest over itself and
 * its ancestors of limit minus what that role's subtree holds. Only unreserved resources are cut
 * down to the head-room; resources reserved for the role are always offerable.
 */
final class QuotaLimits {

  private final Map<String, long[]> limits = new HashMap<>();

  void set(String role, ResourceBag limit) {
    long[] need = limit.isEmpty() ? null : lenientRequirement(limit);
    if (need == null || Arrays.stream(need).allMatch(v -> v < 0)) {
      limits.remove(role);
    } else {
      limits.put(role, need);
    }
  }

  /** {@code usable} with its unreserved part cut down to what the role may still be allocated. */
  ResourceBag cap(String role, ResourceBag usable, Function<String, long[]> subtreeAllocation) {
    if (limits.isEmpty()) {
      return usable;
    }
    long[] headroom = null;
    for (String r = role; r != null; r = parent(r)) {
      long[] limit = limits.get(r);
      if (limit == null) {
        continue;
      }
      long[] held = subtreeAllocation.apply(r);
      if (headroom == null) {
        headroom = new long[] {-1, -1, -1, -1};
      }
      for (int k = 0; k < Quantities.KINDS; k++) {
        if (limit[k] >= 0) {
          long left = Math.max(0, limit[k] - held[k]);
          headroom[k] = headroom[k] < 0 ? left : Math.min(headroom[k], left);
        }
      }
    }
    if (headroom == null) {
      return usable;
    }
    long[] unreserved = Quantities.of(usable.forRole("*"));
    StringBuilder excess = new StringBuilder();
    for (int k = 0; k < Quantities.KINDS; k++) {
      if (headroom[k] >= 0 && unreserved[k] > headroom[k]) {
        excess.append(excess.length() == 0 ? "" : ";").append(Quantities.text(k, unreserved[k] - headroom[k]));
      }
    }
    return excess.length() == 0 ? usable : usable.subtract(ResourceBag.parse(excess.toString(), "*"));
  }

  static String parent(String role) {
    int slash = role.lastIndexOf('/');
    return slash < 0 ? null : role.substring(0, slash);
  }

  private static long[] lenientRequirement(ResourceBag limit) {
    long[] need = {-1, -1, -1, -1};
    limit.toResources().forEach(r -> {
      int k = Quantities.index(r.getName());
      if (k >= 0 && r.hasScalar()) {
        need[k] = Math.max(0, need[k]) + Math.round(r.getScalar().getValue() * 1000.0);
      }
    });
    return need;
  }
}
