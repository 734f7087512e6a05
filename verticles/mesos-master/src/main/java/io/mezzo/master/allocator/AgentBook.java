package io.mezzo.master.allocator;

import io.mezzo.mesos.proto.ResourceBag;
import io.mezzo.mesos.proto.Resources;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.mesos.v1.Protos.Resource;

/**
 * One agent: its total, what each framework holds on it per role, and the free rest. The free bag
 * is total minus the sum of allocations at all times; recovering never frees more than was held.
 */
final class AgentBook {

  final String id;
  final ResourceBag total;
  final long[] totalQ;
  final boolean hasReservations;
  boolean active = true;
  private ResourceBag free;
  private long[] freeQ;
  private final Map<String, Map<String, ResourceBag>> allocations = new HashMap<>();

  AgentBook(String id, ResourceBag total) {
    this.id = id;
    this.total = total;
    this.totalQ = Quantities.of(total);
    this.hasReservations = !total.forRole(Resources.UNRESERVED).equals(total);
    this.free = total;
    this.freeQ = totalQ.clone();
  }

  ResourceBag free() {
    return free;
  }

  long[] freeQ() {
    return freeQ;
  }

  /** Free resources a framework of {@code role} may use: unreserved, or reserved for it or an ancestor. */
  ResourceBag usableBy(String role) {
    if (!hasReservations) {
      return free;
    }
    ResourceBag usable = free.forRole(Resources.UNRESERVED);
    for (String r = role; r != null; r = QuotaLimits.parent(r)) {
      if (!Resources.UNRESERVED.equals(r)) {
        usable = usable.add(free.forRole(r));
      }
    }
    return usable;
  }

  /** Charges {@code bag} to the framework's role; the caller guarantees {@code free().contains(bag)}. */
  void allocate(String frameworkId, String role, ResourceBag bag) {
    allocations.computeIfAbsent(frameworkId, x -> new HashMap<>(2)).merge(role, bag, ResourceBag::add);
    setFree(free.subtract(bag));
  }

  /** Frees what the framework holds of {@code bag}; returns the freed part per role. */
  Map<String, ResourceBag> recover(String frameworkId, ResourceBag bag) {
    Map<String, ResourceBag> held = allocations.get(frameworkId);
    if (held == null) {
      return Map.of();
    }
    Map<String, ResourceBag> freed = new LinkedHashMap<>();
    ResourceBag rest = bag;
    for (String role : new TreeMap<>(held).keySet()) {
      if (rest.isEmpty()) {
        break;
      }
      ResourceBag mine = held.get(role);
      ResourceBag part = intersect(mine, rest);
      if (part.isEmpty()) {
        continue;
      }
      ResourceBag left = mine.subtract(part);
      if (left.isEmpty()) {
        held.remove(role);
      } else {
        held.put(role, left);
      }
      rest = rest.subtract(part);
      freed.put(role, part);
    }
    if (held.isEmpty()) {
      allocations.remove(frameworkId);
    }
    freed.values().forEach(part -> setFree(free.add(part)));
    return freed;
  }

  /** Frees everything the framework holds; returns it per role. */
  Map<String, ResourceBag> removeFramework(String frameworkId) {
    Map<String, ResourceBag> held = allocations.remove(frameworkId);
    if (held == null) {
      return Map.of();
    }
    held.values().forEach(part -> setFree(free.add(part)));
    return held;
  }

  /** Moves what the framework holds for {@code from} to {@code to}. */
  void reattribute(String frameworkId, String from, String to) {
    Map<String, ResourceBag> held = allocations.get(frameworkId);
    ResourceBag moved = held == null ? null : held.remove(from);
    if (moved != null) {
      held.merge(to, moved, ResourceBag::add);
    }
  }

  Map<String, ResourceBag> heldBy(String frameworkId) {
    return Collections.unmodifiableMap(allocations.getOrDefault(frameworkId, Map.of()));
  }

  Map<String, Map<String, ResourceBag>> allocations() {
    return Collections.unmodifiableMap(allocations);
  }

  private void setFree(ResourceBag bag) {
    free = bag;
    freeQ = Quantities.of(bag);
  }

  /** What both bags hold (saturating subtraction makes {@code a - (a - b)} the intersection). */
  static ResourceBag intersect(ResourceBag a, ResourceBag b) {
    return a.subtract(a.subtract(b));
  }

  /** {@code bag} split by reservation role ({@code *} for unreserved). */
  static Map<String, ResourceBag> byRole(ResourceBag bag) {
    Map<String, List<Resource>> grouped = bag.toResources().stream()
        .collect(Collectors.groupingBy(Resources::roleOf, TreeMap::new, Collectors.toList()));
    Map<String, ResourceBag> out = new TreeMap<>();
    grouped.forEach((role, list) -> out.put(role, ResourceBag.of(list)));
    return out;
  }
}
