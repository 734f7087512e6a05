package io.mezzo.master.allocator;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The two levels of DRF: a hierarchical sorter of roles and, per role, a flat sorter of its
 * frameworks, all over the same cluster total. A framework is a client of a role's sorter while it
 * is subscribed to the role or holds resources for it; it is active there (gets offers) only while
 * offerable for the role. A role is active while it has an active framework.
 */
final class Shares {

  private final DrfSorter roles = new DrfSorter(true);
  private final Map<String, DrfSorter> frameworksOf = new HashMap<>();
  private final Map<String, Set<String>> rolesOf = new HashMap<>();
  private long[] total = Quantities.zero();

  void setTotal(long[] clusterTotal) {
    total = clusterTotal.clone();
    roles.setTotal(total);
    frameworksOf.values().forEach(s -> s.setTotal(total));
  }

  void setWeight(String role, double weight) {
    roles.setWeight(role, weight);
  }

  void charge(String role, String frameworkId, long[] q) {
    track(role, frameworkId).allocated(frameworkId, q, 1);
    roles.allocated(role, q, 1);
  }

  void credit(String role, String frameworkId, long[] q) {
    DrfSorter sorter = frameworksOf.get(role);
    if (sorter == null || !sorter.contains(frameworkId)) {
      return;
    }
    sorter.allocated(frameworkId, q, -1);
    roles.allocated(role, q, -1);
    dropIfIdle(role, frameworkId);
  }

  void setOfferable(String role, String frameworkId, boolean offerable) {
    if (offerable) {
      track(role, frameworkId).activate(frameworkId);
      roles.activate(role);
      return;
    }
    DrfSorter sorter = frameworksOf.get(role);
    if (sorter != null && sorter.contains(frameworkId)) {
      sorter.deactivate(frameworkId);
      if (!sorter.hasActive()) {
        roles.deactivate(role);
      }
      dropIfIdle(role, frameworkId);
    }
  }

  /** Roles where the framework is a client (a copy). */
  Set<String> rolesOf(String frameworkId) {
    return new HashSet<>(rolesOf.getOrDefault(frameworkId, Set.of()));
  }

  List<String> roleOrder() {
    return roles.order();
  }

  /** The first active framework of {@code role} in DRF order that {@code accept} takes, or null. */
  String firstFramework(String role, Predicate<String> accept) {
    DrfSorter sorter = frameworksOf.get(role);
    return sorter == null ? null : sorter.first(accept);
  }

  long[] subtreeAllocation(String role) {
    return roles.subtreeAllocation(role);
  }

  long[] allocation(String role, String frameworkId) {
    DrfSorter sorter = frameworksOf.get(role);
    return sorter == null ? Quantities.zero() : sorter.allocation(frameworkId);
  }

  private DrfSorter track(String role, String frameworkId) {
    DrfSorter sorter = frameworksOf.computeIfAbsent(role, r -> {
      DrfSorter s = new DrfSorter(false);
      s.setTotal(total);
      roles.add(r);
      return s;
    });
    sorter.add(frameworkId);
    rolesOf.computeIfAbsent(frameworkId, f -> new HashSet<>()).add(role);
    return sorter;
  }

  private void dropIfIdle(String role, String frameworkId) {
    DrfSorter sorter = frameworksOf.get(role);
    if (sorter.isActive(frameworkId) || !Quantities.isZero(sorter.allocation(frameworkId))) {
      return;
    }
    sorter.remove(frameworkId);
    Set<String> mine = rolesOf.get(frameworkId);
    mine.remove(role);
    if (mine.isEmpty()) {
      rolesOf.remove(frameworkId);
    }
    if (sorter.isEmpty()) {
      frameworksOf.remove(role);
      roles.remove(role);
    }
  }
}
