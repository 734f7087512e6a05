package io.mezzo.marathon.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import static org.awaitility.Awaitility.await;
import org.junit.jupiter.api.Test;

/**
 * {@code /v2/pods}: validated, stored (a new leader has them) and run like apps: instances started, scaled without
 * a restart, replaced on a configuration change and when killed, stopped on delete.
 */
class PodsApiTest extends FixtureTest {


  private static final String POD = """
      {"id":"/shop/cart","containers":[{"name":"web","resources":{"cpus":0.1,"mem":32},
       "exec":{"command":{"shell":"sleep 100"}}}],"scaling":{"kind":"fixed","instances":2}}""";

  @Test
  void pods_createdScaledUpgradedKilledDeleted_storedForTheNextLeader() throws Exception {
    String root = MarathonFixture.newRoot();
    MarathonFixture.Node m = fx.leader(root, new JsonObject());
    HttpResponse<String> created = fx.send("POST", m.url("/v2/pods"), POD);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).hasValue("/v2/pods/shop/cart");
    assertThat(new JsonObject(created.body()).getString("id")).isEqualTo("/shop/cart");
    assertThat(fx.send("POST", m.url("/v2/pods"), POD).statusCode()).isEqualTo(409);

    assertThat(new JsonArray(fx.send("GET", m.url("/v2/pods"), null).body())).hasSize(1);
    Set<String> first = awaitStable(m, 2);
    assertThat(fx.send("GET", m.url("/v2/apps/shop/cart"), null).statusCode()).isEqualTo(404);
    assertThat(fx.get(m.url("/v2/apps")).getJsonArray("apps")).isEmpty();

    // scaling keeps the running instances
    HttpResponse<String> updated = fx.send("PUT", m.url("/v2/pods/shop/cart"),
        POD.replace("\"instances\":2", "\"instances\":3"));
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    assertThat(fx.get(m.url("/v2/pods/shop/cart")).getJsonObject("scaling").getInteger("instances")).isEqualTo(3);
    Set<String> scaled = awaitStable(m, 3);
    assertThat(scaled).containsAll(first);

    // a configuration change replaces every instance; the deployment names the pod as affected
    HttpResponse<String> upgraded = fx.send("PUT", m.url("/v2/pods/shop/cart"), POD
        .replace("\"instances\":2", "\"instances\":3").replace("sleep 100", "sleep 200"));
    assertThat(upgraded.statusCode()).as(upgraded.body()).isEqualTo(200);
    JsonArray running = new JsonArray(fx.send("GET", m.url("/v2/deployments"), null).body());
    if (!running.isEmpty()) {
      assertThat(running.getJsonObject(0).getJsonArray("affectedPods").getList()).as(running.encode()).containsExactly("/shop/cart");
      assertThat(running.getJsonObject(0).getJsonArray("affectedApps").getList()).isEmpty();
    }
    Set<String> replaced = awaitStable(m, 3);
    assertThat(replaced).doesNotContainAnyElementsOf(scaled);

    // a killed instance is replaced
    String doomed = replaced.iterator().next();
    HttpResponse<String> killed = fx.send("DELETE", m.url("/v2/pods/shop/cart::instances/" + doomed), null);
    assertThat(killed.statusCode()).as(killed.body()).isEqualTo(200);
    assertThat(new JsonObject(killed.body()).getString("id")).isEqualTo(doomed);
    Set<String> beforeFailover = awaitStable(m, 3);
    assertThat(beforeFailover).doesNotContain(doomed);
    assertThat(fx.send("DELETE", m.url("/v2/pods/shop/cart::instances/nope"), null).statusCode()).isEqualTo(404);

    // refused without a change
    assertThat(fx.send("POST", m.url("/v2/pods"), "{\"id\":\"/p\",\"containers\":[]}").statusCode()).isEqualTo(422);
    assertThat(fx.send("POST", m.url("/v2/pods"), "{\"id\":\"/p\",").statusCode()).isEqualTo(400);
    HttpResponse<String> badConstraint = fx.send("POST", m.url("/v2/pods"), POD.replace("/shop/cart", "/p").replace(
        "\"scaling\"", "\"scheduling\":{\"placement\":{\"constraints\":[{\"fieldName\":\"hostname\","
            + "\"operator\":\"NEAR\"}]}},\"scaling\""));
    assertThat(badConstraint.statusCode()).isEqualTo(422);
    assertThat(badConstraint.body()).contains("/scheduling/placement/constraints(0)");
    assertThat(fx.send("PUT", m.url("/v2/pods/other"), POD).statusCode()).isEqualTo(422);
    assertThat(fx.send("GET", m.url("/v2/pods/nope"), null).statusCode()).isEqualTo(404);

    // the next leader reads them from ZooKeeper
    fx.undeploy(m);
    MarathonFixture.Node next = fx.leader(root, new JsonObject());
    assertThat(fx.get(next.url("/v2/pods/shop/cart")).getJsonObject("scaling").getInteger("instances")).isEqualTo(3);
    assertThat(awaitStable(next, 3)).isEqualTo(beforeFailover);

    assertThat(fx.send("DELETE", next.url("/v2/pods/shop/cart"), null).statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(fx.get(next.url("/v2/tasks")).getJsonArray("tasks")).isEmpty());
    assertThat(fx.send("GET", next.url("/v2/pods/shop/cart"), null).statusCode()).isEqualTo(404);
    assertThat(new JsonArray(fx.send("GET", next.url("/v2/pods"), null).body())).isEmpty();
  }

  /** Waits until the pod has {@code n} instances, all STABLE, and no deployment runs; returns their ids. */
  private static Set<String> awaitStable(MarathonFixture.Node m, int n) {
    Set<String> out = new HashSet<>();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      out.clear();
      JsonObject status = fx.get(m.url("/v2/pods/shop/cart::status"));
      JsonArray instances = status.getJsonArray("instances");
      assertThat(instances).as(status::encodePrettily).hasSize(n);
      for (Object o : instances) {
        JsonObject i = (JsonObject) o;
        assertThat(i.getString("status")).isEqualTo("STABLE");
        assertThat(i.getJsonArray("containers").getJsonObject(0).getString("status")).isEqualTo("TASK_RUNNING");
        out.add(i.getString("id"));
      }
      assertThat(status.getString("status")).isEqualTo("STABLE");
      assertThat(new JsonArray(fx.send("GET", m.url("/v2/deployments"), null).body())).isEmpty();
    });
    return out;
  }
}
