package io.mezzo.common.health;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest health report of every component on every node. A component whose last report is
 * older than {@code staleAfter} counts as unhealthy; a node that leaves the cluster takes its
 * components with it. Not thread-safe: owned by one verticle.
 */
public final class HealthRegistry {
  private final Clock clock;
  private final Duration staleAfter;
  private final Map<String, HealthReport> reports = new HashMap<>();

  public HealthRegistry(Clock clock, Duration staleAfter) {
    this.clock = clock;
    this.staleAfter = staleAfter;
  }

  /** Records a report, replacing the component's previous one on that node. */
  public void report(HealthReport report) {
    reports.put(key(report.nodeId(), report.component()), report);
  }

  /** Forgets every component of a node that left the cluster; returns how many were dropped. */
  public int nodeLeft(String nodeId) {
    int before = reports.size();
    reports.values().removeIf(r -> r.nodeId().equals(nodeId));
    return before - reports.size();
  }

  /** Every known unit, with stale ones turned unhealthy, ordered by node then component. */
  public List<HealthReport> snapshot() {
    long now = clock.millis();
    List<HealthReport> out = new ArrayList<>();
    for (HealthReport r : reports.values()) {
      long age = now - r.timestampMs();
      if (r.healthy() && age > staleAfter.toMillis()) {
        out.add(new HealthReport(r.component(), r.title(), r.nodeId(), r.host(), r.role(), false,
            "no report for " + (age / 1000) + " s", r.timestampMs()));
      } else {
        out.add(r);
      }
    }
    out.sort(Comparator.comparing(HealthReport::nodeId).thenComparing(HealthReport::component));
    return out;
  }

  /** The units of one node. */
  public List<HealthReport> node(String nodeId) {
    return snapshot().stream().filter(r -> r.nodeId().equals(nodeId)).toList();
  }

  private static String key(String nodeId, String component) {
    return nodeId + "/" + component;
  }
}
