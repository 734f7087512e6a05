package io.mezzo.mesos.proto;

/**
 * Thrown by {@link MesosJson} when JSON text is malformed, does not match the message schema, or
 * leaves required fields unset. The message names the offending field path, for example
 * {@code Failed to parse 'type': unknown enum value 'SUBSCRIBEE'}.
 */
public final class MesosJsonException extends RuntimeException {

  public MesosJsonException(String message) {
    super(message);
  }

  public MesosJsonException(String message, Throwable cause) {
    super(message, cause);
  }
}
