package io.mezzo.marathon.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppsApiTest {
  @TempDir
  static Path dir;

  static MarathonFixture fx;
  MarathonFixture.Node m;
  String root;

  @BeforeAll
  static void startZk() throws Exception {
    fx = new MarathonFixture(dir);
  }

  @AfterAll
  static void stopZk() {
    fx.close();
  }

  @BeforeEach
  void startMarathon() throws Exception {
    root = MarathonFixture.newRoot();
    m = fx.leader(root, new JsonObject());
  }

  private byte[] storedRoot() throws Exception {
    return m.store().curator().getData().forPath(root + "/state/group/" + Integer.toHexString(Math.floorMod("root".hashCode(), 16)) + "/root");
  }

  @Test
  void postMinimalApp_created_answersMarathonsDefaultFilledJson() throws Exception {
    HttpResponse<String> r = fx.send("POST", m.url("/v2/apps"), "{\"id\":\"web\",\"cmd\":\"sleep 1000\"}");

    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.headers().firstValue("Location")).hasValue("/v2/apps/web");
    JsonObject app = new JsonObject(r.body());
    String deploymentId = r.headers().firstValue("Marathon-Deployment-Id").orElseThrow();
    assertThat(app.getJsonArray("deployments")).isEqualTo(new JsonArray().add(new JsonObject().put("id", deploymentId)));
    String version = app.getString("version");
    assertThat(version).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(app.getJsonObject("versionInfo")).isEqualTo(new JsonObject()
        .put("lastScalingAt", version).put("lastConfigChangeAt", version));
    app.remove("deployments");
    app.remove("version");
    app.remove("versionInfo");
    assertThat(app).isEqualTo(new JsonObject("""
        {"id":"/web","cmd":"sleep 1000","args":[],"env":{},"instances":1,"cpus":1.0,"mem":128.0,"disk":0.0,
         "gpus":0,"executor":"","constraints":[],"fetch":[],
         "portDefinitions":[{"port":10000,"protocol":"tcp","name":"default","labels":{}}],
         "requirePorts":false,"backoffSeconds":1.0,"backoffFactor":1.15,"maxLaunchDelaySeconds":300.0,
         "healthChecks":[],"readinessChecks":[],"dependencies":[],
         "upgradeStrategy":{"minimumHealthCapacity":1.0,"maximumOverCapacity":1.0},"labels":{},
         "acceptedResourceRoles":[],"networks":[{"mode":"host","labels":{}}],
         "unreachableStrategy":{"inactiveAfterSeconds":0,"expungeAfterSeconds":0},
         "killSelection":"YOUNGEST_FIRST","secrets":{},
         "tasksStaged":0,"tasksRunning":0,"tasksHealthy":0,"tasksUnhealthy":0}"""));

    JsonObject shown = fx.app(m, "/web");
    assertThat(shown.getString("version")).isEqualTo(version);
    fx.awaitNoDeployments(m);
    assertThat(fx.app(m, "/web").getInteger("tasksRunning")).isEqualTo(1);
  }

  @Test
  void badInput_refused_nothingStoredChanges() throws Exception {
    fx.send("POST", m.url("/v2/apps"), "{\"id\":\"/keep\",\"cmd\":\"sleep 1\"}");
    byte[] before = storedRoot();

    HttpResponse<String> invalid = fx.send("POST", m.url("/v2/apps"),
        "{\"id\":\"/bad\",\"cmd\":\"x\",\"upgradeStrategy\":{\"minimumHealthCapacity\":1.5}}");
    HttpResponse<String> broken = fx.send("POST", m.url("/v2/apps"), "{\"id\":\"/bad\",\"cmd\":");
    HttpResponse<String> wrongType = fx.send("POST", m.url("/v2/apps"), "{\"id\":5,\"cmd\":\"x\"}");
    HttpResponse<String> duplicate = fx.send("POST", m.url("/v2/apps"), "{\"id\":\"/keep\",\"cmd\":\"other\"}");
    HttpResponse<String> unknown = fx.send("GET", m.url("/v2/apps/nope"), null);
    HttpResponse<String> unknownPatch = fx.send("PATCH", m.url("/v2/apps/nope"), "{\"instances\":2}");
    HttpResponse<String> badPut = fx.send("PUT", m.url("/v2/apps/keep"), "{\"instances\":-1}");

    assertThat(invalid.statusCode()).isEqualTo(422);
    assertThat(new JsonObject(invalid.body())).isEqualTo(new JsonObject("""
        {"message":"Object is not valid","details":[{"path":"/upgradeStrategy/minimumHealthCapacity","errors":["is greater than 1"]}]}"""));
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(broken.body()).getString("message")).isEqualTo("Invalid JSON");
    assertThat(wrongType.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(wrongType.body())).isEqualTo(new JsonObject("""
        {"message":"Invalid JSON","details":[{"path":"/id","errors":["error.expected.jsstring"]}]}"""));
    assertThat(duplicate.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(duplicate.body())).isEqualTo(new JsonObject("{\"message\":\"An app with id [/keep] already exists.\"}"));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(unknown.body())).isEqualTo(new JsonObject("{\"message\":\"App '/nope' does not exist\"}"));
    assertThat(unknownPatch.statusCode()).isEqualTo(404);
    assertThat(badPut.statusCode()).isEqualTo(422);
    assertThat(new String(storedRoot(), StandardCharsets.UTF_8)).isEqualTo(new String(before, StandardCharsets.UTF_8));
    assertThat(fx.get(m.url("/v2/apps")).getJsonArray("apps")).hasSize(1);
  }

  @Test
  void updateWhileDeploymentRuns_locked_409UntilForce() throws Exception {
    m.launcher().behave("/slow", SimulatedLauncher.Behaviour.NEVER_RUNNING);
    HttpResponse<String> created = fx.send("POST", m.url("/v2/apps"), "{\"id\":\"/slow\",\"cmd\":\"x\"}");
    String deploymentId = created.headers().firstValue("Marathon-Deployment-Id").orElseThrow();
    byte[] before = storedRoot();

    HttpResponse<String> locked = fx.send("PUT", m.url("/v2/apps/slow"), "{\"cmd\":\"y\"}");

    assertThat(locked.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(locked.body())).isEqualTo(new JsonObject()
        .put("message", "App is locked by one or more deployments. Override with the option '?force=true'. "
            + "View details at '/v2/deployments/" + deploymentId + "'.")
        .put("deployments", new JsonArray().add(new JsonObject().put("id", deploymentId))));
    assertThat(storedRoot()).isEqualTo(before);

    HttpResponse<String> forced = fx.send("PUT", m.url("/v2/apps/slow?force=true"), "{\"cmd\":\"y\"}");
    assertThat(forced.statusCode()).isEqualTo(200);
    JsonObject result = new JsonObject(forced.body());
    assertThat(result.fieldNames()).containsExactlyInAnyOrder("version", "deploymentId");
    JsonArray running = fx.deployments(m);
    assertThat(running).hasSize(1);
    assertThat(running.getJsonObject(0).getString("id")).isEqualTo(result.getString("deploymentId"));
    assertThat(fx.app(m, "/slow").getString("cmd")).isEqualTo("y");
  }

  @Test
  void listFilters_cmdIdLabelAndEmbed_selectApps() throws Exception {
    fx.send("POST", m.url("/v2/apps"), "{\"id\":\"/a/web\",\"cmd\":\"python -m http.server\",\"labels\":{\"tier\":\"front\"}}");
    fx.send("POST", m.url("/v2/apps"), "{\"id\":\"/a/db\",\"cmd\":\"postgres\",\"labels\":{\"tier\":\"back\",\"pg\":\"16\"}}");
    fx.awaitNoDeployments(m);

    assertThat(ids(fx.get(m.url("/v2/apps?cmd=python")))).containsExactly("/a/web");
    assertThat(ids(fx.get(m.url("/v2/apps?id=db")))).containsExactly("/a/db");
    assertThat(ids(fx.get(m.url("/v2/apps?label=tier%20in%20(front,back),pg")))).containsExactly("/a/db");
    assertThat(ids(fx.get(m.url("/v2/apps?label=tier!=back")))).containsExactly("/a/web");
    JsonObject embedded = fx.get(m.url("/v2/apps?id=web&embed=apps.tasks&embed=apps.lastTaskFailure"))
        .getJsonArray("apps").getJsonObject(0);
    assertThat(embedded.getJsonArray("tasks")).hasSize(1);
    assertThat(embedded.getJsonArray("tasks").getJsonObject(0).getString("state")).isEqualTo("TASK_RUNNING");
    assertThat(embedded.getJsonArray("deployments")).isEmpty();
    // the listing (written from cached text) says exactly what the single app (built as a tree) says, twice
    for (int round = 0; round < 2; round++) {
      for (Object o : fx.get(m.url("/v2/apps?embed=apps.tasks&embed=apps.lastTaskFailure")).getJsonArray("apps")) {
        JsonObject listed = (JsonObject) o;
        assertThat(listed).isEqualTo(fx.app(m, listed.getString("id")));
      }
    }
  }

  @Test
  void versions_keptPerChange_servedByVersion() throws Exception {
    fx.send("POST", m.url("/v2/apps"), "{\"id\":\"/v\",\"cmd\":\"one\"}");
    fx.awaitNoDeployments(m);
    fx.send("PUT", m.url("/v2/apps/v"), "{\"cmd\":\"two\"}");
    fx.awaitNoDeployments(m);

    List<Object> versions = fx.get(m.url("/v2/apps/v/versions")).getJsonArray("versions").getList();
    assertThat(versions).hasSize(2);
    assertThat(fx.get(m.url("/v2/apps/v/versions/" + versions.get(1))).getString("cmd")).isEqualTo("one");
    assertThat(fx.get(m.url("/v2/apps/v/versions/" + versions.get(0))).getString("cmd")).isEqualTo("two");
  }

  @Test
  void killTaskWithScale_shrinksApp_killWithoutScale_relaunches() throws Exception {
    fx.send("POST", m.url("/v2/apps"), "{\"id\":\"/k\",\"cmd\":\"x\",\"instances\":3}");
    fx.awaitNoDeployments(m);
    JsonArray tasks = fx.get(m.url("/v2/apps/k/tasks")).getJsonArray("tasks");
    String first = tasks.getJsonObject(0).getString("id");
    String second = tasks.getJsonObject(1).getString("id");

    HttpResponse<String> scaled = fx.send("DELETE", m.url("/v2/apps/k/tasks/" + first + "?scale=true"), null);
    assertThat(scaled.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(scaled.body()).fieldNames()).containsExactlyInAnyOrder("version", "deploymentId");
    fx.awaitNoDeployments(m);
    assertThat(fx.app(m, "/k").getInteger("instances")).isEqualTo(2);

    HttpResponse<String> killed = fx.send("POST", m.url("/v2/tasks/delete"), "{\"ids\":[\"" + second + "\"]}");
    assertThat(killed.statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      JsonArray now = fx.get(m.url("/v2/apps/k/tasks")).getJsonArray("tasks");
      return now.size() == 2 && now.stream().noneMatch(t -> ((JsonObject) t).getString("id").equals(second))
          && now.stream().allMatch(t -> "TASK_RUNNING".equals(((JsonObject) t).getString("state")));
    });
    HttpResponse<String> unknown = fx.send("POST", m.url("/v2/tasks/delete"), "{\"ids\":[\"nope._app.1\"]}");
    assertThat(unknown.statusCode()).isEqualTo(422);
  }

  @Test
  void systemEndpoints_answer() throws Exception {
    assertThat(fx.send("GET", m.url("/ping"), null).body()).isEqualTo("pong");
    assertThat(fx.get(m.url("/v2/leader")).getString("leader")).isEqualTo("127.0.0.1:" + m.port());
    JsonObject info = fx.get(m.url("/v2/info"));
    assertThat(info.getString("name")).isEqualTo("marathon");
    assertThat(info.getBoolean("elected")).isTrue();
    assertThat(fx.get(m.url("/metrics")).getJsonObject("gauges").getJsonObject("marathon.apps.active.gauge")
        .getLong("value")).isZero();
    assertThat(fx.send("GET", m.url("/metrics/prometheus"), null).body()).contains("marathon_apps_active_gauge 0");
    assertThat(fx.get(m.url("/v2/queue")).getJsonArray("queue")).isEmpty();
  }

  private static List<String> ids(JsonObject apps) {
    return apps.getJsonArray("apps").stream().map(a -> ((JsonObject) a).getString("id")).toList();
  }
}
