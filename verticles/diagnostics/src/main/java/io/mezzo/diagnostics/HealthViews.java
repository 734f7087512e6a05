package io.mezzo.diagnostics;

import io.mezzo.common.health.HealthReport;
import io.mezzo.common.health.NodeHealth;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Builds the health API's JSON in dcos-diagnostics' shapes: {@code health} is 0 for healthy and 1
 * for unhealthy, units are named {@code mezzo-<component>.service}.
 */
final class HealthViews {
  static final String VERSION = "0.1.0";

  private HealthViews() {
  }

  static String unitId(String component) {
    return "mezzo-" + component + ".service";
  }

  static int health(boolean healthy) {
    return healthy ? 0 : 1;
  }

  /** {@code GET /system/health/v1}: this node and its units. */
  static JsonObject node(NodeHealth node) {
    JsonArray units = new JsonArray();
    for (HealthReport r : node.units()) {
      units.add(new JsonObject()
          .put("id", unitId(r.component()))
          .put("health", health(r.healthy()))
          .put("output", r.output())
          .put("description", "Mezzo " + r.title())
          .put("help", "")
          .put("name", r.title()));
    }
    return new JsonObject()
        .put("units", units)
        .put("hostname", node.hostname())
        .put("ip", node.host())
        .put("dcos_version", VERSION)
        .put("node_role", node.role())
        .put("mesos_id", "")
        .put("dcos_diagnostics_version", VERSION)
        .put("node_id", node.nodeId())
        .put("pid", node.pid());
  }

  /** {@code GET /units}: each unit once, unhealthy when it is unhealthy on any node. */
  static JsonObject units(Collection<HealthReport> reports) {
    JsonArray units = new JsonArray();
    byUnit(reports).forEach((component, list) -> units.add(unit(component, list)));
    return new JsonObject().put("units", units);
  }

  static JsonObject unit(String component, List<HealthReport> list) {
    boolean healthy = list.stream().allMatch(HealthReport::healthy);
    return new JsonObject()
        .put("id", unitId(component))
        .put("name", list.get(0).title())
        .put("health", health(healthy))
        .put("description", "Mezzo " + list.get(0).title());
  }

  static Map<String, List<HealthReport>> byUnit(Collection<HealthReport> reports) {
    return reports.stream().collect(Collectors.groupingBy(HealthReport::component, TreeMap::new, Collectors.toList()));
  }

  /** One entry of {@code GET /nodes}; a node that did not answer is unhealthy. */
  static JsonObject nodeEntry(String nodeId, NodeHealth answer) {
    if (answer == null) {
      return new JsonObject().put("host_ip", "").put("health", 1).put("role", "").put("node_id", nodeId)
          .put("output", "node did not answer");
    }
    boolean healthy = answer.units().stream().allMatch(HealthReport::healthy);
    return new JsonObject()
        .put("host_ip", answer.host())
        .put("health", health(healthy))
        .put("role", answer.role())
        .put("node_id", nodeId)
        .put("hostname", answer.hostname())
        .put("pid", answer.pid());
  }
}
