package io.mezzo.metronome.api;

import io.mezzo.common.http.ApiException;
import io.mezzo.common.http.Routes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The router of the Metronome API. Like {@link Routes#router} ({@code /ping}, one failure handler, JSON 404 for
 * unknown paths), except that error bodies carry {@code details} only when there are some: Metronome answers
 * {@code {"message":"Job 'x' does not exist"}} but {@code {"message":"Object is not valid","details":[...]}}.
 */
public final class ErrorResponses {

  private ErrorResponses() {
  }

  public static Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.get("/ping").handler(ctx -> ctx.response().putHeader("content-type", "text/plain; charset=utf-8").end("pong"));
    router.route().last().handler(ctx -> ctx.fail(new ApiException(404, "Path '" + ctx.normalizedPath() + "' not found")));
    router.route().failureHandler(ErrorResponses::render);
    return router;
  }

  static void render(RoutingContext ctx) {
    if (!(ctx.failure() instanceof ApiException api) || ctx.response().headWritten()) {
      Routes.failureHandler(ctx);
      return;
    }
    JsonObject body = new JsonObject().put("message", api.getMessage());
    if (!api.details().isEmpty()) {
      body.put("details", new JsonArray(api.details()));
    }
    ctx.response().setStatusCode(api.status())
        .putHeader("content-type", "application/json; charset=utf-8")
        .end(body.encode());
  }
}
