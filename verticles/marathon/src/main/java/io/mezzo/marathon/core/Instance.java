package io.mezzo.marathon.core;

import java.util.List;

/**
 * One instance of an app (one Mesos task: {@link #taskId()}).
 *
 * @param runSpecVersion the app's {@code versionInfo.lastConfigChangeAt} at launch: instances of the same
 *                       configuration share it, and a rolling restart replaces the others
 * @param appVersion     the app's {@code version} at launch, shown as the task's {@code version}
 * @param healthy        null while no health result is known
 * @param unreachableSince when the instance became UNREACHABLE; null while it is not
 */
public record Instance(String instanceId, String appId, String runSpecVersion, String appVersion, Condition condition,
                       Boolean healthy, String agentId, String host, List<Integer> ports, String createdAt,
                       String stagedAt, String startedAt, int incarnation, String unreachableSince) {

  public Instance {
    ports = ports == null ? List.of() : List.copyOf(ports);
    if (condition != Condition.UNREACHABLE) {
      unreachableSince = null;
    }
  }

  public Instance(String instanceId, String appId, String runSpecVersion, String appVersion, Condition condition,
                  Boolean healthy, String agentId, String host, List<Integer> ports, String createdAt,
                  String stagedAt, String startedAt, int incarnation) {
    this(instanceId, appId, runSpecVersion, appVersion, condition, healthy, agentId, host, ports, createdAt, stagedAt,
        startedAt, incarnation, null);
  }

  /** {@code condition} UNREACHABLE since {@code at} (kept when already unreachable). */
  public Instance unreachable(String at) {
    return new Instance(instanceId, appId, runSpecVersion, appVersion, condition, healthy, agentId, host, ports,
        createdAt, stagedAt, startedAt, incarnation, unreachableSince != null ? unreachableSince : at);
  }

  public String taskId() {
    return instanceId + "._app." + incarnation;
  }

  /** The instance id a task id belongs to; the id itself when it is an instance id. */
  public static String instanceIdOf(String taskId) {
    int i = taskId.indexOf("._app.");
    return i < 0 ? taskId : taskId.substring(0, i);
  }

  public boolean isActive() {
    return !condition.isTerminal();
  }

  /** Running and, when the app has health checks, healthy: what deployments wait for. */
  public boolean isReady(boolean hasHealthChecks) {
    return condition == Condition.RUNNING && (!hasHealthChecks || Boolean.TRUE.equals(healthy));
  }

  public Instance with(Condition next, Boolean health) {
    return new Instance(instanceId, appId, runSpecVersion, appVersion, next, health, agentId, host, ports, createdAt,
        stagedAt, startedAt, incarnation, unreachableSince);
  }

  public Instance placed(String agent, String hostName, List<Integer> hostPorts, String staged, String started) {
    return new Instance(instanceId, appId, runSpecVersion, appVersion, condition, healthy, agent, hostName, hostPorts,
        createdAt, staged, started, incarnation, unreachableSince);
  }
}
