package io.mezzo.marathon.core;

import io.mezzo.marathon.validation.ErrorBody;
import io.mezzo.marathon.validation.Violation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A request Marathon refuses, with the status and body Marathon answers (its {@code MarathonExceptionMapper}).
 * Rendered by the API's single failure handler.
 */
public final class MarathonException extends RuntimeException {
  private final int status;
  private final transient JsonObject body;

  public MarathonException(int status, JsonObject body) {
    super(body.getString("message"), null, false, false);
    this.status = status;
    this.body = body;
  }

  public int status() {
    return status;
  }

  public JsonObject body() {
    return body;
  }

  public static JsonObject message(String text) {
    return new JsonObject().put("message", text);
  }

  public static MarathonException notFound(String text) {
    return new MarathonException(404, message(text));
  }

  public static MarathonException appNotFound(String appId) {
    return notFound("App '" + appId + "' does not exist");
  }

  public static MarathonException groupNotFound(String groupId) {
    return notFound("Group '" + groupId + "' does not exist");
  }

  public static MarathonException conflict(String text) {
    return new MarathonException(409, message(text));
  }

  /** 409 for an app locked by running deployments, with their ids. */
  public static MarathonException locked(List<String> deploymentIds) {
    JsonArray ids = new JsonArray();
    deploymentIds.forEach(id -> ids.add(new JsonObject().put("id", id)));
    return new MarathonException(409, message(io.mezzo.marathon.deploy.DeploymentConflicts
        .lockedMessage(deploymentIds.get(0))).put("deployments", ids));
  }

  public static MarathonException notValid(List<Violation> details) {
    return new MarathonException(422, render(ErrorBody.notValid(details)));
  }

  public static MarathonException invalidJson(List<Violation> details) {
    return new MarathonException(400, render(ErrorBody.invalidJson(details)));
  }

  private static JsonObject render(ErrorBody body) {
    JsonArray details = new JsonArray();
    for (Violation v : body.details()) {
      details.add(new JsonObject().put("path", v.path()).put("errors", new JsonArray(v.errors())));
    }
    return new JsonObject().put("message", body.message()).put("details", details);
  }
}
