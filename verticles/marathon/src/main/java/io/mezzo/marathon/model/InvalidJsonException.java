package io.mezzo.marathon.model;

import io.mezzo.marathon.validation.Violation;
import java.util.List;

/**
 * The body could not be read as the expected type: broken syntax, a wrong JSON type or a missing required field.
 * The API answers 400 with {@code {"message":"Invalid JSON","details":[...]}} built from {@link #details()}.
 */
public final class InvalidJsonException extends Exception {

  public static final String MESSAGE = "Invalid JSON";

  private final transient List<Violation> details;

  public InvalidJsonException(List<Violation> details, Throwable cause) {
    super(MESSAGE + ": " + details, cause);
    this.details = List.copyOf(details);
  }

  public List<Violation> details() {
    return details;
  }
}
