package io.mezzo.master.core;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.mesos.v1.Protos.FrameworkInfo;

/** A framework as the master knows it. */
final class FrameworkRecord {
  final String id;
  FrameworkInfo info;
  FrameworkChannel channel;
  /** Recovered from the registry after a master failover, not yet re-subscribed. */
  boolean recovered;
  boolean active = true;
  Instant registeredTime;
  Instant reregisteredTime;
  Instant unregisteredTime;
  /** When a disconnected framework is torn down unless it re-subscribes. */
  Instant failoverDeadline;
  Set<String> suppressedRoles = new HashSet<>();
  final Map<String, OfferRecord> offers = new LinkedHashMap<>();
  final CountedMap<String, TaskRecord> tasks = new CountedMap<>();
  private final UsedSum used = new UsedSum(tasks);

  FrameworkRecord(String id, FrameworkInfo info) {
    this.id = id;
    this.info = info;
  }

  /** Resources of the framework's live tasks (kept until its tasks change). */
  io.mezzo.mesos.proto.ResourceBag used() {
    return used.get();
  }

  boolean connected() {
    return channel != null;
  }

  boolean hasCapability(FrameworkInfo.Capability.Type type) {
    return info.getCapabilitiesList().stream().anyMatch(c -> c.getType() == type);
  }

  boolean partitionAware() {
    return hasCapability(FrameworkInfo.Capability.Type.PARTITION_AWARE);
  }

  /** The framework's roles: {@code roles} with MULTI_ROLE, else the deprecated single {@code role}. */
  Set<String> roles() {
    if (hasCapability(FrameworkInfo.Capability.Type.MULTI_ROLE)) {
      return new HashSet<>(info.getRolesList());
    }
    @SuppressWarnings("deprecation")
    String role = info.hasRole() ? info.getRole() : "*";
    return Set.of(role);
  }
}
