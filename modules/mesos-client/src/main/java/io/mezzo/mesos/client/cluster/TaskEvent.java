package io.mezzo.mesos.client.cluster;

import java.util.List;

/**
 * An incremental change to {@link ClusterState}, as the operator API's SUBSCRIBE stream reports
 * them (TASK_ADDED, TASK_UPDATED, FRAMEWORK_ADDED/UPDATED/REMOVED, AGENT_ADDED/REMOVED), plus the
 * leading master learned with GET_MASTER.
 */
public sealed interface TaskEvent {

  record TaskAdded(Task task) implements TaskEvent {
  }

  /**
   * A status update.
   *
   * @param healthy      the status' health verdict, null when it carries none
   * @param containerIps null keeps the IPs already known
   */
  record TaskUpdated(String frameworkId, String taskId, String state, Boolean healthy, List<String> containerIps)
      implements TaskEvent {
  }

  record FrameworkAdded(Framework framework) implements TaskEvent {
  }

  record FrameworkRemoved(String frameworkId) implements TaskEvent {
  }

  record AgentAdded(Agent agent) implements TaskEvent {
  }

  record AgentRemoved(String agentId) implements TaskEvent {
  }

  record LeaderChanged(Master leader) implements TaskEvent {
  }
}
