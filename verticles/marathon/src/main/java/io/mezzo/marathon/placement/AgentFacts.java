package io.mezzo.marathon.placement;

import java.util.Map;

/** What constraints can see of an agent: hostname, fault domain and attributes. */
public interface AgentFacts {

  String hostname();

  /** The fault-domain region, or {@code null} when the agent has no domain. */
  String region();

  /** The fault-domain zone, or {@code null} when the agent has no domain. */
  String zone();

  Map<String, AttributeValue> attributes();
}
