package io.mezzo.dns.records;

import io.mezzo.common.net.Ips;
import io.mezzo.mesos.client.cluster.Agent;
import io.mezzo.mesos.client.cluster.ClusterState;
import io.mezzo.mesos.client.cluster.DiscoveryInfo;
import io.mezzo.mesos.client.cluster.Framework;
import io.mezzo.mesos.client.cluster.Master;
import io.mezzo.mesos.client.cluster.Task;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the zones from a {@link ClusterState}: the Mesos-DNS zone ({@code <task>.<framework>.mesos},
 * canonical {@code <task>-<hash>-<agent>} names, {@code .slave.} names, SRV, leader/master/agent
 * names) and {@code thisdcos.directory} (agentip/containerip/autoip, master, leader, VIPs). Only
 * running tasks on known agents get records. Pure and thread-confined; the clock gives the serial.
 */
public final class RecordBuilder {
  public static final String DCOS_ORIGIN = "thisdcos.directory.";
  static final String DCOS_TASKS = "dcos." + DCOS_ORIGIN;
  static final String L4LB = "l4lb." + DCOS_ORIGIN;
  /** dcos-net's alias zone of the named VIPs. */
  static final String DCLB = "dclb." + DCOS_ORIGIN;
  private static final String DCOS_MNAME = "ns.spartan.";
  private static final String DCOS_RNAME = "support.thisdcos.directory.";

  private final RecordsOptions options;
  private final Labels labels;
  private final Clock clock;
  private final String origin;

  public RecordBuilder(RecordsOptions options, Clock clock) {
    this.options = options;
    this.labels = new Labels(options.enforceRfc952());
    this.clock = clock;
    this.origin = options.domain().toLowerCase(Locale.ROOT).replaceAll("^\\.+|\\.+$", "") + ".";
  }

  public DnsRecords build(ClusterState state) {
    return build(state, Map.of());
  }

  /**
   * @param vips named VIPs, relative name (e.g. {@code myapp.marathon}) to addresses; each is served as
   *             {@code <name>.l4lb.thisdcos.directory} and as {@code <name>.dclb.thisdcos.directory}. The extension point for the L4LB.
   */
  public DnsRecords build(ClusterState state, Map<String, List<InetAddress>> vips) {
    long serial = clock.instant().getEpochSecond();
    Zone.Builder mesos = new Zone.Builder(origin, options.ttl());
    Zone.Builder dcos = new Zone.Builder(DCOS_ORIGIN, options.dcosTtl());

    Map<String, Agent> agents = new LinkedHashMap<>();
    state.agents().forEach(a -> agents.put(a.id(), a));
    Map<String, List<DnsRecords.EnumeratedTask>> enumerated = new LinkedHashMap<>();
    Map<String, String> fwNames = new LinkedHashMap<>();
    for (Framework f : state.frameworks()) {
      fwNames.put(f.id(), f.name());
      enumerated.put(f.id(), new ArrayList<>());
      frameworkRecords(mesos, f);
    }
    for (Task task : state.tasks()) {
      Agent agent = agents.get(task.agentId());
      String fwName = fwNames.get(task.frameworkId());
      if (!task.running() || agent == null || fwName == null) {
        continue;
      }
      List<ResourceRecord> made = taskRecords(mesos, task, agent, fwName);
      dcosTaskRecords(dcos, task, agent, fwName);
      enumerated.get(task.frameworkId()).add(new DnsRecords.EnumeratedTask(task.name(), task.id(), made));
    }
    clusterRecords(mesos, dcos, state);
    vipRecords(dcos, vips);

    List<DnsRecords.EnumeratedFramework> frameworks = new ArrayList<>();
    enumerated.forEach((id, tasks) -> frameworks.add(new DnsRecords.EnumeratedFramework(fwNames.get(id), tasks)));

    String mname = fqdn(options.soaMname());
    ResourceRecord mesosSoa = mesos.add(origin, new Rdata.Soa(mname, fqdn(options.soaRname()), serial,
        options.soaRefresh(), options.soaRetry(), options.soaExpire(), options.soaMinttl()));
    mesos.add(origin, new Rdata.Ns(mname));
    if (mname.endsWith("." + origin)) {
      for (String ip : options.nameservers()) {
        addAddress(mesos, mname, ip);
      }
    }
    ResourceRecord dcosSoa = dcos.add(DCOS_ORIGIN, new Rdata.Soa(DCOS_MNAME, DCOS_RNAME, serial,
        options.soaRefresh(), options.soaRetry(), options.soaExpire(), options.dcosTtl()));
    dcos.add(DCOS_ORIGIN, new Rdata.Ns(DCOS_MNAME));
    return new DnsRecords(serial, mesos.build(mesosSoa, true), dcos.build(dcosSoa, false), frameworks);
  }

