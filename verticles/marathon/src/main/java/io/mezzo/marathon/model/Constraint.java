package io.mezzo.marathon.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/**
 * One placement rule, written in JSON as {@code ["field", "OPERATOR"]} or {@code ["field", "OPERATOR", "value"]}.
 * The operator stays a string so that an unknown operator is a validation error with a path, not a parse error.
 */
@JsonDeserialize(using = JsonCodecs.ConstraintDeserializer.class)
@JsonSerialize(using = JsonCodecs.ConstraintSerializer.class)
public record Constraint(String field, String operator, String value) {

  public static Constraint of(String field, ConstraintOperator operator) {
    return new Constraint(field, operator.name(), null);
  }

  public static Constraint of(String field, ConstraintOperator operator, String value) {
    return new Constraint(field, operator.name(), value);
  }

  /** The operator, or {@code null} when it is not one Marathon knows. */
  public ConstraintOperator op() {
    return ConstraintOperator.parse(operator);
  }
}
