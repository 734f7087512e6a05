package io.mezzo.master.allocator;

import io.mezzo.mesos.proto.ResourceBag;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One framework's refuse filters (Mesos's {@code refuse_seconds}): after declining resources of an
 * agent for a role, the framework is not offered that agent for that role until the filter expires,
 * unless the offer would hold something the declined resources did not (more got free since).
 * A later decline for the same agent and role replaces the filter. Expired filters are dropped when
 * next looked at.
 */
final class RefuseFilters {

  private record Key(String agentId, String role) {
  }

  private record Filter(ResourceBag refused, Instant until) {
  }

  private final Map<Key, Filter> filters = new HashMap<>();

  void add(String agentId, String role, ResourceBag refused, Instant until) {
    filters.put(new Key(agentId, role), new Filter(refused, until));
  }

  /** True when an unexpired filter covers everything in {@code offer}. */
  boolean blocks(String agentId, String role, ResourceBag offer, Instant now) {
    if (filters.isEmpty()) {
      return false;
    }
    Key key = new Key(agentId, role);
    Filter f = filters.get(key);
    if (f == null) {
      return false;
    }
    if (!now.isBefore(f.until())) {
      filters.remove(key);
      return false;
    }
    return f.refused().contains(offer);
  }

  /** Drops the filters of these roles (all when {@code roles} is empty). */
  void clear(Set<String> roles) {
    if (roles.isEmpty()) {
      filters.clear();
    } else {
      filters.keySet().removeIf(k -> roles.contains(k.role()));
    }
  }

  void forgetAgent(String agentId) {
    if (!filters.isEmpty()) {
      filters.keySet().removeIf(k -> k.agentId().equals(agentId));
    }
  }

  int size() {
    return filters.size();
  }
}
