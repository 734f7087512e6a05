package io.mezzo.marathon.placement;

import java.util.List;
import java.util.Map;

/**
 * The part of a Mesos offer the matcher needs, independent of the protobufs. {@code role} is the role the
 * resources are allocated to ({@code *} when unreserved).
 */
public record OfferView(String agentId, String hostname, Map<String, AttributeValue> attributes, double cpus,
                        double mem, double disk, int gpus, List<PortRange> portRanges, String role, String region,
                        String zone) implements AgentFacts {

  public OfferView {
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    portRanges = portRanges == null ? List.of() : List.copyOf(portRanges);
    role = role == null ? "*" : role;
  }

  /** An offer from an agent without a fault domain. */
  public OfferView(String agentId, String hostname, Map<String, AttributeValue> attributes, double cpus, double mem,
                   double disk, int gpus, List<PortRange> portRanges, String role) {
    this(agentId, hostname, attributes, cpus, mem, disk, gpus, portRanges, role, null, null);
  }
}
