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
 */
public record MetronomeConfig(boolean enabled, int port, String hostname, String zkPath, int historyCount,
                              int schedulerTickMs, int proxyTimeoutMs, int maxRequestBytes) implements ComponentConfig {

  public static final MetronomeConfig DEFAULTS =
      new MetronomeConfig(true, 9000, "", "/metronome", 1000, 1000, 10_000, 1024 * 1024);

  @Override
  public void validate(Checks checks) {
    checks.port("port", port)
        .that("zk_path", zkPath.startsWith("/") && !zkPath.endsWith("/") && zkPath.length() > 1,
            "must be an absolute ZooKeeper path like /metronome")
        .range("history_count", historyCount, 0, 100_000)
        .range("scheduler_tick_ms", schedulerTickMs, 10, 60_000)
        .range("proxy_timeout_ms", proxyTimeoutMs, 100, 600_000)
        .range("max_request_bytes", maxRequestBytes, 1024, 64 * 1024 * 1024);
  }
}
