package io.mezzo.l4lb.state;

import java.util.Map;

/**
 * One port of a task's DiscoveryInfo.
 *
 * @param number   the port number as the framework declared it (the container port on a bridged network)
 * @param protocol {@code tcp} or {@code udp} as given, or null when the framework left it out
 * @param labels   the port's labels, where {@code VIP_<n>} labels live
 */
public record DiscoveryPort(int number, String protocol, Map<String, String> labels) {
  public DiscoveryPort {
    labels = Map.copyOf(labels);
  }
}
