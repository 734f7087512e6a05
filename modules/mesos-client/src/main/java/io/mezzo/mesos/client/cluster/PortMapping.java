package io.mezzo.mesos.client.cluster;

/** A container port published on the agent ({@code docker.port_mappings} or a network's {@code port_mappings}). */
public record PortMapping(int containerPort, int hostPort, String protocol) {
}
