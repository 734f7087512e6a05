package io.mezzo.mesos.client.cluster;

import io.mezzo.common.net.Ips;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.master.Protos.Event;
import org.apache.mesos.v1.master.Protos.Response;

/**
 * Turns the master's operator API (the v1 {@code GET_STATE} snapshot carried by SUBSCRIBED, and the
 * TASK_ADDED / TASK_UPDATED / FRAMEWORK_* / AGENT_* events after it) into a {@link ClusterState}. An
 * agent's address is its AgentInfo hostname, as Mezzo agents advertise their IP there.
 */
public final class OperatorState {
  private OperatorState() {
  }

  /**
   * The state in a SUBSCRIBED event's snapshot, with the given leader (null when not known). Tasks of
   * unreachable agents (not in GetAgents) are kept as {@link Task#UNREACHABLE}.
   */
  public static ClusterState fromSnapshot(Response.GetState state, Protos.MasterInfo leaderInfo) {
    Master leader = leaderInfo == null ? null : master(leaderInfo);
    List<Agent> agents = new ArrayList<>();
    for (Response.GetAgents.Agent a : state.getGetAgents().getAgentsList()) {
      agents.add(agent(a.getAgentInfo()));
    }
    List<Framework> frameworks = new ArrayList<>();
    for (Response.GetFrameworks.Framework f : state.getGetFrameworks().getFrameworksList()) {
      frameworks.add(framework(f.getFrameworkInfo()));
    }
    List<Task> tasks = new ArrayList<>();
    for (Protos.Task t : state.getGetTasks().getTasksList()) {
      tasks.add(task(t));
    }
    for (Protos.Task t : state.getGetTasks().getUnreachableTasksList()) {
      Task unreachable = task(t);
      tasks.add(unreachable.withStatus(Task.UNREACHABLE, unreachable.healthy(), unreachable.containerIps()));
    }
    return new ClusterState(leader == null ? List.of() : List.of(leader), leader, agents, frameworks, tasks);
  }

  /** The change an operator event makes; empty for events that change no state (HEARTBEAT, ...). */
  public static Optional<TaskEvent> fromEvent(Event event) {
    return switch (event.getType()) {
      case TASK_ADDED -> Optional.of(new TaskEvent.TaskAdded(task(event.getTaskAdded().getTask())));
      case TASK_UPDATED -> {
        Protos.TaskStatus status = event.getTaskUpdated().getStatus();
        yield Optional.of(new TaskEvent.TaskUpdated(event.getTaskUpdated().getFrameworkId().getValue(),
            status.getTaskId().getValue(), event.getTaskUpdated().getState().name(),
            status.hasHealthy() ? status.getHealthy() : null,
            status.hasContainerStatus() ? ips(status.getContainerStatus()) : null));
      }
      case FRAMEWORK_ADDED -> Optional.of(new TaskEvent.FrameworkAdded(
          framework(event.getFrameworkAdded().getFramework().getFrameworkInfo())));
      case FRAMEWORK_UPDATED -> Optional.of(new TaskEvent.FrameworkAdded(
          framework(event.getFrameworkUpdated().getFramework().getFrameworkInfo())));
      case FRAMEWORK_REMOVED -> Optional.of(new TaskEvent.FrameworkRemoved(
          event.getFrameworkRemoved().getFrameworkInfo().getId().getValue()));
      case AGENT_ADDED -> Optional.of(new TaskEvent.AgentAdded(agent(event.getAgentAdded().getAgent().getAgentInfo())));
      case AGENT_REMOVED -> Optional.of(new TaskEvent.AgentRemoved(event.getAgentRemoved().getAgentId().getValue()));
      default -> Optional.empty();
    };
  }

  public static Master master(Protos.MasterInfo info) {
    String host = info.hasAddress() && info.getAddress().hasIp() ? info.getAddress().getIp() : info.getHostname();
    return new Master(info.getId(), info.getHostname(), Ips.literalOrNull(host), info.getPort());
  }

  static Agent agent(Protos.AgentInfo info) {
    return new Agent(info.getId().getValue(), info.getHostname(), Ips.literalOrNull(info.getHostname()),
        info.getPort());
  }

  static Framework framework(Protos.FrameworkInfo info) {
    return new Framework(info.getId().getValue(), info.getName(), info.getHostname(), null, 0);
  }

  static Task task(Protos.Task t) {
    List<String> ips = List.of();
    Boolean healthy = null;
    for (Protos.TaskStatus s : t.getStatusesList()) {
      if (s.getState() == Protos.TaskState.TASK_RUNNING && s.hasContainerStatus()) {
        ips = ips(s.getContainerStatus());
      }
      healthy = s.hasHealthy() ? Boolean.valueOf(s.getHealthy()) : healthy;
    }
    List<PortMapping> mappings = new ArrayList<>();
    if (t.hasContainer()) {
      for (Protos.ContainerInfo.DockerInfo.PortMapping m : t.getContainer().getDocker().getPortMappingsList()) {
        mappings.add(new PortMapping(m.getContainerPort(), m.getHostPort(), m.hasProtocol() ? m.getProtocol() : "tcp"));
      }
      for (Protos.NetworkInfo n : t.getContainer().getNetworkInfosList()) {
        for (Protos.NetworkInfo.PortMapping m : n.getPortMappingsList()) {
          mappings.add(new PortMapping(m.getContainerPort(), m.getHostPort(), m.hasProtocol() ? m.getProtocol() : "tcp"));
        }
      }
    }
    List<Integer> hostPorts = new ArrayList<>();
    for (Protos.Resource r : t.getResourcesList()) {
      if (r.getName().equals("ports") && r.hasRanges()) {
        for (Protos.Value.Range range : r.getRanges().getRangeList()) {
          for (long p = range.getBegin(); p <= range.getEnd() && hostPorts.size() < 1024; p++) {
            hostPorts.add((int) p);
          }
        }
      }
    }
    return new Task(t.getTaskId().getValue(), t.getName(), t.getFrameworkId().getValue(), t.getAgentId().getValue(),
        t.getState().name(), healthy, ips, t.hasDiscovery() ? discovery(t.getDiscovery()) : null, mappings, hostPorts,
        labels(t.getLabels()));
  }

  static DiscoveryInfo discovery(Protos.DiscoveryInfo d) {
    List<DiscoveryInfo.Port> ports = new ArrayList<>();
    for (Protos.Port p : d.getPorts().getPortsList()) {
      ports.add(new DiscoveryInfo.Port(p.getNumber(), p.hasName() ? p.getName() : null,
          p.hasProtocol() ? p.getProtocol() : null, labels(p.getLabels())));
    }
    return new DiscoveryInfo(d.hasName() ? d.getName() : null, ports, labels(d.getLabels()));
  }

  private static Map<String, String> labels(Protos.Labels labels) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Protos.Label l : labels.getLabelsList()) {
      out.put(l.getKey(), l.hasValue() ? l.getValue() : "");
    }
    return out;
  }

  private static List<String> ips(Protos.ContainerStatus status) {
    List<String> ips = new ArrayList<>();
    for (Protos.NetworkInfo n : status.getNetworkInfosList()) {
      for (Protos.NetworkInfo.IPAddress ip : n.getIpAddressesList()) {
        if (ip.hasIpAddress()) {
          ips.add(ip.getIpAddress());
        }
      }
    }
    return ips;
  }
}
