package io.mezzo.marathon.api;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Builds Marathon's router: {@code /ping}, {@code /metrics}, {@code /v2/info} and {@code GET /v2/leader} answer on
 * every instance; the rest of {@code /v2} goes through the {@link LeaderProxy} gate.
 */
public final class MarathonApi {
  private final Router router;
  private final LeaderProxy proxy;

  public MarathonApi(Vertx vertx, MarathonNode node) {
    router = Router.router(vertx);
    proxy = new LeaderProxy(vertx, node, node.settings().leaderProxyTimeoutMs());
    SystemApi system = new SystemApi(node);
    router.route().handler(ctx -> {
      system.countRequest();
      ctx.next();
    });
    router.route().handler(BodyHandler.create(false).setBodyLimit(node.settings().maxRequestBytes()));
    router.get("/ping").handler(ctx -> ctx.response().putHeader("content-type", "text/plain; charset=utf-8").end("pong"));
    system.mountLocal(router);
    router.route("/v2/*").handler(proxy::handle);
    system.mountLeader(router);
    new AppsApi(node).mount(router);
    new GroupsApi(node).mount(router);
    new DeploymentsApi(node).mount(router);
    new EventsApi(node).mount(router);
    new PodsApi(node).mount(router);
    router.route().last().handler(ctx -> Http.json(ctx, 404,
        new io.vertx.core.json.JsonObject().put("message", "HTTP 404 Not Found")));
    router.route().failureHandler(Http::failure);
  }

  public Router router() {
    return router;
  }

  public void close() {
    proxy.close();
  }

}
