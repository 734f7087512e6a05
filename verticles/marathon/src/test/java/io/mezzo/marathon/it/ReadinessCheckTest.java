package io.mezzo.marathon.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Readiness checks against a real server whose answer the test flips: a start and a rolling upgrade wait for the
 * new instances to be ready, old instances stay until then, and {@code /v2/deployments} shows the results.
 */
class ReadinessCheckTest extends FixtureTest {
  static HttpServer server;
  static final AtomicInteger status = new AtomicInteger(503);

  @BeforeAll
  static void start() throws Exception {
    server = fx.vertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals("/ready")) {
        req.response().setStatusCode(status.get()).putHeader("Content-Type", "text/plain")
            .end(status.get() == 200 ? "ok" : "warming up");
      } else {
        req.response().setStatusCode(404).end();
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static JsonArray deployments(MarathonFixture.Node m) throws Exception {
    return new JsonArray(fx.send("GET", m.url("/v2/deployments"), null).body());
  }

  private static Set<String> taskIds(MarathonFixture.Node m) throws Exception {
    Set<String> ids = new HashSet<>();
    fx.get(m.url("/v2/apps/rd/tasks")).getJsonArray("tasks").forEach(t -> ids.add(((JsonObject) t).getString("id")));
    return ids;
  }

  /** The readiness results of the one running deployment's first action. */
  private static JsonArray results(MarathonFixture.Node m) throws Exception {
    JsonArray ds = deployments(m);
    assertThat(ds).hasSize(1);
    return ds.getJsonObject(0).getJsonArray("currentActions").getJsonObject(0).getJsonArray("readinessCheckResults");
  }

  @Test
  void deploymentsWaitForReadiness_resultsShown_rollingUpgradeKeepsOldInstancesUntilNewOnesAreReady()
      throws Exception {
    status.set(503);
    MarathonFixture.Node m = fx.leader(MarathonFixture.newRoot(), new JsonObject());
    m.launcher().hostPorts.put("/rd", server.actualPort());
    String app = "{\"id\":\"/rd\",\"cmd\":\"x\",\"instances\":2,\"portDefinitions\":[{\"port\":0,\"name\":\"api\"}],"
        + "\"upgradeStrategy\":{\"minimumHealthCapacity\":1,\"maximumOverCapacity\":0.5},"
        + "\"readinessChecks\":[{\"name\":\"warm\",\"protocol\":\"HTTP\",\"path\":\"/ready\",\"portName\":\"api\","
        + "\"intervalSeconds\":2,\"timeoutSeconds\":1,\"httpStatusCodesForReady\":[200],"
        + "\"preserveLastResponse\":true}]}";
    HttpResponse<String> created = fx.send("POST", m.url("/v2/apps"), app);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

    // running but not ready: the deployment waits and shows why
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonArray results = results(m);
      assertThat(results).hasSize(2);
      JsonObject r = results.getJsonObject(0);
      assertThat(r.getString("name")).isEqualTo("warm");
      assertThat(r.getBoolean("ready")).isFalse();
      assertThat(r.getJsonObject("lastResponse").getInteger("status")).isEqualTo(503);
      assertThat(r.getJsonObject("lastResponse").getString("body")).isEqualTo("warming up");
      assertThat(taskIds(m)).contains(r.getString("taskId"));
    });
    assertThat(fx.get(m.url("/v2/apps/rd")).getJsonObject("app").getInteger("tasksRunning")).isEqualTo(2);
    Thread.sleep(2500); // another probe interval: still waiting
    assertThat(deployments(m)).hasSize(1);

    status.set(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> deployments(m).isEmpty());
    Set<String> first = taskIds(m);
    assertThat(first).hasSize(2);
    JsonObject embedded = fx.get(m.url("/v2/apps/rd?embed=app.readiness")).getJsonObject("app");
    assertThat(embedded.getJsonArray("readinessCheckResults").stream()
        .map(o -> ((JsonObject) o).getBoolean("ready"))).containsOnly(true);

    // rolling upgrade: one new instance beside the old ones, none of them killed until it is ready
    status.set(503);
    HttpResponse<String> upgraded = fx.send("PUT", m.url("/v2/apps/rd"), "{\"env\":{\"V\":\"2\"}}");
    assertThat(upgraded.statusCode()).as(upgraded.body()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(taskIds(m)).hasSize(3).containsAll(first);
      assertThat(results(m).stream().map(o -> ((JsonObject) o).getBoolean("ready"))).contains(false);
    });
    Thread.sleep(2500);
    assertThat(taskIds(m)).hasSize(3).containsAll(first);

    status.set(200);
    await().atMost(Duration.ofSeconds(15)).until(() -> deployments(m).isEmpty());
    assertThat(taskIds(m)).hasSize(2).doesNotContainAnyElementsOf(first);
    fx.undeploy(m);
  }
}
