package io.mezzo.marathon.validation;

import io.mezzo.marathon.model.Constraint;
import io.mezzo.marathon.model.ConstraintOperator;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Syntax rules of {@code [field, OPERATOR, value?]}: which operators need, allow or forbid a value. */
final class ConstraintRules {

  static final String OPERATORS = "UNIQUE, CLUSTER, GROUP_BY, LIKE, UNLIKE, MAX_PER, IS";

  private ConstraintRules() {
  }

  static void validate(Problems p, String path, Constraint c) {
    if (c.field() == null || c.field().isBlank()) {
      p.add(path, "Missing field");
    }
    ConstraintOperator op = c.op();
    if (op == null) {
      p.add(path, "Constraint operator must be one of " + OPERATORS);
      return;
    }
    String value = c.value();
    switch (op) {
      case UNIQUE -> {
        if (value != null && !value.isEmpty()) {
          p.add(path, "Value specified but not used");
        }
      }
      case CLUSTER -> {
        // an empty value pins all instances to the value of the first one placed
      }
      case GROUP_BY, MAX_PER -> {
        boolean required = op == ConstraintOperator.MAX_PER;
        if (value == null || value.isEmpty()) {
          if (required) {
            p.add(path, "Value was not specified");
          }
        } else if (!isPositiveInt(value)) {
          p.add(path, "Value was not a positive integer");
        }
      }
      case LIKE, UNLIKE -> {
        if (value == null) {
          p.add(path, "A regular expression value must be provided");
        } else {
          try {
            Pattern.compile(value);
          } catch (PatternSyntaxException e) {
            p.add(path, "'" + value + "' is not a valid regular expression");
          }
        }
      }
      case IS -> {
        if (value == null || value.isEmpty()) {
          p.add(path, "Value was not specified");
        }
      }
      default -> throw new IllegalStateException("unreachable");
    }
  }

  static boolean isPositiveInt(String value) {
    try {
      return Integer.parseInt(value) > 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
