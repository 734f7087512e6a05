package io.mezzo.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Marathon failover with real processes: a {@code mezzo up} node runs ZooKeeper, the Mesos master and agent
 * (its own Marathon off), and two {@code mezzo run marathon} JVMs join it. The leading one is SIGKILLed while a
 * deployment waits for new instances to pass their health checks; the other takes over, the deployment
 * finishes, and the tasks running before the kill are exactly those running after it (on Marathon and on the
 * master): nothing killed, nothing launched twice.
 */
class MarathonFailoverIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  Path workDir;

  private static HttpResponse<String> send(String base, String method, String path, String json) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json");
    b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject get(String base, String path) throws Exception {
    HttpResponse<String> r = send(base, "GET", path, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private MezzoProcess marathon(int zkPort, int port) throws Exception {
    return MezzoProcess.start(Map.of(), "run", "marathon",
        "--set", "cluster.work_dir=" + workDir.resolve("marathon-" + port),
        "--set", "cluster.zk=zk://127.0.0.1:" + zkPort + "/mezzo",
        "--set", "cluster.zk_session_timeout_seconds=4",
        "--set", "marathon.port=" + port, "--set", "marathon.min_revive_interval_ms=500",
        "--set", "marathon.reconciliation_timeout_seconds=10");
  }

  /** Task id → state of the app's tasks as Marathon reports them. */
  private static Map<String, String> tasks(String base) throws Exception {
    Map<String, String> out = new java.util.TreeMap<>();
    get(base, "/v2/apps/svc/tasks").getJsonArray("tasks").forEach(t ->
        out.put(((JsonObject) t).getString("id"), ((JsonObject) t).getString("state")));
    return out;
  }

  /** The ids of the master's TASK_RUNNING tasks of every framework. */
  private static Set<String> runningOnMaster(int masterPort) throws Exception {
    Set<String> out = new HashSet<>();
    JsonObject state = new JsonObject(MezzoProcess.get("http://127.0.0.1:" + masterPort + "/master/state").body());
    for (Object f : state.getJsonArray("frameworks", new JsonArray())) {
      for (Object t : ((JsonObject) f).getJsonArray("tasks", new JsonArray())) {
        if ("TASK_RUNNING".equals(((JsonObject) t).getString("state"))) {
          out.add(((JsonObject) t).getString("id"));
        }
      }
    }
    return out;
  }

  @Test
  void leaderSigkilledDuringDeployment_followerTakesOver_deploymentFinishes_sameTasksRunning() throws Exception {
    int zkPort = MezzoProcess.freePort();
    int masterPort = MezzoProcess.freePort();
    int portA = MezzoProcess.freePort();
    int portB = MezzoProcess.freePort();
    String a = "http://127.0.0.1:" + portA;
    String b = "http://127.0.0.1:" + portB;
    try (MezzoProcess node = MezzoProcess.up(workDir, Map.of("zookeeper.port", zkPort, "mesos-master.port", masterPort),
        "marathon.enabled=false", "metronome.enabled=false", "mesos-master.allocation_interval_ms=200",
        "dns.dns_host=127.0.0.1", "l4lb.vip_range=127.13.0.0/16",
        "mesos-agent.resources=cpus:2;mem:1024;disk:1024;ports:[31400-31500]")) {
      node.awaitOut(l -> l.startsWith("ready"), WAIT);
      try (MezzoProcess first = marathon(zkPort, portA)) {
        await().atMost(WAIT).ignoreExceptions().until(() -> get(a, "/v2/info").getBoolean("elected"));
        try (MezzoProcess second = marathon(zkPort, portB)) {
          await().atMost(WAIT).ignoreExceptions().until(() ->
              get(b, "/v2/leader").getString("leader").equals("127.0.0.1:" + portA));
          assertThat(get(b, "/v2/info").getBoolean("elected")).isFalse();

          // web servers that answer their health check only 8 s after they start
          String app = """
              {"id":"/svc","cmd":"sleep 8 && exec python3 -m http.server $PORT0 --bind 127.0.0.1","cpus":0.1,
               "mem":32,"instances":2,"portDefinitions":[{"port":0}],
               "healthChecks":[{"protocol":"HTTP","path":"/","portIndex":0,"gracePeriodSeconds":60,
                 "intervalSeconds":2,"timeoutSeconds":1,"maxConsecutiveFailures":0,"delaySeconds":0}]}""";
          // sent to the follower, which forwards it to the leader
          HttpResponse<String> created = send(b, "POST", "/v2/apps", app);
          assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
          await().atMost(WAIT).until(() -> new JsonArray(send(a, "GET", "/v2/deployments", null).body()).isEmpty()
              && get(a, "/v2/apps/svc").getJsonObject("app").getInteger("tasksHealthy") == 2);

          // scale 2 → 4: the deployment waits until the two new instances are healthy
          assertThat(send(a, "PATCH", "/v2/apps/svc", "{\"instances\":4}").statusCode()).isEqualTo(200);
          await().atMost(WAIT).until(() -> tasks(a).values().stream().filter("TASK_RUNNING"::equals).count() == 4);
          Map<String, String> before = tasks(a);
          JsonArray deployments = new JsonArray(send(a, "GET", "/v2/deployments", null).body());
          assertThat(deployments).as("the deployment is still running at the kill").hasSize(1);
          String deploymentId = deployments.getJsonObject(0).getString("id");
          assertThat(runningOnMaster(masterPort)).isEqualTo(before.keySet());

          first.sigkill();
          first.awaitExit(Duration.ofSeconds(10));
          long killedAt = System.nanoTime();

          await().atMost(WAIT).ignoreExceptions().until(() -> get(b, "/v2/info").getBoolean("elected"));
          assertThat(get(b, "/v2/leader").getString("leader")).isEqualTo("127.0.0.1:" + portB);
          // the deployment finishes under the new leader
          await().atMost(WAIT).until(() -> new JsonArray(send(b, "GET", "/v2/deployments", null).body()).isEmpty());
          long takeoverMs = (System.nanoTime() - killedAt) / 1_000_000;
          JsonObject svc = get(b, "/v2/apps/svc").getJsonObject("app");
          assertThat(svc.getInteger("tasksHealthy")).isEqualTo(4);
          assertThat(svc.getInteger("instances")).isEqualTo(4);

          // the same tasks, running, on Marathon and on the master
          Map<String, String> after = tasks(b);
          assertThat(after.keySet()).isEqualTo(before.keySet());
          assertThat(after.values()).containsOnly("TASK_RUNNING");
          assertThat(runningOnMaster(masterPort)).isEqualTo(before.keySet());
          assertThat(new JsonArray(send(b, "GET", "/v2/deployments", null).body()).encode())
              .doesNotContain(deploymentId);
          System.out.println("failover: deployment finished " + takeoverMs + " ms after the leader was killed");

          // clean up through the new leader
          assertThat(send(b, "DELETE", "/v2/apps/svc", null).statusCode()).isEqualTo(200);
          await().atMost(WAIT).until(() -> runningOnMaster(masterPort).isEmpty());
          second.sigterm();
          assertThat(second.awaitExit(Duration.ofSeconds(30))).isZero();
        }
      }
      node.sigterm();
      assertThat(node.awaitExit(Duration.ofSeconds(30))).isZero();
    }
  }
}
