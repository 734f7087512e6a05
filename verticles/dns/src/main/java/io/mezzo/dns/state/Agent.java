package io.mezzo.dns.state;

/** A Mesos agent; {@code ip} is an IP literal, or null when only a hostname is known. */
public record Agent(String id, String hostname, String ip, int port) {
}
