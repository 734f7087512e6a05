package io.mezzo.l4lb.state;

import io.mezzo.common.net.Ips;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the Mesos master's {@code GET /master/state} document: {@code slaves[]} and
 * {@code frameworks[]} with their {@code tasks[]} and {@code unreachable_tasks[]}. Fields the load balancer does not use are ignored;
 * missing optional fields give empty values. Hostnames are never resolved.
 */
public final class StateJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private StateJson() {
  }

  /** Throws {@link IllegalArgumentException} when the text is not a JSON object. */
  public static ClusterState parse(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("State is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("State is not a JSON object");
    }
    List<Agent> agents = new ArrayList<>();
    for (JsonNode s : root.path("slaves")) {
      String ip = pidIp(s.path("pid").asText(""));
      agents.add(new Agent(s.path("id").asText(), ip != null ? ip : Ips.literalOrNull(s.path("hostname").asText(""))));
    }
    List<Framework> frameworks = new ArrayList<>();
    List<Task> tasks = new ArrayList<>();
    for (JsonNode f : root.path("frameworks")) {
      String frameworkId = f.path("id").asText();
      frameworks.add(new Framework(frameworkId, f.path("name").asText("")));
      for (JsonNode t : f.path("tasks")) {
        tasks.add(task(t, frameworkId));
      }
      for (JsonNode t : f.path("unreachable_tasks")) {
        tasks.add(task(t, frameworkId));
      }
    }
    return new ClusterState(agents, frameworks, tasks);
  }

  /** One task object of the state document (or of a TASK_ADDED event). */
  public static Task task(JsonNode t, String frameworkId) {
    JsonNode statuses = t.path("statuses");
    JsonNode last = statuses.isArray() && !statuses.isEmpty() ? statuses.get(statuses.size() - 1) : null;
    Boolean healthy = last != null && last.path("healthy").isBoolean() ? last.path("healthy").asBoolean() : null;
    return new Task(t.path("id").asText(), t.path("framework_id").asText(frameworkId),
        t.path("slave_id").asText(t.path("agent_id").path("value").asText("")), t.path("state").asText(""),
        healthy, containerIps(statuses), discoveryPorts(t.path("discovery")), portMappings(t.path("container")),
        ports(t.path("resources").path("ports")), labels(t.path("labels").path("labels")));
  }

  /** IPs of the latest TASK_RUNNING status that reports any. */
  private static List<String> containerIps(JsonNode statuses) {
    List<String> ips = List.of();
    for (JsonNode status : statuses) {
      if (!Task.RUNNING.equals(status.path("state").asText())) {
        continue;
      }
      List<String> found = new ArrayList<>();
      for (JsonNode net : status.path("container_status").path("network_infos")) {
        for (JsonNode addr : net.path("ip_addresses")) {
          String ip = Ips.literalOrNull(addr.path("ip_address").asText(""));
          if (ip != null) {
            found.add(ip);
          }
        }
      }
      if (!found.isEmpty()) {
        ips = found;
      }
    }
    return ips;
  }

  private static List<DiscoveryPort> discoveryPorts(JsonNode d) {
    List<DiscoveryPort> ports = new ArrayList<>();
    for (JsonNode p : d.path("ports").path("ports")) {
      JsonNode protocol = p.path("protocol");
      ports.add(new DiscoveryPort(p.path("number").asInt(),
          protocol.isTextual() && !protocol.asText().isEmpty() ? protocol.asText() : null,
          labels(p.path("labels").path("labels"))));
    }
    return ports;
  }

  private static List<PortMapping> portMappings(JsonNode container) {
    List<PortMapping> mappings = new ArrayList<>();
    addMappings(container.path("docker").path("port_mappings"), mappings);
    for (JsonNode net : container.path("network_infos")) {
      addMappings(net.path("port_mappings"), mappings);
    }
    return mappings;
  }

  private static void addMappings(JsonNode list, List<PortMapping> into) {
    for (JsonNode m : list) {
      into.add(new PortMapping(m.path("container_port").asInt(), m.path("host_port").asInt(),
          m.path("protocol").asText("tcp")));
    }
  }

  private static Map<String, String> labels(JsonNode list) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (JsonNode l : list) {
      labels.putIfAbsent(l.path("key").asText(), l.path("value").asText(""));
    }
    return labels;
  }

  /** A ports resource: {@code "[31000-31002, 31005-31005]"} (state.json) or a ranges array. */
  static List<Integer> ports(JsonNode node) {
    List<Integer> ports = new ArrayList<>();
    if (node.isTextual()) {
      String s = node.asText().replace("[", "").replace("]", "").trim();
      if (s.isEmpty()) {
        return ports;
      }
      for (String range : s.split(",")) {
        String[] ends = range.trim().split("-");
        try {
          int begin = Integer.parseInt(ends[0].trim());
          int end = ends.length > 1 ? Integer.parseInt(ends[1].trim()) : begin;
          for (int p = begin; p <= end && ports.size() < 1024; p++) {
            ports.add(p);
          }
        } catch (NumberFormatException e) {
          // a malformed range gives no ports rather than failing the whole state
        }
      }
    } else {
      for (JsonNode r : node.path("range").isArray() ? node.path("range") : node) {
        for (int p = r.path("begin").asInt(); p > 0 && p <= r.path("end").asInt() && ports.size() < 1024; p++) {
          ports.add(p);
        }
      }
    }
    return ports;
  }

  /** The IP out of a libprocess PID {@code name@ip:port}, or null. */
  private static String pidIp(String pid) {
    int at = pid.indexOf('@');
    String hostPort = at < 0 ? pid : pid.substring(at + 1);
    int colon = hostPort.lastIndexOf(':');
    return Ips.literalOrNull(colon < 0 ? hostPort : hostPort.substring(0, colon));
  }
}
