package io.mezzo.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class RoutesTest {

  private record Reply(int status, String contentType, String body) {
  }

  private static io.vertx.core.Future<Reply> get(Vertx vertx, int port, String path) {
    return vertx.createHttpClient().request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.getHeader("content-type"), b.toString())));
  }

  @Test
  void ping_answersPong_andUnknownPathsAndFailuresAreJson(Vertx vertx, VertxTestContext test) {
    Router router = Routes.router(vertx);
    router.get("/boom").handler(ctx -> ctx.fail(new ApiException(422, "Object is not valid", List.of(new JsonObject().put("path", "/id")))));
    router.get("/crash").handler(ctx -> {
      throw new IllegalStateException("bug");
    });
    Routes.listen(vertx, router, "test", "127.0.0.1", 0).compose(server -> {
      int port = server.actualPort();
      return get(vertx, port, "/ping").compose(ping -> get(vertx, port, "/nothing-here").compose(missing ->
          get(vertx, port, "/boom").compose(boom -> get(vertx, port, "/crash").map(crash -> List.of(ping, missing, boom, crash)))));
    }).onComplete(test.succeeding(replies -> test.verify(() -> {
      assertThat(replies.get(0)).isEqualTo(new Reply(200, "text/plain; charset=utf-8", "pong"));
      assertThat(replies.get(1).status()).isEqualTo(404);
      assertThat(new JsonObject(replies.get(1).body()).getString("message")).isEqualTo("Path '/nothing-here' not found");
      assertThat(replies.get(2).status()).isEqualTo(422);
      assertThat(new JsonObject(replies.get(2).body()).getJsonArray("details").getJsonObject(0).getString("path")).isEqualTo("/id");
      assertThat(replies.get(3).status()).isEqualTo(500);
      assertThat(new JsonObject(replies.get(3).body()).getString("message")).isEqualTo("Internal error");
      test.completeNow();
    })));
  }

  @Test
  void takenPort_failsNamingPortAndComponent(Vertx vertx, VertxTestContext test) {
    vertx.createHttpServer().requestHandler(r -> r.response().end()).listen(0, "127.0.0.1")
        .compose((HttpServer first) -> Routes.listen(vertx, Routes.router(vertx), "mesos-master", "127.0.0.1", first.actualPort())
            .map(s -> first.actualPort()).recover(e -> {
              test.verify(() -> {
                assertThat(e).isInstanceOf(PortInUseException.class)
                    .hasMessage("port " + first.actualPort() + " on 127.0.0.1 is already in use (mesos-master)");
              });
              return io.vertx.core.Future.succeededFuture(-1);
            }))
        .onComplete(test.succeeding(r -> test.verify(() -> {
          assertThat(r).isEqualTo(-1);
          test.completeNow();
        })));
  }
}
