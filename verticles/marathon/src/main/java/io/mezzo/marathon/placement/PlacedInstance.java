package io.mezzo.marathon.placement;

import java.util.Map;

/** An instance of the app already running or launched, with the facts of its agent. */
public record PlacedInstance(String instanceId, String agentId, String hostname, Map<String, AttributeValue> attributes,
                             String region, String zone) implements AgentFacts {

  public PlacedInstance {
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  public static PlacedInstance on(String instanceId, AgentFacts agent) {
    String agentId = agent instanceof OfferView o ? o.agentId() : null;
    return new PlacedInstance(instanceId, agentId, agent.hostname(), agent.attributes(), agent.region(), agent.zone());
  }
}
