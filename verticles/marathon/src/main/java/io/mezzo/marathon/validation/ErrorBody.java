package io.mezzo.marathon.validation;

import java.util.List;

/** The body of a 400/422 answer: {@code {"message": ..., "details": [{"path": ..., "errors": [...]}]}}. */
public record ErrorBody(String message, List<Violation> details) {

  public static final String OBJECT_NOT_VALID = "Object is not valid";

  public ErrorBody {
    details = List.copyOf(details);
  }

  /** The 422 body for a definition that parsed but broke rules. */
  public static ErrorBody notValid(List<Violation> details) {
    return new ErrorBody(OBJECT_NOT_VALID, details);
  }

  /** The 400 body for a body that could not be read. */
  public static ErrorBody invalidJson(List<Violation> details) {
    return new ErrorBody(io.mezzo.marathon.model.InvalidJsonException.MESSAGE, details);
  }
}
