package io.mezzo.mesos.client.cluster;

import java.util.List;
import java.util.Map;

/** A task's {@code DiscoveryInfo}; {@code name} may be null (then the task name is used). */
public record DiscoveryInfo(String name, List<Port> ports, Map<String, String> labels) {

  public DiscoveryInfo {
    ports = List.copyOf(ports);
    labels = Map.copyOf(labels);
  }

  /** Discovery with these ports and no name or labels. */
  public static DiscoveryInfo ofPorts(Port... ports) {
    return new DiscoveryInfo(null, List.of(ports), Map.of());
  }

  /**
   * One discovery port.
   *
   * @param number   the port number as the framework declared it (the container port on a bridged network)
   * @param name     the port's name, or null
   * @param protocol {@code tcp} or {@code udp} as given, or null when the framework left it out
   * @param labels   the port's labels, where {@code VIP_<n>} labels live
   */
  public record Port(int number, String name, String protocol, Map<String, String> labels) {
    public Port {
      labels = Map.copyOf(labels);
    }
  }
}
