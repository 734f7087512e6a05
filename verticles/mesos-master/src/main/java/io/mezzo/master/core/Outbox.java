package io.mezzo.master.core;

import io.vertx.core.json.JsonObject;
import org.apache.mesos.v1.master.Protos;

/**
 * Everything the master's logic sends outside itself, implemented by the verticle: messages to agents
 * (event bus), events to operator-API subscribers, and registry writes (ZooKeeper).
 */
public interface Outbox {

  /** A message of the agent protocol to the agent with this pid. */
  void toAgent(String agentPid, JsonObject message);

  /** An operator-API event for every SUBSCRIBE stream of {@code /api/v1}. */
  void toOperators(Protos.Event event);

  /** The registry changed: an agent or framework was admitted or removed. */
  void registryChanged(RegistryRecord record);
}
