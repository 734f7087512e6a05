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

class FailoverTest {
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

  @Test
  void leaderStops_followerTakesOver_servesSameAppsDeploymentsAndTasks() throws Exception {
    String root = MarathonFixture.newRoot();
    MarathonFixture.Node a = fx.leader(root, new JsonObject());
    MarathonFixture.Node b = fx.deploy(root, new JsonObject());
    await().atMost(Duration.ofSeconds(5)).until(() -> ("127.0.0.1:" + a.port())
        .equals(fx.get(b.url("/v2/info")).getString("leader")));

    fx.send("POST", a.url("/v2/apps"), "{\"id\":\"/steady\",\"cmd\":\"x\",\"instances\":2}");
    fx.awaitNoDeployments(a);
    a.launcher().behave("/stuck", SimulatedLauncher.Behaviour.NEVER_RUNNING);
    HttpResponse<String> viaFollower = fx.send("POST", b.url("/v2/apps"), "{\"id\":\"/stuck\",\"cmd\":\"y\"}");
    assertThat(viaFollower.statusCode()).isEqualTo(201);
    assertThat(viaFollower.headers().firstValue("X-Marathon-Leader")).hasValue("http://127.0.0.1:" + a.port());
    String deploymentId = viaFollower.headers().firstValue("Marathon-Deployment-Id").orElseThrow();
    assertThat(fx.get(b.url("/v2/apps")).getJsonArray("apps")).hasSize(2);
    Set<String> steadyTasks = taskIds(a, "/steady");
    String rootBefore = fx.send("GET", a.url("/v2/groups"), null).body();

    fx.undeploy(a);
    fx.awaitLeader(b);

    assertThat(fx.get(b.url("/v2/leader")).getString("leader")).isEqualTo("127.0.0.1:" + b.port());
    assertThat(fx.send("GET", b.url("/v2/groups"), null).body()).isEqualTo(rootBefore);
    assertThat(taskIds(b, "/steady")).isEqualTo(steadyTasks);
    JsonArray deployments = fx.deployments(b);
    assertThat(deployments).hasSize(1);
    assertThat(deployments.getJsonObject(0).getString("id")).isEqualTo(deploymentId);

    HttpResponse<String> kill = fx.send("DELETE", b.url("/v2/apps/stuck/tasks"), null);
    assertThat(kill.statusCode()).isEqualTo(200);
    fx.awaitNoDeployments(b);
    assertThat(fx.app(b, "/stuck").getInteger("tasksRunning")).isEqualTo(1);
    assertThat(taskIds(b, "/steady")).isEqualTo(steadyTasks);
  }
}
