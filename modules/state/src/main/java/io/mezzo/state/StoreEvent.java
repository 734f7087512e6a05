package io.mezzo.state;

/**
 * A change seen by a watch.
 *
 * @param path    the node's path relative to the store's root
 * @param data    the node's data after the change, null when deleted
 * @param version the node's data version after the change, -1 when deleted
 */
public record StoreEvent(Type type, String path, byte[] data, int version) {

  public enum Type { CREATED, CHANGED, DELETED }
}
