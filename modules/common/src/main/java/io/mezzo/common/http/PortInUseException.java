package io.mezzo.common.http;

/** A component could not listen because its port is taken; the message names both. */
public final class PortInUseException extends RuntimeException {
  public PortInUseException(String component, String host, int port) {
    super("port " + port + " on " + host + " is already in use (" + component + ")", null, false, false);
  }
}
