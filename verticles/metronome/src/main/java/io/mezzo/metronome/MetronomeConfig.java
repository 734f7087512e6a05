package io.mezzo.metronome;

import io.mezzo.common.component.ComponentConfig;
import io.mezzo.common.config.Checks;

/**
 * The {@code metronome} section.
 *
 * @param hostname           advertised host name for {@code /leader} and proxying; empty means {@code cluster.host}
 * @param zkPath             ZooKeeper path (under the node's root) holding the election and all job state
 * @param historyCount       finished runs kept per job and outcome (Metronome's {@code metronome.history.count})
 * @param schedulerTickMs    how often the leader decides schedules, launches queued runs and expires stuck ones
 * @param proxyTimeoutMs     how long a follower waits for the leader when it forwards a request
 * @param maxRequestBytes    largest request body accepted
 * @param launcher           {@code mesos}: runs are tasks of the framework {@code framework_name} on the Mesos
 *                           master; {@code queue}: runs wait in {@code /v1/queue} and are never launched
 * @param master             empty: find the leading master in ZooKeeper at {@code master_zk_path} through the node's
 *                           ZooKeeper client; else {@code zk://host:port/path} or comma-separated master URLs
 * @param masterZkPath       the masters' {@code zk_path} (under the node's root) holding the {@code json.info_} nodes
 * @param role               the framework's role
 * @param user               the framework's user, and the user of tasks whose job sets none
 * @param frameworkName      the framework's name
 * @param failoverTimeoutSeconds how long the master keeps the framework's tasks while no scheduler is connected
 * @param reconcileTimeoutMs how long a new subscription waits for reconciliation answers before launching anyway
 * @param offerHoldSeconds   how long before a schedule's fire time the launcher asks for offers and keeps them, so
 *                           that the fire time's runs launch at once (0: never keep offers)
 */
public record MetronomeConfig(boolean enabled, int port, String hostname, String zkPath, int historyCount,
                              int schedulerTickMs, int proxyTimeoutMs, int maxRequestBytes, String launcher,
                              String master, String masterZkPath, String role, String user, String frameworkName,
                              long failoverTimeoutSeconds, int reconcileTimeoutMs, int offerHoldSeconds) implements ComponentConfig {

  public static final MetronomeConfig DEFAULTS =
      new MetronomeConfig(true, 9000, "", "/metronome", 1000, 1000, 10_000, 1024 * 1024, "mesos", "", "/mesos", "*",
          "root", "metronome", 7 * 24 * 3600, 10_000, 10);

  @Override
  public void validate(Checks checks) {
    checks.port("port", port)
        .that("zk_path", zkPath.startsWith("/") && !zkPath.endsWith("/") && zkPath.length() > 1,
            "must be an absolute ZooKeeper path like /metronome")
        .range("history_count", historyCount, 0, 100_000)
        .range("scheduler_tick_ms", schedulerTickMs, 10, 60_000)
        .range("proxy_timeout_ms", proxyTimeoutMs, 100, 600_000)
        .range("max_request_bytes", maxRequestBytes, 1024, 64 * 1024 * 1024)
        .that("launcher", launcher.equals("mesos") || launcher.equals("queue"), "must be mesos or queue, got '"
            + launcher + "'")
        .that("master_zk_path", masterZkPath.startsWith("/"), "must be an absolute ZooKeeper path, got '"
            + masterZkPath + "'")
        .notBlank("role", role)
        .notBlank("user", user)
        .notBlank("framework_name", frameworkName)
        .range("failover_timeout_seconds", failoverTimeoutSeconds, 0, 365L * 24 * 3600)
        .range("reconcile_timeout_ms", reconcileTimeoutMs, 0, 600_000)
        .range("offer_hold_seconds", offerHoldSeconds, 0, 300);
  }
}
