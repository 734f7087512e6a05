package io.mezzo.marathon.api;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;

/**
 * The leader gate in front of every {@code /v2} route that needs the leader's state. The leader passes requests
 * on; a follower forwards them to the leader and streams the answer back (the event stream too), as Marathon's
 * {@code LeaderProxyFilter} does, marking them with {@code X-Marathon-Via}. Without a known leader, or on a
 * request that already went through this instance, the answer is 503.
 */
final class LeaderProxy {
  private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "keep-alive", "transfer-encoding",
      "te", "trailer", "upgrade", "proxy-authorization", "proxy-authenticate", "content-length");

  private final MarathonNode node;
  private final HttpClient client;
  private final long timeoutMs;

  LeaderProxy(Vertx vertx, MarathonNode node, long timeoutMs) {
    this.node = node;
    this.client = vertx.createHttpClient();
    this.timeoutMs = timeoutMs;
  }

  void handle(RoutingContext ctx) {
    if (node.isLeader()) {
      ctx.response().putHeader("X-Marathon-Leader", "http://" + node.selfAddress());
      ctx.next();
      return;
    }
    Optional<String> leader = node.leaderAddress();
    String via = ctx.request().getHeader("X-Marathon-Via");
    if (leader.isEmpty() || leader.get().equals(node.selfAddress())
        || (via != null && via.contains(node.selfAddress()))) {
      Http.json(ctx, 503, new JsonObject().put("message", "Could not determine the current leader"));
      return;
    }
    String[] hostPort = leader.get().split(":");
    boolean stream = ctx.request().path().equals("/v2/events");
    RequestOptions options = new RequestOptions().setMethod(ctx.request().method()).setHost(hostPort[0])
        .setPort(Integer.parseInt(hostPort[1])).setURI(ctx.request().uri())
        .setIdleTimeout(stream ? 0 : timeoutMs).setConnectTimeout(timeoutMs);
    HttpServerResponse response = ctx.response();
    client.request(options).compose(request -> {
      copy(ctx.request().headers(), request.headers());
      request.putHeader("X-Marathon-Via", (via == null ? "" : via + ", ") + "1.1 " + node.selfAddress());
      response.closeHandler(v -> request.reset());
      return ctx.body() != null && ctx.body().buffer() != null && ctx.body().length() > 0
          ? request.send(ctx.body().buffer()) : request.send();
    }).onSuccess(answer -> {
      response.setStatusCode(answer.statusCode());
      copy(answer.headers(), response.headers());
      response.putHeader("X-Marathon-Leader", "http://" + leader.get());
      if (answer.getHeader("content-length") == null) {
        response.setChunked(true);
      } else {
        response.putHeader("content-length", answer.getHeader("content-length"));
      }
      answer.pipeTo(response);
    }).onFailure(e -> {
      if (!response.headWritten()) {
        Http.json(ctx, 502, new JsonObject().put("message", "Failed to proxy the request to the leader at "
            + leader.get() + ": " + e.getMessage()));
      }
    });
  }

  private static void copy(MultiMap from, MultiMap to) {
    from.forEach(e -> {
      if (!HOP_BY_HOP.contains(e.getKey().toLowerCase(java.util.Locale.ROOT))) {
        to.add(e.getKey(), e.getValue());
      }
    });
  }

  void close() {
    client.close();
  }

}
