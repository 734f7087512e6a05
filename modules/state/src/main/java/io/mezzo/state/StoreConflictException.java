package io.mezzo.state;

/**
 * A compare-and-set write lost: the node changed since it was read, it already exists on create, or
 * it does not exist on update. Callers re-read and retry or give up.
 */
public final class StoreConflictException extends RuntimeException {
  private final String path;

  public StoreConflictException(String path, String reason) {
    super("Conflict on '" + path + "': " + reason, null, false, false);
    this.path = path;
  }

  public String path() {
    return path;
  }
}
