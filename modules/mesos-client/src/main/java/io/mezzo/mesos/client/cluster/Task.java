package io.mezzo.mesos.client.cluster;

import java.util.List;
import java.util.Map;

/**
 * A task as the cluster state holds it.
 *
 * @param name         the task name ({@code ""} when the source gives none)
 * @param state        the Mesos state name, e.g. {@code TASK_RUNNING}
 * @param healthy      the latest status' health verdict, or null when the task has no health check
 * @param containerIps IPs from the latest running status' {@code container_status.network_infos}
 * @param discovery    the task's DiscoveryInfo, or null
 * @param portMappings container ports published on the agent
 * @param hostPorts    ports from the task's {@code ports} resource, in order (ports on the agent)
 * @param labels       task labels
 */
public record Task(String id, String name, String frameworkId, String agentId, String state, Boolean healthy,
                   List<String> containerIps, DiscoveryInfo discovery, List<PortMapping> portMappings,
                   List<Integer> hostPorts, Map<String, String> labels) {

  public static final String RUNNING = "TASK_RUNNING";
  public static final String KILLING = "TASK_KILLING";
  /** The master lost contact with the task's agent; the task may still be serving. */
  public static final String UNREACHABLE = "TASK_UNREACHABLE";

  public Task {
    containerIps = List.copyOf(containerIps);
    portMappings = List.copyOf(portMappings);
    hostPorts = List.copyOf(hostPorts);
    labels = Map.copyOf(labels);
  }

  public boolean running() {
    return RUNNING.equals(state);
  }

  /** The DiscoveryInfo ports, empty when the task has none. */
  public List<DiscoveryInfo.Port> discoveryPorts() {
    return discovery == null ? List.of() : discovery.ports();
  }

  public Task withStatus(String newState, Boolean newHealthy, List<String> ips) {
    return new Task(id, name, frameworkId, agentId, newState, newHealthy, ips, discovery, portMappings, hostPorts,
        labels);
  }
}
