package io.mezzo.marathon.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentLifecycleTest {
  @TempDir
  static Path dir;

  static MarathonFixture fx;

  @BeforeAll
  static void startZk() throws Exception {
    fx = new MarathonFixture(dir);
  }

  @AfterAll
  static void stopZk() {
    fx.close();
  }

  private static Set<String> taskIds(MarathonFixture.Node m, String app) throws Exception {
    Set<String> ids = new HashSet<>();
    fx.get(m.url("/v2/apps" + app + "/tasks")).getJsonArray("tasks").forEach(t -> ids.add(((JsonObject) t).getString("id")));
    return ids;
  }

  private static String post(MarathonFixture.Node m, String json) throws Exception {
    HttpResponse<String> r = fx.send("POST", m.url("/v2/apps"), json);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return r.headers().firstValue("Marathon-Deployment-Id").orElseThrow();
  }

  @Test
  void startScaleRestart_rollingRestart_keepsMinimumAndReplacesEveryTask() throws Exception {
    MarathonFixture.Node m = fx.leader(MarathonFixture.newRoot(), new JsonObject());
    post(m, "{\"id\":\"/svc\",\"cmd\":\"x\",\"instances\":1,\"healthChecks\":[{\"protocol\":\"MESOS_HTTP\"}],"
        + "\"upgradeStrategy\":{\"minimumHealthCapacity\":0.5,\"maximumOverCapacity\":0}}");
    fx.awaitNoDeployments(m);
    assertThat(fx.app(m, "/svc").getInteger("tasksHealthy")).isEqualTo(1);

    HttpResponse<String> scale = fx.send("PATCH", m.url("/v2/apps/svc"), "{\"instances\":4}");
    assertThat(scale.statusCode()).isEqualTo(200);
    JsonArray running = fx.deployments(m);
    if (!running.isEmpty()) {
      assertThat(running.getJsonObject(0).getJsonArray("steps").getJsonObject(0).getJsonArray("actions")
          .getJsonObject(0).getString("action")).isEqualTo("ScaleApplication");
    }
    fx.awaitNoDeployments(m);
    Set<String> before = taskIds(m, "/svc");
    assertThat(before).hasSize(4);
    JsonObject scaled = fx.app(m, "/svc");
    assertThat(scaled.getJsonObject("versionInfo").getString("lastScalingAt"))
        .isNotEqualTo(scaled.getJsonObject("versionInfo").getString("lastConfigChangeAt"));

    HttpResponse<String> restart = fx.send("POST", m.url("/v2/apps/svc/restart"), null);
    assertThat(restart.statusCode()).isEqualTo(200);
    fx.awaitNoDeployments(m);

    Set<String> after = taskIds(m, "/svc");
    assertThat(after).hasSize(4).doesNotContainAnyElementsOf(before);
    assertThat(m.launcher().minRunningAfterKill.get("/svc")).isGreaterThanOrEqualTo(2);
    assertThat(fx.app(m, "/svc").getInteger("tasksHealthy")).isEqualTo(4);
  }

  @Test
  void deleteDeployment_rollsBack_forceCancelLeavesTarget() throws Exception {
    MarathonFixture.Node m = fx.leader(MarathonFixture.newRoot(), new JsonObject());
    post(m, "{\"id\":\"/r\",\"cmd\":\"one\",\"instances\":2}");
    fx.awaitNoDeployments(m);
    Set<String> original = taskIds(m, "/r");
    m.launcher().behave("/r", SimulatedLauncher.Behaviour.NEVER_RUNNING);

    HttpResponse<String> upgrade = fx.send("PUT", m.url("/v2/apps/r"), "{\"cmd\":\"two\"}");
    String stuck = new JsonObject(upgrade.body()).getString("deploymentId");
    await().atMost(Duration.ofSeconds(5)).until(() -> fx.app(m, "/r").getInteger("tasksStaged") >= 1);
    assertThat(fx.deployments(m).getJsonObject(0).getString("id")).isEqualTo(stuck);

    HttpResponse<String> rollback = fx.send("DELETE", m.url("/v2/deployments/" + stuck), null);
    assertThat(rollback.statusCode()).isEqualTo(200);
    JsonObject body = new JsonObject(rollback.body());
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("deploymentId", "version");
    assertThat(body.getString("deploymentId")).isNotEqualTo(stuck);
    fx.awaitNoDeployments(m);
    assertThat(fx.app(m, "/r").getString("cmd")).isEqualTo("one");
    assertThat(taskIds(m, "/r")).isEqualTo(original);

    HttpResponse<String> again = fx.send("PUT", m.url("/v2/apps/r"), "{\"cmd\":\"three\"}");
    String second = new JsonObject(again.body()).getString("deploymentId");
    HttpResponse<String> cancel = fx.send("DELETE", m.url("/v2/deployments/" + second + "?force=true"), null);
    assertThat(cancel.statusCode()).isEqualTo(202);
    assertThat(cancel.body()).isEmpty();
    assertThat(fx.deployments(m)).isEmpty();
    assertThat(fx.app(m, "/r").getString("cmd")).isEqualTo("three");
    assertThat(taskIds(m, "/r")).containsAll(original);

    HttpResponse<String> missing = fx.send("DELETE", m.url("/v2/deployments/" + second), null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(missing.body()).getString("message")).isEqualTo("DeploymentPlan " + second + " does not exist");
  }

  @Test
  void deploymentWithoutProgress_pastDeadline_failsAndRollsBack() throws Exception {
    MarathonFixture.Node m = fx.leader(MarathonFixture.newRoot(), new JsonObject().put("progress_deadline_seconds", 1));
    post(m, "{\"id\":\"/d\",\"cmd\":\"good\"}");
    fx.awaitNoDeployments(m);
    m.launcher().behave("/d", SimulatedLauncher.Behaviour.UNHEALTHY);

    fx.send("PUT", m.url("/v2/apps/d"), "{\"cmd\":\"bad\",\"healthChecks\":[{\"protocol\":\"MESOS_TCP\"}]}");
    assertThat(fx.deployments(m)).hasSize(1);

    await().atMost(Duration.ofSeconds(10)).until(() -> "good".equals(fx.app(m, "/d").getString("cmd"))
        && fx.deployments(m).isEmpty());
    assertThat(fx.app(m, "/d").getInteger("tasksRunning")).isEqualTo(1);
  }

  @Test
  void groups_treeDryRunAndDelete() throws Exception {
    MarathonFixture.Node m = fx.leader(MarathonFixture.newRoot(), new JsonObject());
    HttpResponse<String> created = fx.send("POST", m.url("/v2/groups"), """
        {"id":"/shop","apps":[{"id":"db","cmd":"db"},{"id":"web","cmd":"web","dependencies":["/shop/db"]}]}""");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    fx.awaitNoDeployments(m);

    JsonObject tree = fx.get(m.url("/v2/groups"));
    assertThat(tree.getString("id")).isEqualTo("/");
    JsonObject shop = tree.getJsonArray("groups").getJsonObject(0);
    assertThat(shop.getString("id")).isEqualTo("/shop");
    assertThat(shop.getJsonArray("apps").stream().map(a -> ((JsonObject) a).getString("id")))
        .containsExactlyInAnyOrder("/shop/db", "/shop/web");
    assertThat(fx.get(m.url("/v2/groups/shop")).getString("id")).isEqualTo("/shop");

    String before = fx.send("GET", m.url("/v2/groups"), null).body();
    HttpResponse<String> dry = fx.send("PUT", m.url("/v2/groups/shop?dryRun=true"), """
        {"apps":[{"id":"db","cmd":"db2"},{"id":"web","cmd":"web2","dependencies":["/shop/db"]}]}""");
    assertThat(dry.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(dry.body())).isEqualTo(new JsonObject("""
        {"steps":[{"actions":[{"action":"RestartApplication","app":"/shop/db"}]},
                  {"actions":[{"action":"RestartApplication","app":"/shop/web"}]}]}"""));
    assertThat(fx.send("GET", m.url("/v2/groups"), null).body()).isEqualTo(before);
    assertThat(fx.deployments(m)).isEmpty();

    HttpResponse<String> duplicate = fx.send("POST", m.url("/v2/groups"), "{\"id\":\"/shop\"}");
    assertThat(duplicate.statusCode()).isEqualTo(409);
    HttpResponse<String> cyclic = fx.send("PUT", m.url("/v2/groups/loop"), """
        {"apps":[{"id":"a","cmd":"a","dependencies":["/loop/b"]},{"id":"b","cmd":"b","dependencies":["/loop/a"]}]}""");
    assertThat(cyclic.statusCode()).isEqualTo(422);

    HttpResponse<String> deleted = fx.send("DELETE", m.url("/v2/groups/shop"), null);
    assertThat(deleted.statusCode()).isEqualTo(200);
    fx.awaitNoDeployments(m);
    assertThat(fx.get(m.url("/v2/groups")).getJsonArray("groups")).isEmpty();
    assertThat(fx.get(m.url("/v2/tasks")).getJsonArray("tasks")).isEmpty();
    assertThat(fx.send("GET", m.url("/v2/groups/shop"), null).statusCode()).isEqualTo(404);
  }
}
