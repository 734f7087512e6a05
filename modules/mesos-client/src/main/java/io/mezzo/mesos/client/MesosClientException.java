package io.mezzo.mesos.client;

/**
 * A master answered a request with a status other than the expected 2xx: 4xx for a call the master
 * refused (validation, unknown or disconnected framework, stream id mismatch, authorization), 5xx
 * when it could not serve it (no leader elected, still recovering). {@link #body()} is the master's
 * plain-text explanation.
 */
public class MesosClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String body;

  public MesosClientException(int status, String body) {
    super("Master answered " + status + (body == null || body.isEmpty() ? "" : ": " + body));
    this.status = status;
    this.body = body == null ? "" : body;
  }

  /** The HTTP status code. */
  public int status() {
    return status;
  }

  /** The response body as text; empty if there was none. */
  public String body() {
    return body;
  }

  /** A 4xx: retrying the same request cannot succeed. */
  public boolean isClientError() {
    return status >= 400 && status < 500;
  }
}
