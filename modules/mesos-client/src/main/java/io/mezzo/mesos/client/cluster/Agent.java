package io.mezzo.mesos.client.cluster;

/**
 * A Mesos agent. {@code ip} is an IP literal (from its PID or an IP-literal hostname), or null when
 * only a hostname is known; {@code port} is 0 when unknown.
 */
public record Agent(String id, String hostname, String ip, int port) {
}
