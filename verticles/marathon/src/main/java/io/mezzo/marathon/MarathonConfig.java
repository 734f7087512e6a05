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
 * @param master                   where the Mesos master is: {@code zk} (the leader the masters publish under
 *                                 {@code master_zk_path} in the node's ZooKeeper), a comma-separated list of
 *                                 {@code http://host:port} URLs, or {@code none} (launch nothing)
 * @param masterZkPath             the masters' ZooKeeper path ({@code mesos_master.zk_path})
 * @param mesosRole                the role Marathon subscribes with and launches under ({@code --mesos_role})
 * @param mesosUser                the default user of tasks; empty means the user running Mezzo
 * @param frameworkName            the framework name ({@code --framework_name})
 * @param failoverTimeoutSeconds   how long the master keeps Marathon's tasks while no Marathon is subscribed
 * @param declineOfferSeconds      how long a declined offer stays away ({@code --decline_offer_duration})
 * @param minReviveIntervalMs      at most one REVIVE this often ({@code --min_revive_offers_interval})
 * @param reconciliationIntervalSeconds  period of implicit reconciliation ({@code --reconciliation_interval})
 * @param reconciliationTimeoutSeconds   a new leader waits at most this long for reconciliation answers before it
 *                                 launches and kills again (tasks still unanswered keep their stored state)
 * @param healthKillsPerApp        at most this many kills of instances failing Marathon's health checks per app
 *                                 within any {@code health_kill_window_seconds}
 * @param healthKillsTotal         the same over all apps together
 * @param healthKillWindowSeconds  the sliding window of both health kill limits
 * @param maxInstancesPerOffer     at most this many instances are put on one offer ({@code --max_instances_per_offer}),
 *                                 so a burst of launches spreads over the agents
 */
public record MarathonConfig(boolean enabled, int port, String hostname, String zkPath, int eventBufferSize,
                             int eventStreamMaxOutstanding, int zkMaxVersions, int progressDeadlineSeconds,
                             int maxRunningDeployments, int maxRequestBytes, int scaleCheckIntervalMs,
                             int leaderProxyTimeoutMs, String master, String masterZkPath, String mesosRole,
                             String mesosUser, String frameworkName, int failoverTimeoutSeconds,
                             int declineOfferSeconds, int minReviveIntervalMs, int reconciliationIntervalSeconds,
                             int reconciliationTimeoutSeconds, int healthKillsPerApp, int healthKillsTotal,
                             int healthKillWindowSeconds, int maxInstancesPerOffer) implements ComponentConfig {

  public static final MarathonConfig DEFAULTS = new MarathonConfig(true, 8080, "", "/marathon", 10_000,
      4 * 1024 * 1024, 50, 600, 100, 1024 * 1024, 1_000, 30_000, "zk", "/mesos", "*", "", "marathon",
      7 * 86_400, 120, 5_000, 600, 30, 1, 10, 30, 5);

  /** {@code master} value for ZooKeeper detection. */
  public static final String MASTER_ZK = "zk";
  /** {@code master} value for no Mesos at all. */
  public static final String MASTER_NONE = "none";

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
        .range("leader_proxy_timeout_ms", leaderProxyTimeoutMs, 100, 600_000)
        .that("master", master.equals(MASTER_ZK) || master.equals(MASTER_NONE) || masterUrlsValid(),
            "must be 'zk', 'none' or comma-separated http://host:port URLs, got '" + master + "'")
        .that("master_zk_path", masterZkPath.startsWith("/") && masterZkPath.length() > 1,
            "must be an absolute ZooKeeper path such as /mesos, got '" + masterZkPath + "'")
        .that("mesos_role", mesosRole.matches("\\*|[A-Za-z0-9_][A-Za-z0-9_.\\-/]*"),
            "must be '*' or a Mesos role name, got '" + mesosRole + "'")
        .that("framework_name", !frameworkName.isBlank(), "must not be empty")
        .range("failover_timeout_seconds", failoverTimeoutSeconds, 0, 365 * 86_400)
        .range("decline_offer_seconds", declineOfferSeconds, 0, 86_400)
        .range("min_revive_interval_ms", minReviveIntervalMs, 0, 3_600_000)
        .range("reconciliation_interval_seconds", reconciliationIntervalSeconds, 1, 86_400)
        .range("reconciliation_timeout_seconds", reconciliationTimeoutSeconds, 1, 3_600)
        .range("health_kills_per_app", healthKillsPerApp, 1, 100_000)
        .range("health_kills_total", healthKillsTotal, 1, 1_000_000)
        .range("health_kill_window_seconds", healthKillWindowSeconds, 1, 86_400)
        .range("max_instances_per_offer", maxInstancesPerOffer, 1, 1_000_000);
  }

  /** The master URLs when {@code master} lists them; empty for {@code zk} and {@code none}. */
  public java.util.List<String> masterUrls() {
    if (master.equals(MASTER_ZK) || master.equals(MASTER_NONE)) {
      return java.util.List.of();
    }
    return java.util.Arrays.stream(master.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private boolean masterUrlsValid() {
    java.util.List<String> urls = masterUrls();
    return !urls.isEmpty() && urls.stream().allMatch(u -> u.matches("https?://[^/\\s]+(:\\d+)?/?"));
  }
}
