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

  /**
   * As {@link #toOperators(Protos.Event)}, but the event is built only if some stream will receive it
   * (re-registration adds 100,000 tasks at once, usually with nobody subscribed).
   */
  default void toOperators(java.util.function.Supplier<Protos.Event> event) {
    toOperators(event.get());
  }

  /** The registry changed: an agent or framework was admitted or removed. */
  void registryChanged(RegistryRecord record);
}
