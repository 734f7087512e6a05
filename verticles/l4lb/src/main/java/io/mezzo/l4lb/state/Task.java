package io.mezzo.l4lb.state;

import java.util.List;
import java.util.Map;

/**
 * A task as the load balancer sees it.
 *
 * @param state          the Mesos state name, e.g. {@code TASK_RUNNING}
 * @param healthy        the latest status' health verdict, or null when the task has no health check
 * @param containerIps   IPs from the latest running status' {@code container_status.network_infos}
 * @param discoveryPorts the DiscoveryInfo ports, empty when the task has none
 * @param portMappings   container ports published on the agent
 * @param hostPorts      ports from the task's {@code ports} resource, in order (legacy {@code VIP_PORT<idx>})
 * @param labels         task labels
 */
public record Task(String id, String frameworkId, String agentId, String state, Boolean healthy,
                   List<String> containerIps, List<DiscoveryPort> discoveryPorts, List<PortMapping> portMappings,
                   List<Integer> hostPorts, Map<String, String> labels) {

  public static final String RUNNING = "TASK_RUNNING";
  public static final String KILLING = "TASK_KILLING";
  /** The master lost contact with the task's agent; the task may still be serving. */
  public static final String UNREACHABLE = "TASK_UNREACHABLE";

  public Task {
    containerIps = List.copyOf(containerIps);
    discoveryPorts = List.copyOf(discoveryPorts);
    portMappings = List.copyOf(portMappings);
    hostPorts = List.copyOf(hostPorts);
    labels = Map.copyOf(labels);
  }

  public Task withStatus(String newState, Boolean newHealthy, List<String> ips) {
    return new Task(id, frameworkId, agentId, newState, newHealthy, ips, discoveryPorts, portMappings, hostPorts,
        labels);
  }
}
