package io.mezzo.marathon.placement;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Picks host ports from an offer's port ranges. A request of 0 takes any free port, chosen at random so that
 * instances on one agent do not all pile onto the lowest ports; a non-zero request takes exactly that port.
 * Non-zero requests are only binding with {@code requirePorts} (otherwise Marathon treats them as service ports
 * and picks host ports dynamically).
 */
public final class PortAssigner {

  private PortAssigner() {
  }

  /** The host ports in request order, or empty when the ranges cannot satisfy the request. */
  public static Optional<List<Integer>> assign(List<Integer> requested, boolean requirePorts, List<PortRange> ranges,
                                               Random random) {
    Set<Integer> taken = new HashSet<>();
    Integer[] out = new Integer[requested.size()];
    for (int i = 0; i < requested.size(); i++) {
      int want = requested.get(i);
      if (requirePorts && want != 0) {
        if (!taken.add(want) || ranges.stream().noneMatch(r -> r.contains(want))) {
          return Optional.empty();
        }
        out[i] = want;
      }
    }
    long total = ranges.stream().mapToLong(PortRange::size).sum();
    for (int i = 0; i < requested.size(); i++) {
      if (out[i] != null) {
        continue;
      }
      if (total - taken.size() <= 0) {
        return Optional.empty();
      }
      long start = total == 0 ? 0 : Math.floorMod(random.nextLong(), total);
      Integer chosen = null;
      for (long k = 0; k < total && chosen == null; k++) {
        int port = portAt(ranges, (start + k) % total);
        if (!taken.contains(port)) {
          chosen = port;
        }
      }
      if (chosen == null) {
        return Optional.empty();
      }
      taken.add(chosen);
      out[i] = chosen;
    }
    return Optional.of(List.of(out));
  }

  private static int portAt(List<PortRange> ranges, long index) {
    long i = index;
    for (PortRange r : ranges) {
      if (i < r.size()) {
        return (int) (r.begin() + i);
      }
      i -= r.size();
    }
    throw new IllegalArgumentException("port index " + index + " out of range");
  }

  /** Host ports an app asks for: its port definitions, or the host ports of its port mappings. */
  public static List<Integer> requestedPorts(io.mezzo.marathon.model.AppDefinition app) {
    List<Integer> out = new ArrayList<>();
    if (app.container() != null && !app.container().portMappings().isEmpty()) {
      app.container().portMappings().stream().filter(m -> m.hostPort() != null).forEach(m -> out.add(m.hostPort()));
    } else {
      app.portDefinitions().forEach(d -> out.add(d.port()));
    }
    return out;
  }
}
