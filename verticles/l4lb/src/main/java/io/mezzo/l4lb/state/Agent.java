package io.mezzo.l4lb.state;

/** A Mesos agent; {@code ip} is an IP literal, or null when only a hostname is known. */
public record Agent(String id, String ip) {
}
