package io.mezzo.metronome.model;

import java.util.List;

/**
 * A request body that is not JSON, or whose JSON does not have the right shape (a string where a number belongs,
 * an unknown field). The API layer answers 400 with {@link #body()}; valid-shaped but wrong values are instead
 * reported by {@link Validator} for a 422.
 */
public final class InvalidJsonException extends RuntimeException {

  private final transient Problem problem;

  InvalidJsonException(Problem problem, Throwable cause) {
    super(ErrorBody.INVALID_JSON + " at " + problem.path() + ": " + String.join(", ", problem.errors()), cause);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }

  public ErrorBody body() {
    return ErrorBody.invalidJson(List.of(problem));
  }
}
