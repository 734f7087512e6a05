package io.mezzo.master.core;

import io.mezzo.mesos.proto.ResourceBag;
import io.mezzo.mesos.proto.Resources;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Resource.ReservationInfo;

/**
 * The dynamic reservations of one agent, per role: what is reserved and the reservation (principal,
 * labels) it was made with. Immutable. {@link ResourceBag} keys resources by role only, so the
 * reservation details live here and are put back on resources when they are offered or shown.
 * Only one level of reservation is tracked (reservations of unreserved resources, no refinement).
 */
final class Reservations {
  static final Reservations NONE = new Reservations(Map.of(), Map.of());

  private final Map<String, ResourceBag> bags;
  private final Map<String, ReservationInfo> infos;

  private Reservations(Map<String, ResourceBag> bags, Map<String, ReservationInfo> infos) {
    this.bags = Collections.unmodifiableMap(bags);
    this.infos = Collections.unmodifiableMap(infos);
  }

  /** The DYNAMIC reservations among {@code resources} (e.g. an AgentInfo read back from the registry). */
  static Reservations from(List<Resource> resources) {
    List<Resource> dynamic = resources.stream().filter(Reservations::isDynamic).toList();
    return dynamic.isEmpty() ? NONE : NONE.plus(dynamic);
  }

  static boolean isDynamic(Resource r) {
    return r.getReservationsCount() > 0
        && r.getReservations(r.getReservationsCount() - 1).getType() == ReservationInfo.Type.DYNAMIC;
  }

  /** The resources without reservation or allocation info: what a reservation is made from. */
  static List<Resource> unreserved(List<Resource> resources) {
    return resources.stream().map(r -> r.toBuilder().clearReservations().clearRole().clearAllocationInfo().build()).toList();
  }

  /** The resources as stored: the last reservation only, no allocation info. */
  static List<Resource> canonical(List<Resource> resources) {
    return resources.stream().map(r -> r.toBuilder().clearAllocationInfo().clearReservations().clearRole()
        .addReservations(r.getReservations(r.getReservationsCount() - 1)).build()).toList();
  }

  boolean isEmpty() {
    return bags.isEmpty();
  }

  ResourceBag reserved() {
    ResourceBag sum = ResourceBag.EMPTY;
    for (ResourceBag b : bags.values()) {
      sum = sum.add(b);
    }
    return sum;
  }

  /** @throws IllegalArgumentException for resources a {@link ResourceBag} refuses */
  Reservations plus(List<Resource> dynamic) {
    Map<String, ResourceBag> b = new TreeMap<>(bags);
    Map<String, ReservationInfo> i = new TreeMap<>(infos);
    for (Resource r : canonical(dynamic)) {
      String role = Resources.roleOf(r);
      b.merge(role, ResourceBag.of(List.of(r)), ResourceBag::add);
      i.put(role, r.getReservations(0));
    }
    return new Reservations(b, i);
  }

  /** Whether every resource of {@code dynamic} is reserved here (by role). */
  boolean contains(List<Resource> dynamic) {
    return reserved().contains(ResourceBag.of(dynamic));
  }

  Reservations minus(List<Resource> dynamic) {
    Map<String, ResourceBag> b = new TreeMap<>(bags);
    Map<String, ReservationInfo> i = new TreeMap<>(infos);
    for (Resource r : canonical(dynamic)) {
      String role = Resources.roleOf(r);
      ResourceBag left = b.getOrDefault(role, ResourceBag.EMPTY).subtract(ResourceBag.of(List.of(r)));
      if (left.isEmpty()) {
        b.remove(role);
        i.remove(role);
      } else {
        b.put(role, left);
      }
    }
    return new Reservations(b, i);
  }

  /**
   * The agent's total given what it reports: the reserved part is taken out of its unreserved
   * resources. A role whose reservation no longer fits (the agent shrank) is left out.
   */
  ResourceBag applyTo(ResourceBag reported) {
    ResourceBag total = reported;
    for (Map.Entry<String, ResourceBag> e : bags.entrySet()) {
      ResourceBag from = ResourceBag.of(unreserved(e.getValue().toResources()));
      if (total.contains(from)) {
        total = total.subtract(from).add(e.getValue());
      }
    }
    return total;
  }

  /** Resources with the DYNAMIC reservation put back for the roles reserved here (a bag prints STATIC ones). */
  List<Resource> decorate(List<Resource> resources) {
    if (infos.isEmpty()) {
      return resources;
    }
    List<Resource> out = new ArrayList<>(resources.size());
    for (Resource r : resources) {
      ReservationInfo info = r.getReservationsCount() == 1 ? infos.get(Resources.roleOf(r)) : null;
      out.add(info == null ? r : r.toBuilder().setReservations(0, info).build());
    }
    return out;
  }

  /** The reserved resources with their DYNAMIC reservation info. */
  List<Resource> toResources() {
    return decorate(reserved().toResources());
  }
}
