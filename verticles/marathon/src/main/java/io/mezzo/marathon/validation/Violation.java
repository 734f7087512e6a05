package io.mezzo.marathon.validation;

import java.util.List;

/** One entry of an error body's {@code details}: a JSON path in Marathon's notation and its messages. */
public record Violation(String path, List<String> errors) {

  public Violation {
    errors = List.copyOf(errors);
  }
}
