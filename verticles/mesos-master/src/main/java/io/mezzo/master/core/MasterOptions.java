package io.mezzo.master.core;

import java.time.Duration;

/**
 * The master logic's tunables, with Mesos's defaults.
 *
 * @param heartbeatInterval          HEARTBEAT period on scheduler and operator streams (15 s)
 * @param maxAgentPingTimeouts       missed pings before an agent is unreachable (5)
 * @param agentReregisterTimeout     how long a new leader waits for recovered agents (10 min)
 * @param maxCompletedTasksPerFramework completed tasks kept per framework for the state endpoints (1000)
 * @param maxCompletedFrameworks     completed frameworks kept (50)
 * @param defaultRefuse              refuse filter of declines and unused resources without filters (5 s)
 */
public record MasterOptions(Duration heartbeatInterval, int maxAgentPingTimeouts, Duration agentReregisterTimeout,
                            int maxCompletedTasksPerFramework, int maxCompletedFrameworks, Duration defaultRefuse) {

  public static final MasterOptions DEFAULTS = new MasterOptions(Duration.ofSeconds(15), 5, Duration.ofMinutes(10),
      1000, 50, Duration.ofSeconds(5));
}
