package io.mezzo.metronome.model;

import java.util.List;

/**
 * The error document Metronome answers with, e.g.
 * {@code {"message":"Object is not valid","details":[{"path":"/run/mem","errors":["is less than 32"]}]}}.
 */
public record ErrorBody(String message, List<Problem> details) {

  public static final String NOT_VALID = "Object is not valid";
  public static final String INVALID_JSON = "Invalid JSON";

  public ErrorBody {
    details = List.copyOf(details);
  }

  /** The 422 body for validation problems. */
  public static ErrorBody notValid(List<Problem> problems) {
    return new ErrorBody(NOT_VALID, problems);
  }

  /** The 400 body for a document that could not be read. */
  public static ErrorBody invalidJson(List<Problem> problems) {
    return new ErrorBody(INVALID_JSON, problems);
  }
}
