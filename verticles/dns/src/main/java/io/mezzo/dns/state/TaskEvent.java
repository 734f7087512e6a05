package io.mezzo.dns.state;

import java.util.List;

/**
 * An incremental change to {@link ClusterState}, as the operator API's SUBSCRIBE stream reports
 * them (TASK_ADDED, TASK_UPDATED, FRAMEWORK_ADDED/REMOVED, AGENT_ADDED/REMOVED).
 */
public sealed interface TaskEvent {

  record TaskAdded(Task task) implements TaskEvent {
  }

  /** A status update; {@code containerIps} null keeps the IPs already known. */
  record TaskUpdated(String frameworkId, String taskId, String state, List<String> containerIps) implements TaskEvent {
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
