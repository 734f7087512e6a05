package io.mezzo.dns.state;

import java.util.List;
import java.util.Map;

/** A task's {@code DiscoveryInfo}; {@code name} may be null (then the task name is used). */
public record DiscoveryInfo(String name, List<Port> ports, Map<String, String> labels) {

  public DiscoveryInfo {
    ports = List.copyOf(ports);
    labels = Map.copyOf(labels);
  }

  /** One discovery port; {@code name} and {@code protocol} may be null (protocol null means tcp and udp). */
  public record Port(int number, String name, String protocol, Map<String, String> labels) {
    public Port {
      labels = Map.copyOf(labels);
    }
  }
}
