package io.mezzo.common.health;

import java.util.List;

/**
 * One node's answer to {@code mezzo.diagnostics.node.<id>}: its identity and its units.
 *
 * @param uptimeMs how long the node's process has run
 * @param units    the health of each component the node runs
 */
public record NodeHealth(String nodeId, String host, String role, String hostname, long pid, long uptimeMs,
                         List<HealthReport> units) {
}
