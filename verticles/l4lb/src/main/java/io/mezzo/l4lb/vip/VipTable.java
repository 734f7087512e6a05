package io.mezzo.l4lb.vip;

import io.mezzo.mesos.client.cluster.Agent;
import io.mezzo.mesos.client.cluster.ClusterState;
import io.mezzo.mesos.client.cluster.DiscoveryInfo;
import io.mezzo.mesos.client.cluster.Framework;
import io.mezzo.mesos.client.cluster.PortMapping;
import io.mezzo.mesos.client.cluster.Task;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds every VIP with its backends from the cluster state. Pure: the same state and range give
 * the same table on every node.
 *
 * <p>Sources of VIPs: each DiscoveryInfo port label whose key starts with {@code VIP} or
 * {@code vip} (protocol from the port, tcp when it has none), and the legacy task labels
 * {@code VIP_PORT<idx>=tcp://<label>} for the idx-th (from 0) port of the task's {@code ports}
 * resource. Named VIPs are keyed by their DNS name {@code <name>.<framework>.l4lb.thisdcos.directory}
 * (both parts through {@link DomainFrag}), so labels that give the same name share one VIP.
 *
 * <p>Backends: {@code agentIP:hostPort} when the port is published on the agent (a port mapping, or
 * always for the legacy labels), else {@code taskIP:port} for each task IP (the agent IP when the
 * task reports none). Weight 1 for {@code TASK_RUNNING}, 0 when its last health check failed or the
 * task is {@code TASK_KILLING}; tasks in any other state are not backends. Tasks in
 * {@code TASK_UNREACHABLE} (their agent is unreachable) are backends of a VIP only when it has no
 * other backend, as dcos-l4lb keeps unreachable backends only when all are. A VIP with no backends
 * is left out.
 */
public final class VipTable {
  public static final String ZONE = "l4lb.thisdcos.directory";

  private VipTable() {
  }

  /** {@code <name>.<framework>.l4lb.thisdcos.directory}; e.g. {@code /mygroup/myapp}, {@code marathon}. */
  public static String dnsName(String vipName, String framework) {
    return DomainFrag.of(vipName) + "." + DomainFrag.of(framework) + "." + ZONE;
  }

  /** The VIPs sorted by key. */
  public static List<Vip> build(ClusterState state, VipRange range) {
    Map<VipKey, Map<BackendAddress, Integer>> backends = new TreeMap<>();
    Map<VipKey, Map<BackendAddress, Integer>> unreachable = new TreeMap<>();
    for (Task task : state.tasks()) {
      int weight = weight(task);
      if (weight < 0) {
        continue;
      }
      Map<VipKey, Map<BackendAddress, Integer>> into = Task.UNREACHABLE.equals(task.state()) ? unreachable : backends;
      String agentIp = state.agent(task.agentId()).map(Agent::ip).orElse(null);
      String framework = state.framework(task.frameworkId()).map(Framework::name).orElse("");
      for (DiscoveryInfo.Port port : task.discoveryPorts()) {
        Protocol protocol = port.protocol() == null ? Protocol.TCP : Protocol.parse(port.protocol());
        if (protocol == null) {
          continue;
        }
        List<BackendAddress> addresses = addresses(task, port, protocol, agentIp);
        for (Map.Entry<String, String> label : port.labels().entrySet()) {
          if (VipLabel.isVipKey(label.getKey())) {
            VipLabel.parse(label.getValue()).flatMap(l -> key(l, protocol, framework))
                .ifPresent(key -> addresses.forEach(a -> add(into, key, a, weight)));
          }
        }
      }
      for (Map.Entry<String, String> label : task.labels().entrySet()) {
        legacy(task, label.getKey(), label.getValue(), agentIp, framework)
            .ifPresent(e -> add(into, e.key(), e.address(), weight));
      }
    }
    // backends on unreachable agents serve only a VIP that has no other backend at all
    unreachable.forEach(backends::putIfAbsent);
    return assemble(backends, range);
  }

  /** -1 when the task is not a backend. */
  static int weight(Task task) {
    if (Task.RUNNING.equals(task.state()) || Task.UNREACHABLE.equals(task.state())) {
      return Boolean.FALSE.equals(task.healthy()) ? 0 : 1;
    }
    return Task.KILLING.equals(task.state()) ? 0 : -1;
  }

  private static List<BackendAddress> addresses(Task task, DiscoveryInfo.Port port, Protocol protocol, String agentIp) {
    if (agentIp != null) {
      for (PortMapping m : task.portMappings()) {
        Protocol mp = m.protocol() == null ? Protocol.TCP : Protocol.parse(m.protocol());
        if (m.containerPort() == port.number() && mp == protocol && m.hostPort() > 0) {
          return List.of(new BackendAddress(agentIp, m.hostPort()));
        }
      }
    }
    List<String> ips = !task.containerIps().isEmpty() ? task.containerIps()
        : agentIp == null ? List.of() : List.of(agentIp);
    return ips.stream().map(ip -> new BackendAddress(ip, port.number())).toList();
  }

  private static Optional<VipKey> key(VipLabel label, Protocol protocol, String framework) {
    if (!label.named()) {
      return Optional.of(new VipKey(protocol, label.ip(), label.port()));
    }
    if (DomainFrag.of(label.name()).isEmpty() || DomainFrag.of(framework).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new VipKey(protocol, dnsName(label.name(), framework), label.port()));
  }

  private record Entry(VipKey key, BackendAddress address) {
  }

  private static Optional<Entry> legacy(Task task, String key, String value, String agentIp, String framework) {
    if (!key.startsWith(VipLabel.LEGACY_PREFIX) || agentIp == null) {
      return Optional.empty();
    }
    int idx;
    try {
      idx = Integer.parseInt(key.substring(VipLabel.LEGACY_PREFIX.length()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (idx < 0 || idx >= task.hostPorts().size()) {
      return Optional.empty();
    }
    BackendAddress address = new BackendAddress(agentIp, task.hostPorts().get(idx));
    return VipLabel.Legacy.parse(value)
        .flatMap(l -> key(l.label(), l.protocol(), framework))
        .map(k -> new Entry(k, address));
  }

  private static void add(Map<VipKey, Map<BackendAddress, Integer>> backends, VipKey key, BackendAddress address,
                          int weight) {
    backends.computeIfAbsent(key, k -> new TreeMap<>()).merge(address, weight, Math::max);
  }

  private static List<Vip> assemble(Map<VipKey, Map<BackendAddress, Integer>> backends, VipRange range) {
    Set<String> reserved = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (VipKey key : backends.keySet()) {
      if (key.name().endsWith("." + ZONE)) {
        names.add(key.name());
      } else {
        reserved.add(key.name());
      }
    }
    Map<String, String> allocated = NamedVipAllocator.allocate(range, names, reserved);
    List<Vip> vips = new ArrayList<>();
    backends.forEach((key, members) -> {
      String address = names.contains(key.name()) ? allocated.get(key.name()) : key.name();
      if (address != null) {
        vips.add(new Vip(key, address, members.entrySet().stream()
            .map(e -> new Backend(e.getKey(), e.getValue())).toList()));
      }
    });
    return vips;
  }
}
