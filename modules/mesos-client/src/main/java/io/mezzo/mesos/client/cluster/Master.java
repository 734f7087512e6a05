package io.mezzo.mesos.client.cluster;

/** A Mesos master; {@code ip} is an IP literal, or null when only a hostname is known. */
public record Master(String id, String hostname, String ip, int port) {
}
