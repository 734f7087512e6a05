package io.mezzo.l4lb.state;

/** A registered framework; its {@code name} (e.g. {@code marathon}) is part of named VIP keys. */
public record Framework(String id, String name) {
}