  private void frameworkRecords(Zone.Builder mesos, Framework f) {
    String fw = labels.domainFrag(f.name());
    if (fw.isEmpty() || f.ip() == null) {
      return;
    }
    String name = fw + "." + origin;
    addAddress(mesos, name, f.ip());
    if (f.port() > 0) {
      mesos.add("_framework._tcp." + name, new Rdata.Srv(0, options.srvWeight(), f.port(), name));
    }
  }

  private List<ResourceRecord> taskRecords(Zone.Builder mesos, Task task, Agent agent, String fwName) {
    List<ResourceRecord> made = new ArrayList<>();
    String fw = labels.domainFrag(fwName);
    if (fw.isEmpty()) {
      return made;
    }
    String sid = agentSuffix(agent.id());
    String hash = ZBase32.hash5(task.id());
    List<String> ips = taskIps(task, agent);
    DiscoveryInfo discovery = task.discovery();
    for (String tname : taskNames(task)) {
      String canonical = canonical(tname, hash, sid);
      String plain = tname + "." + fw + "." + origin;
      String canon = canonical + "." + fw + "." + origin;
      String slaveName = tname + "." + fw + ".slave." + origin;
      String slaveCanon = canonical + "." + fw + ".slave." + origin;
      for (String ip : ips) {
        made.add(addAddress(mesos, plain, ip));
        made.add(addAddress(mesos, canon, ip));
      }
      if (agent.ip() != null) {
        made.add(addAddress(mesos, slaveName, agent.ip()));
        made.add(addAddress(mesos, slaveCanon, agent.ip()));
      }
      for (int port : task.hostPorts()) {
        for (String proto : List.of("_tcp", "_udp")) {
          Rdata.Srv srv = new Rdata.Srv(0, options.srvWeight(), port, slaveCanon);
          made.add(mesos.add("_" + tname + "." + proto + "." + fw + ".slave." + origin, srv));
          if (discovery == null) {
            made.add(mesos.add("_" + tname + "." + proto + "." + fw + "." + origin, srv));
          }
        }
      }
      if (discovery != null) {
        for (DiscoveryInfo.Port p : discovery.ports()) {
          Rdata.Srv srv = new Rdata.Srv(0, options.srvWeight(), p.number(), canon);
          for (String proto : protocols(p.protocol())) {
            made.add(mesos.add("_" + tname + "." + proto + "." + fw + "." + origin, srv));
            String portName = p.name() == null ? "" : labels.label(p.name());
            if (!portName.isEmpty()) {
              made.add(mesos.add("_" + portName + "._" + tname + "." + proto + "." + fw + "." + origin, srv));
            }
          }
        }
      }
    }
    return made.stream().filter(r -> r != null).distinct().toList();
  }

  private void dcosTaskRecords(Zone.Builder dcos, Task task, Agent agent, String fwName) {
    String tname = labels.label(task.discovery() != null && task.discovery().name() != null
        ? task.discovery().name() : task.name());
    String fw = labels.label(fwName);
    if (tname.isEmpty() || fw.isEmpty()) {
      return;
    }
    String base = tname + "." + fw + ".";
    if (agent.ip() != null) {
      addAddress(dcos, base + "agentip." + DCOS_TASKS, agent.ip());
    }
    for (String ip : task.containerIps()) {
      addAddress(dcos, base + "containerip." + DCOS_TASKS, ip);
    }
    List<String> auto = !task.hostPorts().isEmpty() || task.containerIps().isEmpty()
        ? (agent.ip() == null ? List.of() : List.of(agent.ip()))
        : task.containerIps();
    for (String ip : auto) {
      addAddress(dcos, base + "autoip." + DCOS_TASKS, ip);
    }
  }

