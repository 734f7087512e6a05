package io.mezzo.l4lb.state;

import java.util.List;

/**
 * An incremental change to {@link ClusterState}, shaped after the operator API's SUBSCRIBE events
 * (TASK_ADDED, TASK_UPDATED, FRAMEWORK_ADDED/REMOVED, AGENT_ADDED/REMOVED).
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
}
