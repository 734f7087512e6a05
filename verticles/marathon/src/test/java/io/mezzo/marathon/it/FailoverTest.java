package io.mezzo.marathon.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
  /**
   * The leader goes away in the middle of a deployment that waits for health checks Marathon runs itself. The
   * follower takes over, runs the checks, and finishes the deployment once they pass, without replacing a task.
   */
  @Test
  void leaderGoesDuringADeployment_followerFinishesIt_tasksRunningBeforeStillRun() throws Exception {
    AtomicInteger status = new AtomicInteger(503);
    HttpServer server = fx.vertx.createHttpServer()
        .requestHandler(req -> req.response().setStatusCode(status.get()).end())
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try {
      String root = MarathonFixture.newRoot();
      MarathonFixture.Node a = fx.leader(root, new JsonObject());
      MarathonFixture.Node b = fx.deploy(root, new JsonObject());
      fx.send("POST", a.url("/v2/apps"), "{\"id\":\"/base\",\"cmd\":\"x\",\"instances\":2}");
      fx.awaitNoDeployments(a);
      HttpResponse<String> created = fx.send("POST", a.url("/v2/apps"), "{\"id\":\"/web\",\"cmd\":\"x\","
          + "\"instances\":3,\"healthChecks\":[{\"protocol\":\"HTTP\",\"port\":" + server.actualPort()
          + ",\"gracePeriodSeconds\":0,\"intervalSeconds\":2,\"timeoutSeconds\":1,\"maxConsecutiveFailures\":0}]}");
      String deploymentId = created.headers().firstValue("Marathon-Deployment-Id").orElseThrow();
      await().atMost(Duration.ofSeconds(10)).until(() -> fx.app(a, "/web").getInteger("tasksUnhealthy") == 3);
      assertThat(fx.deployments(a).getJsonObject(0).getString("id")).isEqualTo(deploymentId);
      Set<String> before = new HashSet<>(taskIds(a, "/web"));
      before.addAll(taskIds(a, "/base"));

      fx.undeploy(a);
      fx.awaitLeader(b);
      assertThat(fx.deployments(b).getJsonObject(0).getString("id")).isEqualTo(deploymentId);
      status.set(200);

      fx.awaitNoDeployments(b);
      assertThat(fx.app(b, "/web").getInteger("tasksHealthy")).isEqualTo(3);
      Set<String> after = new HashSet<>(taskIds(b, "/web"));
      after.addAll(taskIds(b, "/base"));
      assertThat(after).isEqualTo(before);
      assertThat(b.launcher().launches.get()).isZero();
      assertThat(b.launcher().kills.get()).isZero();
    } finally {
      server.close();
    }
  }
}
