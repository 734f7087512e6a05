package io.mezzo.marathon.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP and TCP health checks run by Marathon itself against a real server whose answer the test controls:
 * results in the tasks, health counts, events, and kills of failing instances held back by the rate limiter.
 */
class HealthCheckTest extends FixtureTest {
  static HttpServer server;
  static final AtomicInteger status = new AtomicInteger(200);

  @BeforeAll
  static void start() throws Exception {
    server = fx.vertx.createHttpServer().requestHandler(req -> req.response().setStatusCode(status.get()).end("x"))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }


  /** Event frames of the given types, read on a background thread. */
  static final class Events implements AutoCloseable {
    final List<JsonObject> seen = new CopyOnWriteArrayList<>();
    private final Stream<String> lines;

    Events(String url) throws Exception {
      HttpResponse<Stream<String>> r = fx.http.send(HttpRequest.newBuilder(URI.create(url))
          .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
      lines = r.body();
      Thread t = new Thread(() -> {
        try {
          lines.forEach(l -> {
            if (l.startsWith("data: ")) {
              seen.add(new JsonObject(l.substring(6)));
            }
          });
        } catch (RuntimeException closed) {
          // closed by the test
        }
      });
      t.setDaemon(true);
      t.start();
    }

    long count(String type) {
      return seen.stream().filter(e -> type.equals(e.getString("eventType"))).count();
    }

    @Override
    public void close() {
      lines.close();
    }
  }

  @Test
  void httpCheck_passesFailsAndRecovers_killsOfFailingInstancesAreRateLimited() throws Exception {
    status.set(200);
    MarathonFixture.Node m = fx.leader(MarathonFixture.newRoot(), new JsonObject().put("health_kills_per_app", 1)
        .put("health_kill_window_seconds", 60));
    try (Events events = new Events(m.url("/v2/events?event_type=health_status_changed_event"
        + "&event_type=unhealthy_instance_kill_event&event_type=failed_health_check_event"))) {
      HttpResponse<String> created = fx.send("POST", m.url("/v2/apps"), "{\"id\":\"/hc\",\"cmd\":\"x\",\"instances\":3,"
          + "\"healthChecks\":[{\"protocol\":\"HTTP\",\"path\":\"/health\",\"port\":" + server.actualPort() + ","
          + "\"gracePeriodSeconds\":0,\"intervalSeconds\":2,\"timeoutSeconds\":1,\"maxConsecutiveFailures\":2}]}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      // the deployment waits for Marathon's checks: done only once all three passed
      fx.awaitNoDeployments(m);
      JsonObject app = fx.app(m, "/hc");
      assertThat(app.getInteger("tasksHealthy")).isEqualTo(3);
      JsonObject result = app.getJsonArray("tasks").getJsonObject(0).getJsonArray("healthCheckResults").getJsonObject(0);
      assertThat(result.getBoolean("alive")).isTrue();
      assertThat(result.getInteger("consecutiveFailures")).isZero();
      assertThat(result.getString("lastSuccess")).isNotNull();
      assertThat(m.launcher().kills.get()).isZero();

      // the server fails: all three turn unhealthy, but only one is killed within the window
      status.set(503);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(fx.app(m, "/hc").getInteger("tasksUnhealthy")).isGreaterThanOrEqualTo(2));
      await().atMost(Duration.ofSeconds(10)).until(() -> events.count("unhealthy_instance_kill_event") == 1);
      assertThat(fx.get(m.url("/v2/apps/hc/tasks")).getJsonArray("tasks").stream().map(JsonObject.class::cast)
          .filter(t -> !t.getJsonArray("healthCheckResults").isEmpty())
          .map(t -> t.getJsonArray("healthCheckResults").getJsonObject(0))
          .filter(hc -> !hc.getBoolean("alive")).map(hc -> hc.getString("lastFailureCause"))).contains("HTTP 503");
      // the other two keep failing every 2 s: without the limiter they would be killed within this time
      Thread.sleep(3_000);
      assertThat(events.count("unhealthy_instance_kill_event")).isEqualTo(1);
      assertThat(m.launcher().kills.get()).isEqualTo(1);
      assertThat(events.count("failed_health_check_event")).isGreaterThanOrEqualTo(4);
      // the killed instance was replaced
      assertThat(fx.get(m.url("/v2/apps/hc/tasks")).getJsonArray("tasks")).hasSize(3);

      // the server recovers: every instance is healthy again, no more kills
      status.set(200);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(fx.app(m, "/hc").getInteger("tasksHealthy")).isEqualTo(3));
      assertThat(m.launcher().kills.get()).isEqualTo(1);
      assertThat(events.seen.stream().filter(e -> "health_status_changed_event".equals(e.getString("eventType")))
          .map(e -> e.getBoolean("alive"))).contains(true, false);
    }
  }

  @Test
  void tcpCheck_healthyWhileThePortListens_unhealthyWhenNothingListens() throws Exception {
    MarathonFixture.Node m = fx.leader(MarathonFixture.newRoot(), new JsonObject());
    int closed = MarathonFixture.freePort();
    fx.send("POST", m.url("/v2/apps"), "{\"id\":\"/up\",\"cmd\":\"x\",\"healthChecks\":[{\"protocol\":\"TCP\",\"port\":"
        + server.actualPort() + ",\"intervalSeconds\":2,\"timeoutSeconds\":1}]}");
    fx.send("POST", m.url("/v2/apps"), "{\"id\":\"/down\",\"cmd\":\"x\",\"healthChecks\":[{\"protocol\":\"TCP\",\"port\":"
        + closed + ",\"gracePeriodSeconds\":0,\"intervalSeconds\":2,\"timeoutSeconds\":1,\"maxConsecutiveFailures\":0}]}");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(fx.app(m, "/up").getInteger("tasksHealthy")).isEqualTo(1);
      assertThat(fx.app(m, "/down").getInteger("tasksUnhealthy")).isEqualTo(1);
    });
    // maxConsecutiveFailures 0: never killed; its start never completes
    assertThat(m.launcher().kills.get()).isZero();
    JsonArray deployments = fx.deployments(m);
    assertThat(deployments).hasSize(1);
    assertThat(deployments.getJsonObject(0).getJsonArray("affectedApps").getString(0)).isEqualTo("/down");
  }
}
