package io.mezzo.common.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.net.BindException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** What every component's HTTP API shares: {@code GET /ping}, JSON error bodies, listening with clear errors. */
public final class Routes {
  private static final Logger LOG = Logger.getLogger(Routes.class.getName());

  private Routes() {
  }

  /** A router with {@code GET /ping} answering {@code pong} and one failure handler rendering JSON errors. */
  public static Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.get("/ping").handler(ctx -> ctx.response().putHeader("content-type", "text/plain; charset=utf-8").end("pong"));
    router.route().last().handler(ctx -> ctx.fail(new ApiException(404, "Path '" + ctx.normalizedPath() + "' not found")));
    router.route().failureHandler(Routes::failureHandler);
    return router;
  }

  /** Renders {@link ApiException}s and vertx-web's {@link HttpException}s as {@code {"message","details"}}. */
  public static void failureHandler(RoutingContext ctx) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    Throwable failure = ctx.failure();
    int status;
    String message;
    JsonArray details = new JsonArray();
    if (failure instanceof ApiException api) {
      status = api.status();
      message = api.getMessage();
      api.details().forEach(details::add);
    } else if (failure instanceof HttpException http) {
      status = http.getStatusCode();
      message = http.getPayload() != null ? http.getPayload() : http.getMessage();
    } else if (failure == null) {
      status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      message = status == 405 ? "Method not allowed" : status == 404 ? "Not found" : "Request failed";
    } else {
      status = 500;
      message = "Internal error";
      LOG.log(Level.WARNING, "Unhandled failure on " + ctx.request().method() + " " + ctx.normalizedPath(), failure);
    }
    ctx.response().setStatusCode(status)
        .putHeader("content-type", "application/json; charset=utf-8")
        .end(new JsonObject().put("message", message).put("details", details).encode());
  }

  /** Listens, turning a taken port into a {@link PortInUseException} that names the port and the component. */
  public static Future<HttpServer> listen(Vertx vertx, Router router, String component, String host, int port) {
    // No h2c upgrade: the APIs we mirror speak HTTP/1.1, and an upgrade request whose answer comes
    // before its body was read (a redirect, a 405) can leave a client waiting forever.
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setHttp2ClearTextEnabled(false))
        .requestHandler(router)
        .listen()
        .recover(e -> Future.failedFuture(isBindFailure(e) ? new PortInUseException(component, host, port) : e));
  }

  private static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }
}
