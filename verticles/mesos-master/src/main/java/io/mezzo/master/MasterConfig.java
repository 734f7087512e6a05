package io.mezzo.master;

import io.mezzo.common.component.ComponentConfig;
import io.mezzo.common.config.Checks;

/**
 * The {@code mesos-master} section. Names follow Mesos's master flags where one exists.
 *
 * @param hostname                  advertised host name; empty means {@code cluster.host}
 * @param cluster                   the cluster's name as shown in {@code /master/state}
 * @param zkPath                    ZooKeeper path (under the node's root) for election, registry and leader info
 * @param heartbeatIntervalSeconds  HEARTBEAT period of scheduler and operator streams
 * @param agentPingTimeoutSeconds   how long an agent has to answer a ping (also the ping period)
 * @param maxAgentPingTimeouts      unanswered pings in a row before an agent is unreachable
 * @param allocationIntervalMs      period of allocation cycles (also run on every change, at most this often)
 * @param agentReregisterTimeoutSeconds after a failover, how long recovered agents may take to come back
 * @param maxRequestBytes           largest request body accepted
 */
public record MasterConfig(boolean enabled, int port, String hostname, String cluster, String zkPath,
                           int heartbeatIntervalSeconds, int agentPingTimeoutSeconds, int maxAgentPingTimeouts,
                           int allocationIntervalMs, int agentReregisterTimeoutSeconds, int maxRequestBytes)
    implements ComponentConfig {

  public static final MasterConfig DEFAULTS = new MasterConfig(true, 5050, "", "mezzo", "/mesos",
      15, 15, 5, 1000, 600, 16 * 1024 * 1024);

  @Override
  public void validate(Checks checks) {
    checks.port("port", port)
        .that("zk_path", zkPath.startsWith("/") && !zkPath.endsWith("/") && zkPath.length() > 1, "must be an absolute ZooKeeper path like /mesos")
        .range("heartbeat_interval_seconds", heartbeatIntervalSeconds, 1, 3_600)
        .range("agent_ping_timeout_seconds", agentPingTimeoutSeconds, 1, 3_600)
        .range("max_agent_ping_timeouts", maxAgentPingTimeouts, 1, 1_000)
        .range("allocation_interval_ms", allocationIntervalMs, 10, 3_600_000)
        .range("agent_reregister_timeout_seconds", agentReregisterTimeoutSeconds, 1, 86_400)
        .range("max_request_bytes", maxRequestBytes, 1024, 1 << 30);
  }
}
