package io.mezzo.common.health;

/**
 * What a component says about itself, published on {@code mezzo.health.report}.
 *
 * @param component   component name, e.g. {@code mesos-master}
 * @param title       its human title
 * @param nodeId      the reporting process's cluster node id
 * @param host        the address the node advertises
 * @param role        the node's role: master, agent or agent-public
 * @param healthy     whether the component considers itself healthy
 * @param output      a short explanation, empty when healthy
 * @param timestampMs when the report was made, epoch milliseconds
 */
public record HealthReport(String component, String title, String nodeId, String host, String role,
                           boolean healthy, String output, long timestampMs) {
}
