package io.mezzo.dns.records;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable authoritative zone.
 *
 * @param origin         the apex, e.g. {@code mesos.}
 * @param mesosDnsEmpty  true for the Mesos-DNS empty-answer rule (empty SRV/SOA/NS is NOERROR even for names that
 *                       do not exist); false for the plain RFC rule
 */
public record Zone(String origin, ResourceRecord soa, Map<String, List<ResourceRecord>> byName, Set<String> names,
                   boolean mesosDnsEmpty) {

  public Zone(String origin, ResourceRecord soa, Map<String, List<ResourceRecord>> byName, boolean mesosDnsEmpty) {
    // HashMap, not Map.copyOf: the immutable maps probe linearly, and names like task-1.app.mesos,
    // task-2.app.mesos... have clustered hashes, which made every lookup walk long runs at 10,000 tasks
    this(origin, soa, Collections.unmodifiableMap(new HashMap<>(byName)), existing(origin, byName.keySet()),
        mesosDnsEmpty);
  }

  /** True when the name is the origin or lies below it. */
  public boolean contains(String name) {
    return name.equals(origin) || name.endsWith("." + origin);
  }

  public List<ResourceRecord> records(String name) {
    return byName.getOrDefault(name, List.of());
  }

  /** True when the name holds records or is an empty non-terminal above names that do. */
  public boolean exists(String name) {
    return names.contains(name);
  }

  public int size() {
    return byName.values().stream().mapToInt(List::size).sum();
  }

  private static Set<String> existing(String origin, Set<String> owners) {
    Set<String> names = new HashSet<>();
    names.add(origin);
    for (String owner : owners) {
      for (String n = owner; n.length() > origin.length() && n.endsWith(origin); n = n.substring(n.indexOf('.') + 1)) {
        if (!names.add(n)) {
          break;
        }
      }
    }
    return Collections.unmodifiableSet(names);
  }

  /** Collects records for one zone, dropping exact duplicates and keeping insertion order. */
  static final class Builder {
    private final String origin;
    private final long ttl;
    private final Map<String, List<ResourceRecord>> byName = new LinkedHashMap<>();

    Builder(String origin, long ttl) {
      this.origin = origin;
      this.ttl = ttl;
    }

    ResourceRecord add(String name, Rdata data) {
      ResourceRecord rr = new ResourceRecord(name, ttl, data);
      List<ResourceRecord> list = byName.computeIfAbsent(name, k -> new java.util.ArrayList<>());
      if (!list.contains(rr)) {
        list.add(rr);
      }
      return rr;
    }

    Zone build(ResourceRecord soa, boolean mesosDnsEmpty) {
      Map<String, List<ResourceRecord>> frozen = new LinkedHashMap<>();
      byName.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
      return new Zone(origin, soa, frozen, mesosDnsEmpty);
    }
  }
}
