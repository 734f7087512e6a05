package io.mezzo.marathon.model;

import java.util.List;
import java.util.Map;

/** A container port and, optionally, the host port it is published on ({@code hostPort} 0 = dynamic). */
public record PortMapping(Integer containerPort, Integer hostPort, Integer servicePort, String protocol, String name,
                          Map<String, String> labels, List<String> networkNames) {

  public PortMapping {
    containerPort = containerPort == null ? 0 : containerPort;
    servicePort = servicePort == null ? 0 : servicePort;
    protocol = protocol == null ? "tcp" : protocol;
    labels = labels == null ? Map.of() : Defaults.map(labels);
    networkNames = Defaults.list(networkNames);
  }
}
