package io.mezzo.marathon.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Canary deployments over the API ({@code ?canary=N}, {@code POST /v2/deployments/{id}/promote}). */
class CanaryTest extends FixtureTest {


  private static Set<String> taskIds(MarathonFixture.Node m) throws Exception {
    Set<String> ids = new HashSet<>();
    fx.get(m.url("/v2/apps/c/tasks")).getJsonArray("tasks").forEach(t -> ids.add(((JsonObject) t).getString("id")));
    return ids;
  }

  private static JsonObject canary(MarathonFixture.Node m) throws Exception {
    return fx.deployments(m).getJsonObject(0).getJsonObject("canary");
  }

  @Test
  void canaryBesideOldInstances_promotedByApi_autoPromoted_revertedAfterDeadline() throws Exception {
    MarathonFixture.Node m = fx.leader(MarathonFixture.newRoot(), new JsonObject());
    fx.send("POST", m.url("/v2/apps"), "{\"id\":\"/c\",\"cmd\":\"one\",\"instances\":4}");
    fx.awaitNoDeployments(m);
    Set<String> old = taskIds(m);

    // one canary runs beside the four old instances and waits for promotion
    HttpResponse<String> put = fx.send("PUT", m.url("/v2/apps/c?canary=1"), "{\"cmd\":\"two\"}");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    String deployment = new JsonObject(put.body()).getString("deploymentId");
    await().atMost(Duration.ofSeconds(10)).until(() -> "AWAITING_PROMOTION".equals(canary(m).getString("phase")));
    Thread.sleep(500);
    assertThat(taskIds(m)).hasSize(5).containsAll(old);
    assertThat(fx.deployments(m)).hasSize(1);
    HttpResponse<String> promoted = fx.send("POST", m.url("/v2/deployments/" + deployment + "/promote"), null);
    assertThat(promoted.statusCode()).as(promoted.body()).isEqualTo(200);
    fx.awaitNoDeployments(m);
    Set<String> second = taskIds(m);
    assertThat(second).hasSize(4).doesNotContainAnyElementsOf(old);
    assertThat(fx.app(m, "/c").getString("cmd")).isEqualTo("two");

    // automatic promotion once the canaries are healthy
    HttpResponse<String> auto = fx.send("PUT", m.url("/v2/apps/c?canary=2&canaryAutoPromote=true"), "{\"cmd\":\"three\"}");
    assertThat(auto.statusCode()).isEqualTo(200);
    fx.awaitNoDeployments(m);
    Set<String> third = taskIds(m);
    assertThat(third).hasSize(4).doesNotContainAnyElementsOf(second);

    // canaries that never run: reverted after the deadline, the old instances untouched
    m.launcher().behave("/c", SimulatedLauncher.Behaviour.NEVER_RUNNING);
    HttpResponse<String> bad = fx.send("PUT", m.url("/v2/apps/c?canary=1&canaryDeadlineSeconds=1"), "{\"cmd\":\"four\"}");
    assertThat(bad.statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> "three".equals(fx.app(m, "/c").getString("cmd"))
        && fx.deployments(m).isEmpty());
    await().atMost(Duration.ofSeconds(5)).until(() -> taskIds(m).equals(third));
    m.launcher().behave("/c", SimulatedLauncher.Behaviour.HEALTHY);

    // refused: a canary that restarts nothing, more canaries than instances, bad numbers, promoting a plain deployment
    assertThat(fx.send("PUT", m.url("/v2/apps/c?canary=1"), "{\"instances\":5}").statusCode()).isEqualTo(422);
    assertThat(fx.send("PUT", m.url("/v2/apps/c?canary=9"), "{\"cmd\":\"five\"}").statusCode()).isEqualTo(422);
    HttpResponse<String> zero = fx.send("PUT", m.url("/v2/apps/c?canary=0"), "{\"cmd\":\"five\"}");
    assertThat(zero.statusCode()).isEqualTo(422);
    assertThat(new JsonObject(zero.body()).getJsonArray("details").getJsonObject(0).getString("path")).isEqualTo("/canary");
    assertThat(fx.app(m, "/c").getString("cmd")).isEqualTo("three");
    m.launcher().behave("/c", SimulatedLauncher.Behaviour.NEVER_RUNNING);
    String plain = new JsonObject(fx.send("PUT", m.url("/v2/apps/c"), "{\"cmd\":\"six\"}").body()).getString("deploymentId");
    assertThat(fx.send("POST", m.url("/v2/deployments/" + plain + "/promote"), null).statusCode()).isEqualTo(409);
    assertThat(fx.send("POST", m.url("/v2/deployments/nope/promote"), null).statusCode()).isEqualTo(404);
  }
}
