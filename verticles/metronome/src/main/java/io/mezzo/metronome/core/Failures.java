package io.mezzo.metronome.core;

import io.mezzo.common.http.ApiException;
import io.mezzo.metronome.model.ErrorBody;
import io.mezzo.metronome.model.Problem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The API failures with Metronome's status codes and messages, rendered by the router's failure handler. */
public final class Failures {

  private Failures() {
  }

  public static ApiException jobNotFound(String jobId) {
    return new ApiException(404, "Job '" + jobId + "' does not exist");
  }

  public static ApiException runNotFound(String jobId, String runId) {
    return new ApiException(404, "Run '" + runId + "' of job '" + jobId + "' does not exist");
  }

  public static ApiException scheduleNotFound(String jobId, String scheduleId) {
    return new ApiException(404, "Schedule '" + scheduleId + "' of job '" + jobId + "' does not exist");
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, message);
  }

  /** 422 {@code {"message":"Object is not valid","details":[{"path":...,"errors":[...]}]}}. */
  public static ApiException notValid(List<Problem> problems) {
    return body(422, ErrorBody.notValid(problems));
  }

  /** 400 {@code {"message":"Invalid JSON","details":[...]}}. */
  public static ApiException invalidJson(List<Problem> problems) {
    return body(400, ErrorBody.invalidJson(problems));
  }

  public static ApiException body(int status, ErrorBody body) {
    List<Object> details = body.details().stream()
        .<Object>map(p -> new JsonObject().put("path", p.path()).put("errors", new JsonArray(List.copyOf(p.errors()))))
        .toList();
    return new ApiException(status, body.message(), details);
  }

  /** Served while this instance is not (yet) the leader with its state loaded. */
  public static ApiException unavailable(String message) {
    return new ApiException(503, message);
  }
}
