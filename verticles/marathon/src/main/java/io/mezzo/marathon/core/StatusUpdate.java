package io.mezzo.marathon.core;

import java.util.List;

/**
 * What a launcher reports about one instance. Null fields keep what is known; {@code healthy} null means no
 * health result.
 */
public record StatusUpdate(String instanceId, Condition condition, Boolean healthy, String agentId, String host,
                           List<Integer> ports, String message) {

  public static StatusUpdate of(String instanceId, Condition condition) {
    return new StatusUpdate(instanceId, condition, null, null, null, null, null);
  }
}