  private void clusterRecords(Zone.Builder mesos, Zone.Builder dcos, ClusterState state) {
    for (Agent a : state.agents()) {
      if (a.ip() == null) {
        continue;
      }
      addAddress(mesos, "slave." + origin, a.ip());
      addAddress(mesos, "agent." + origin, a.ip());
      if (a.port() > 0) {
        mesos.add("_slave._tcp." + origin, new Rdata.Srv(0, options.srvWeight(), a.port(), "slave." + origin));
      }
    }
    Master leader = state.leader();
    if (leader != null && leader.ip() != null) {
      addAddress(mesos, "leader." + origin, leader.ip());
      addAddress(dcos, "leader." + DCOS_TASKS, leader.ip());
      if (leader.port() > 0) {
        for (String proto : List.of("_tcp", "_udp")) {
          mesos.add("_leader." + proto + "." + origin,
              new Rdata.Srv(0, options.srvWeight(), leader.port(), "leader." + origin));
        }
      }
    }
    // the configured masters, else the masters the state names; with neither, the leader is the one master known
    List<Master> masters = state.masters().isEmpty() && leader != null ? List.of(leader) : state.masters();
    for (int i = 0; i < masters.size(); i++) {
      Master m = masters.get(i);
      if (m.ip() == null) {
        continue;
      }
      addAddress(mesos, "master." + origin, m.ip());
      addAddress(mesos, "master" + i + "." + origin, m.ip());
      addAddress(dcos, "master." + DCOS_TASKS, m.ip());
    }
  }

  private void vipRecords(Zone.Builder dcos, Map<String, List<InetAddress>> vips) {
    vips.forEach((name, ips) -> {
      String frag = labels.domainFrag(name);
      if (!frag.isEmpty()) {
        ips.forEach(ip -> {
          dcos.add(frag + "." + L4LB, new Rdata.Address(ip));
          dcos.add(frag + "." + DCLB, new Rdata.Address(ip));
        });
      }
    });
  }

  /** DiscoveryInfo name (as a dotted name and as one label) when present, else the task name as one label. */
  private Set<String> taskNames(Task task) {
    Set<String> names = new LinkedHashSet<>();
    if (task.discovery() != null && task.discovery().name() != null) {
      names.add(labels.domainFrag(task.discovery().name()));
      names.add(labels.label(task.discovery().name()));
    } else {
      names.add(labels.label(task.name()));
    }
    names.remove("");
    return names;
  }

  /** IPs from the first configured source that has any. */
  private List<String> taskIps(Task task, Agent agent) {
    for (String source : options.ipSources()) {
      List<String> ips = switch (source) {
        case "netinfo" -> task.containerIps();
        case "mesos" -> labelIp(task, "MesosContainerizer.NetworkSettings.IPAddress");
        case "docker" -> labelIp(task, "Docker.NetworkSettings.IPAddress");
        case "host" -> agent.ip() == null ? List.of() : List.of(agent.ip());
        default -> List.of();
      };
      if (!ips.isEmpty()) {
        return ips;
      }
    }
    return List.of();
  }

  private static List<String> labelIp(Task task, String key) {
    String ip = Ips.literalOrNull(task.labels().get(key));
    return ip == null ? List.of() : List.of(ip);
  }

  private static List<String> protocols(String protocol) {
    if (protocol == null) {
      return List.of("_tcp", "_udp");
    }
    String p = protocol.toLowerCase(Locale.ROOT);
    return p.equals("tcp") || p.equals("udp") ? List.of("_" + p) : List.of("_tcp", "_udp");
  }

  /** {@code <task>-<h5>-<sid>}, with the task part shortened so that the label stays within 63 characters. */
  static String canonical(String tname, String hash, String sid) {
    String suffix = "-" + hash + (sid.isEmpty() ? "" : "-" + sid);
    String head = tname.replace('.', '-');
    if (head.length() + suffix.length() > Labels.RFC1123_MAX) {
      head = head.substring(0, Math.max(0, Labels.RFC1123_MAX - suffix.length()));
    }
    return head + suffix;
  }

  /** The last {@code -}-separated field of the agent ID, lower-cased and sanitized. */
  static String agentSuffix(String agentId) {
    String last = agentId.substring(agentId.lastIndexOf('-') + 1);
    return new Labels(false).label(last);
  }

  private static ResourceRecord addAddress(Zone.Builder zone, String name, String ip) {
    InetAddress address = Ips.parse(ip);
    return address == null ? null : zone.add(name, new Rdata.Address(address));
  }

  private static String fqdn(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n : n + ".";
  }
}
