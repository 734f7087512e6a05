package io.mezzo.mesos.client;

import java.net.URI;
import java.time.Duration;

/**
 * Observes an event stream's connection, for logging and metrics. Called on the client's I/O and
 * timer threads; implementations must be quick and thread-safe. All methods are no-ops by default.
 */
public interface ConnectionListener {

  /** A stream was opened on {@code master} (the leader, after any redirects). */
  default void connected(URI master) {
  }

  /**
   * Connecting failed or an open stream broke (closed, heartbeat timeout, I/O error, 5xx); the next
   * attempt starts after {@code reconnectIn}.
   */
  default void disconnected(Throwable cause, Duration reconnectIn) {
  }

  ConnectionListener NONE = new ConnectionListener() {
  };
}
