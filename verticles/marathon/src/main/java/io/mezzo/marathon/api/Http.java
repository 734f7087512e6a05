package io.mezzo.marathon.api;

import io.mezzo.marathon.core.MarathonException;
import io.mezzo.marathon.model.InvalidJsonException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Request and response helpers shared by the API classes, and the one failure handler. */
final class Http {
  private static final Logger LOG = Logger.getLogger(Http.class.getName());
  static final String JSON = "application/json; charset=utf-8";

  private Http() {
  }

  static void json(RoutingContext ctx, int status, Object body) {
    String text = body instanceof JsonObject o ? o.encode() : body instanceof JsonArray a ? a.encode() : String.valueOf(body);
    ctx.response().setStatusCode(status).putHeader("content-type", JSON).end(text);
  }

  static void ok(RoutingContext ctx, Object body) {
    json(ctx, 200, body);
  }

  static boolean flag(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    return v != null && (v.isEmpty() || v.equalsIgnoreCase("true"));
  }

  static List<String> params(RoutingContext ctx, String name) {
    return ctx.queryParam(name);
  }

  static String body(RoutingContext ctx) {
    return ctx.body() == null || ctx.body().buffer() == null ? "" : ctx.body().asString();
  }

  /** Reads with a module codec, turning read errors into Marathon's 400. */
  static <T> T read(JsonReader<T> reader, String body) {
    try {
      return reader.read(body);
    } catch (InvalidJsonException e) {
      throw MarathonException.invalidJson(e.details());
    }
  }

  interface JsonReader<T> {
    T read(String body) throws InvalidJsonException;
  }

  static JsonObject deploymentResult(String version, String deploymentId) {
    return new JsonObject().put("version", version).put("deploymentId", deploymentId);
  }

  /** Renders failures as Marathon does: the exception's body, or {@code {"message": ...}}. */
  static void failure(RoutingContext ctx) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    Throwable failure = ctx.failure();
    if (failure instanceof MarathonException m) {
      json(ctx, m.status(), m.body());
    } else if (failure instanceof HttpException h) {
      String message = h.getStatusCode() == 413 ? "Request entity too large"
          : h.getPayload() != null ? h.getPayload() : h.getMessage();
      json(ctx, h.getStatusCode(), new JsonObject().put("message", message));
    } else if (failure == null) {
      int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      String message = status == 405 ? "HTTP 405 Method Not Allowed" : status == 404 ? "HTTP 404 Not Found"
          : status == 413 ? "Request entity too large" : "Request failed";
      json(ctx, status, new JsonObject().put("message", message));
    } else {
      LOG.log(Level.WARNING, "Unhandled failure on " + ctx.request().method() + " " + ctx.normalizedPath(), failure);
      json(ctx, 500, new JsonObject().put("message", "An unexpected server error occurred"));
    }
  }
}
