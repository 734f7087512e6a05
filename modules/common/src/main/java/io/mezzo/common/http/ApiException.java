package io.mezzo.common.http;

import java.util.List;

/**
 * A failure an HTTP handler raises to answer with a status and a DC/OS-style body
 * {@code {"message": ..., "details": [...]}}. Rendered by {@link Routes#failureHandler}.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final List<Object> details;

  public ApiException(int status, String message) {
    this(status, message, List.of());
  }

  public ApiException(int status, String message, List<Object> details) {
    super(message, null, false, false);
    this.status = status;
    this.details = details;
  }

  public int status() {
    return status;
  }

  public List<Object> details() {
    return details;
  }
}
