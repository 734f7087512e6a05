package io.mezzo.mesos.client.cluster;

/**
 * A registered framework. {@code ip}/{@code port} are the scheduler's address from its PID
 * ({@code scheduler-...@10.0.0.1:41234}); ip is null and port 0 when unknown.
 */
public record Framework(String id, String name, String hostname, String ip, int port) {
}
