package io.mezzo.state;

/**
 * A value read from the store with the version to pass to a compare-and-set write.
 *
 * @param version ZooKeeper's data version of the node; the first write of a node makes version 0
 */
public record Versioned<T>(T value, int version) {
}
