package io.mezzo.marathon;

import io.mezzo.common.component.ComponentConfig;
import io.mezzo.common.config.Checks;

/**
 * The {@code marathon} section.
 *
 * @param hostname                 advertised host of this instance; empty means the node's {@code cluster.host}
 * @param zkPath                   ZooKeeper root of Marathon's state and election, inside the node's namespace
 * @param eventBufferSize          events kept in memory for {@code Last-Event-ID} resume
 * @param eventStreamMaxOutstanding a subscriber whose unsent bytes pass this limit is dropped (it may resume)
 * @param zkMaxVersions            versions kept per app and of the root group ({@code --zk_max_versions})
 * @param progressDeadlineSeconds  a deployment without progress for this long fails and rolls back; 0 disables
 * @param maxRunningDeployments    more concurrent deployments answer 403 ({@code --max_running_deployments})
 * @param maxRequestBytes          largest accepted request body
 * @param scaleCheckIntervalMs     how often the leader re-checks deployments, backoff and instance counts
 * @param leaderProxyTimeoutMs     how long a follower waits for the leader when proxying a request
 */
public record MarathonConfig(boolean enabled, int port, String hostname, String zkPath, int eventBufferSize,
                             int eventStreamMaxOutstanding, int zkMaxVersions, int progressDeadlineSeconds,
                             int maxRunningDeployments, int maxRequestBytes, int scaleCheckIntervalMs,
                             int leaderProxyTimeoutMs) implements ComponentConfig {

  public static final MarathonConfig DEFAULTS = new MarathonConfig(true, 8080, "", "/marathon", 10_000,
      4 * 1024 * 1024, 50, 600, 100, 1024 * 1024, 1_000, 30_000);

  @Override
  public void validate(Checks checks) {
    checks.port("port", port)
        .that("zk_path", zkPath.startsWith("/") && zkPath.length() > 1 && !zkPath.endsWith("/"),
            "must be an absolute ZooKeeper path such as /marathon, got '" + zkPath + "'")
        .range("event_buffer_size", eventBufferSize, 1, 10_000_000)
        .range("event_stream_max_outstanding", eventStreamMaxOutstanding, 1024, Integer.MAX_VALUE)
        .range("zk_max_versions", zkMaxVersions, 1, 10_000)
        .range("progress_deadline_seconds", progressDeadlineSeconds, 0, 30 * 86_400)
        .range("max_running_deployments", maxRunningDeployments, 1, 100_000)
        .range("max_request_bytes", maxRequestBytes, 1024, 64 * 1024 * 1024)
        .range("scale_check_interval_ms", scaleCheckIntervalMs, 10, 600_000)
        .range("leader_proxy_timeout_ms", leaderProxyTimeoutMs, 100, 600_000);
  }
}
