package io.mezzo.mesos.client.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mezzo.common.net.Ips;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the Mesos master's {@code GET /master/state} document: {@code leader}/{@code leader_info},
 * {@code slaves[]}, {@code frameworks[]} with their {@code tasks[]} and {@code unreachable_tasks[]}.
 * Other fields are ignored; missing optional fields give empty values. Hostnames are never resolved.
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
    Master leader = leader(root);
    List<Agent> agents = new ArrayList<>();
    for (JsonNode s : root.path("slaves")) {
      Endpoint pid = Endpoint.ofPid(s.path("pid").asText(""));
      String hostname = s.path("hostname").asText("");
      String ip = pid.ip() != null ? pid.ip() : Ips.literalOrNull(hostname);
      agents.add(new Agent(s.path("id").asText(), hostname, ip, s.path("port").asInt(pid.port())));
    }
    List<Framework> frameworks = new ArrayList<>();
    List<Task> tasks = new ArrayList<>();
    for (JsonNode f : root.path("frameworks")) {
      String frameworkId = f.path("id").asText();
      Endpoint pid = Endpoint.ofPid(f.path("pid").asText(""));
      String hostname = f.path("hostname").asText("");
      String ip = pid.ip() != null ? pid.ip() : Ips.literalOrNull(hostname);
      frameworks.add(new Framework(frameworkId, f.path("name").asText(""), hostname, ip, pid.port()));
      for (JsonNode t : f.path("tasks")) {
        tasks.add(task(t, frameworkId));
      }
      for (JsonNode t : f.path("unreachable_tasks")) {
        tasks.add(task(t, frameworkId));
      }
    }
    return new ClusterState(leader == null ? List.of() : List.of(leader), leader, agents, frameworks, tasks);
  }

  private static Master leader(JsonNode root) {
    JsonNode info = root.path("leader_info");
    if (info.isObject()) {
      JsonNode address = info.path("address");
      String hostname = address.path("hostname").asText(info.path("hostname").asText(""));
      String ip = Ips.literalOrNull(address.path("ip").asText(""));
      int port = address.path("port").asInt(info.path("port").asInt(5050));
      if (ip == null) {
        ip = Endpoint.ofPid(info.path("pid").asText(root.path("leader").asText(""))).ip();
      }
      return new Master(info.path("id").asText(""), hostname, ip, port);
    }
    Endpoint pid = Endpoint.ofPid(root.path("leader").asText(""));
    return pid.ip() == null ? null : new Master("", root.path("hostname").asText(""), pid.ip(), pid.port());
  }

  /** One task object of the state document (or of a TASK_ADDED event in JSON). */
  public static Task task(JsonNode t, String frameworkId) {
    JsonNode statuses = t.path("statuses");
    JsonNode last = statuses.isArray() && !statuses.isEmpty() ? statuses.get(statuses.size() - 1) : null;
    Boolean healthy = last != null && last.path("healthy").isBoolean() ? last.path("healthy").asBoolean() : null;
    return new Task(t.path("id").asText(), t.path("name").asText(""), t.path("framework_id").asText(frameworkId),
        t.path("slave_id").asText(t.path("agent_id").path("value").asText("")), t.path("state").asText(""),
        healthy, containerIps(statuses), discovery(t.path("discovery")), portMappings(t.path("container")),
        ports(t.path("resources").path("ports")), labels(t.path("labels")));
  }

  /** IPs of the latest TASK_RUNNING status that reports any network info. */
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

  private static DiscoveryInfo discovery(JsonNode d) {
    if (!d.isObject()) {
      return null;
    }
    List<DiscoveryInfo.Port> ports = new ArrayList<>();
    for (JsonNode p : d.path("ports").path("ports")) {
      ports.add(new DiscoveryInfo.Port(p.path("number").asInt(), text(p.path("name")), text(p.path("protocol")),
          labels(p.path("labels"))));
    }
    return new DiscoveryInfo(text(d.path("name")), ports, labels(d.path("labels")));
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

  private static String text(JsonNode n) {
    return n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
  }

  /** Labels given either as a {@code [{key, value}]} array or as the protobuf shape {@code {"labels": [...]}}. */
  private static Map<String, String> labels(JsonNode node) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (JsonNode l : node.isArray() ? node : node.path("labels")) {
      labels.putIfAbsent(l.path("key").asText(), l.path("value").asText(""));
    }
    return labels;
  }

  /** A ports resource: {@code "[31000-31002, 31005-31005]"} (state.json), a ranges array or {@code {"range": [...]}}. */
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

  /** host:port out of a libprocess PID {@code name@host:port}. */
  record Endpoint(String ip, int port) {
    static Endpoint ofPid(String pid) {
      int at = pid.indexOf('@');
      String hostPort = at < 0 ? pid : pid.substring(at + 1);
      int colon = hostPort.lastIndexOf(':');
      if (colon < 0) {
        return new Endpoint(Ips.literalOrNull(hostPort), 0);
      }
      int port;
      try {
        port = Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = 0;
      }
      return new Endpoint(Ips.literalOrNull(hostPort.substring(0, colon)), port);
    }
  }
}
