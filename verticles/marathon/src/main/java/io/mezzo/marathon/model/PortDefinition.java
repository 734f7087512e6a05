package io.mezzo.marathon.model;

import java.util.Map;

/** A host port of an app on the host network; {@code port} 0 asks for a dynamically assigned service port. */
public record PortDefinition(Integer port, String protocol, String name, Map<String, String> labels) {

  public PortDefinition {
    port = port == null ? 0 : port;
    protocol = protocol == null ? "tcp" : protocol;
    labels = labels == null ? Map.of() : Defaults.map(labels);
  }

  public static PortDefinition of(int port) {
    return new PortDefinition(port, null, null, null);
  }

  static PortDefinition defaultPort() {
    return new PortDefinition(0, "tcp", "default", Map.of());
  }
}
