package io.mezzo.diagnostics;

import io.mezzo.common.component.ComponentConfig;
import io.mezzo.common.config.Checks;

/**
 * @param staleAfterSeconds a unit whose last health report is older than this counts as unhealthy
 * @param nodeTimeoutMs     how long to wait for another node's answer before calling it unreachable
 */
public record DiagnosticsConfig(boolean enabled, int port, int staleAfterSeconds, int nodeTimeoutMs) implements ComponentConfig {

  public static final DiagnosticsConfig DEFAULTS = new DiagnosticsConfig(true, 1050, 15, 2_000);

  @Override
  public void validate(Checks checks) {
    checks.port("port", port)
        .range("stale_after_seconds", staleAfterSeconds, 1, 3_600)
        .range("node_timeout_ms", nodeTimeoutMs, 50, 60_000);
  }
}
