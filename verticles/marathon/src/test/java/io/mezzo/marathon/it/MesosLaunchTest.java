package io.mezzo.marathon.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.marathon.core.Condition;
import io.mezzo.marathon.core.Instance;
import io.mezzo.marathon.store.MarathonStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.TaskState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Marathon launching on a real Mezzo master with two simulated agents and a real ZooKeeper. Each test runs its own
 * Marathon (own ZooKeeper root, so its own framework) on the shared master.
 */
class MesosLaunchTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Set<String> HOSTS = Set.of("agent-1.example", "agent-2.example");

  @TempDir
  static Path dir;

  static MarathonFixture fx;
  static MesosCluster mesos;

  @BeforeAll
  static void start() throws Exception {
    fx = new MarathonFixture(dir);
    mesos = new MesosCluster(fx, "agent-1.example", "agent-2.example");
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  private static MarathonFixture.Node leader(String root) throws Exception {
    MarathonFixture.Node m = fx.deployOnMesos(root, new JsonObject());
    fx.awaitLeader(m);
    return m;
  }

  private static String app(String id, int instances, String extra) {
    return "{\"id\":\"" + id + "\",\"cmd\":\"sleep 1000\",\"cpus\":0.1,\"mem\":32,\"instances\":" + instances
        + ",\"backoffSeconds\":1" + extra + "}";
  }

  private static List<JsonObject> tasks(MarathonFixture.Node m, String appId) throws Exception {
    List<JsonObject> out = new ArrayList<>();
    fx.get(m.url("/v2/apps" + appId + "/tasks")).getJsonArray("tasks").forEach(t -> out.add((JsonObject) t));
    return out;
  }

  private static Set<String> runningIds(MarathonFixture.Node m, String appId) throws Exception {
    Set<String> ids = new HashSet<>();
    for (JsonObject t : tasks(m, appId)) {
      if ("TASK_RUNNING".equals(t.getString("state"))) {
        ids.add(t.getString("id"));
      }
    }
    return ids;
  }

  private static String frameworkId(MarathonFixture.Node m) throws Exception {
    await().atMost(WAIT).until(() -> fx.get(m.url("/v2/info")).getString("frameworkId") != null);
    return fx.get(m.url("/v2/info")).getString("frameworkId");
  }

  /** Task ids the master holds as running for the framework. */
  private static Set<String> masterRunning(String frameworkId) throws Exception {
    Set<String> ids = new HashSet<>();
    for (JsonObject t : mesos.tasks(frameworkId)) {
      if ("TASK_RUNNING".equals(t.getString("state"))) {
        ids.add(t.getString("id"));
      }
    }
    return ids;
  }

  @Test
  void postApp_threeInstancesRunOnAgents_thenScaleToOneKillsTwo() throws Exception {
    MarathonFixture.Node m = leader(MarathonFixture.newRoot());
    String body = app("/prod/web", 3, ",\"portDefinitions\":[{\"port\":0,\"name\":\"http\",\"protocol\":\"tcp\","
        + "\"labels\":{\"VIP_0\":\"/web:80\"}}],\"labels\":{\"team\":\"a\"},\"taskKillGracePeriodSeconds\":3,"
        + "\"env\":{\"MODE\":\"prod\"}");
    assertThat(fx.send("POST", m.url("/v2/apps"), body).statusCode()).isEqualTo(201);

    await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> runningIds(m, "/prod/web").size() == 3);
    fx.awaitNoDeployments(m);
    for (JsonObject t : tasks(m, "/prod/web")) {
      assertThat(HOSTS).contains(t.getString("host"));
      assertThat(t.getJsonArray("ports")).hasSize(1);
      assertThat(t.getJsonArray("ports").getInteger(0)).isBetween(31000, 32000);
      assertThat(t.getString("id")).startsWith("prod_web.instance-");
    }
    String fw = frameworkId(m);
    assertThat(masterRunning(fw)).isEqualTo(runningIds(m, "/prod/web"));

    JsonObject onMaster = mesos.tasks(fw).get(0);
    assertThat(onMaster.getString("name")).isEqualTo("web.prod");
    JsonObject port = onMaster.getJsonObject("discovery").getJsonObject("ports").getJsonArray("ports").getJsonObject(0);
    assertThat(port.getString("name")).isEqualTo("http");
    assertThat(port.getString("protocol")).isEqualTo("tcp");
    assertThat(port.getJsonObject("labels").getJsonArray("labels").getJsonObject(0).getMap())
        .containsEntry("key", "VIP_0").containsEntry("value", "/web:80");
    assertThat(tasks(m, "/prod/web").stream().map(t -> t.getJsonArray("ports").getInteger(0)).toList())
        .contains(port.getInteger("number"));

    Set<String> before = runningIds(m, "/prod/web");
    assertThat(fx.send("PUT", m.url("/v2/apps/prod/web"), "{\"instances\":1}").statusCode()).isEqualTo(200);
    fx.awaitNoDeployments(m);
    await().atMost(WAIT).until(() -> masterRunning(fw).size() == 1);
    Set<String> after = runningIds(m, "/prod/web");
    assertThat(after).hasSize(1);
    assertThat(before).containsAll(after);
    assertThat(masterRunning(fw)).isEqualTo(after);
  }

  @Test
  void failedTask_isReplacedAfterBackoff() throws Exception {
    MarathonFixture.Node m = leader(MarathonFixture.newRoot());
    assertThat(fx.send("POST", m.url("/v2/apps"), app("/flaky", 1, "")).statusCode()).isEqualTo(201);
    await().atMost(WAIT).until(() -> runningIds(m, "/flaky").size() == 1);
    fx.awaitNoDeployments(m);
    String fw = frameworkId(m);
    String failed = runningIds(m, "/flaky").iterator().next();

    long failedAt = System.nanoTime();
    mesos.finish(fw, failed, TaskState.TASK_FAILED);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
      Set<String> ids = runningIds(m, "/flaky");
      return ids.size() == 1 && !ids.contains(failed);
    });
    assertThat(Duration.ofNanos(System.nanoTime() - failedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    JsonObject app = fx.app(m, "/flaky");
    assertThat(app.getJsonObject("lastTaskFailure").getString("taskId")).isEqualTo(failed);
    assertThat(app.getJsonObject("lastTaskFailure").getString("state")).isEqualTo("TASK_FAILED");
    assertThat(masterRunning(fw)).isEqualTo(runningIds(m, "/flaky"));
  }

  @Test
  void uniqueHostname_twoAgentsThreeInstances_twoRunAndOneWaitsWithReason() throws Exception {
    MarathonFixture.Node m = leader(MarathonFixture.newRoot());
    String body = app("/unique", 3, ",\"constraints\":[[\"hostname\",\"UNIQUE\"]]");
    assertThat(fx.send("POST", m.url("/v2/apps"), body).statusCode()).isEqualTo(201);

    await().atMost(WAIT).until(() -> runningIds(m, "/unique").size() == 2);
    Set<String> hosts = new HashSet<>();
    tasks(m, "/unique").forEach(t -> hosts.add(t.getString("host")));
    assertThat(hosts).isEqualTo(HOSTS);

    await().atMost(WAIT).until(() -> {
      JsonArray queue = fx.get(m.url("/v2/queue")).getJsonArray("queue");
      if (queue.size() != 1) {
        return false;
      }
      JsonObject summary = queue.getJsonObject(0).getJsonObject("processedOffersSummary");
      return summary.getLong("unusedOffersCount") > 0 && summary.getJsonArray("rejectSummaryLaunchAttempt").stream()
          .map(JsonObject.class::cast)
          .anyMatch(r -> r.getString("reason").equals("UnfulfilledConstraint") && r.getLong("declined") > 0);
    });
    JsonObject entry = fx.get(m.url("/v2/queue")).getJsonArray("queue").getJsonObject(0);
    assertThat(entry.getInteger("count")).isEqualTo(1);
    assertThat(entry.getJsonObject("app").getString("id")).isEqualTo("/unique");
    assertThat(fx.deployments(m)).hasSize(1);
    assertThat(runningIds(m, "/unique")).hasSize(2);
  }

  @Test
  void leaderFailover_duringADeployment_sameFrameworkReconciles_noTaskKilledOrDuplicated() throws Exception {
    String root = MarathonFixture.newRoot();
    MarathonFixture.Node first = leader(root);
    MarathonFixture.Node second = fx.deployOnMesos(root, new JsonObject());
    assertThat(fx.send("POST", first.url("/v2/apps"), app("/stay", 3, "")).statusCode()).isEqualTo(201);
    await().atMost(WAIT).until(() -> runningIds(first, "/stay").size() == 3);
    fx.awaitNoDeployments(first);
    // a deployment that cannot finish (3 unique hosts wanted, 2 exist) is running during the failover
    String mid = app("/mid", 3, ",\"constraints\":[[\"hostname\",\"UNIQUE\"]]");
    assertThat(fx.send("POST", first.url("/v2/apps"), mid).statusCode()).isEqualTo(201);
    await().atMost(WAIT).until(() -> runningIds(first, "/mid").size() == 2);
    String deploymentId = fx.deployments(first).getJsonObject(0).getString("id");
    String fw = frameworkId(first);
    Set<String> stay = runningIds(first, "/stay");
    Set<String> midIds = runningIds(first, "/mid");
    Set<String> all = new HashSet<>(stay);
    all.addAll(midIds);
    assertThat(masterRunning(fw)).isEqualTo(all);

    fx.undeploy(first);
    fx.awaitLeader(second);
    assertThat(frameworkId(second)).isEqualTo(fw);
    await().atMost(WAIT).until(() -> fx.get(mesos.masterUrl + "/master/frameworks").getJsonArray("frameworks")
        .stream().map(JsonObject.class::cast).anyMatch(f -> f.getString("id").equals(fw) && f.getBoolean("active")));
    await().atMost(WAIT).until(() -> fx.get(second.url("/v2/queue")).getJsonArray("queue").size() == 1);
    assertThat(fx.deployments(second).getJsonObject(0).getString("id")).isEqualTo(deploymentId);
    assertThat(runningIds(second, "/stay")).isEqualTo(stay);
    assertThat(runningIds(second, "/mid")).isEqualTo(midIds);
    assertThat(masterRunning(fw)).isEqualTo(all);

    // the new leader launches again, and only what is missing; the stuck deployment is overridden
    assertThat(fx.send("PUT", second.url("/v2/apps/stay"), "{\"instances\":4}").statusCode()).isEqualTo(200);
    assertThat(fx.send("PUT", second.url("/v2/apps/mid?force=true"), "{\"instances\":2}").statusCode())
        .isEqualTo(200);
    fx.awaitNoDeployments(second);
    assertThat(runningIds(second, "/stay")).hasSize(4).containsAll(stay);
    assertThat(runningIds(second, "/mid")).isEqualTo(midIds);
    Set<String> after = new HashSet<>(runningIds(second, "/stay"));
    after.addAll(midIds);
    assertThat(masterRunning(fw)).isEqualTo(after);
  }

  /**
   * The stored state claims a running instance that no agent has (the oldest, so it would be the one kept). A new
   * leader that acted before reconciling would see one instance too many and kill a real task; this one learns
   * from the master that the phantom is gone and kills nothing.
   */
  @Test
  void newLeader_reconcilesBeforeKilling_phantomInstanceDropsAndNoRealTaskIsKilled() throws Exception {
    String root = MarathonFixture.newRoot();
    MarathonFixture.Node first = leader(root);
    assertThat(fx.send("POST", first.url("/v2/apps"), app("/keep", 2, "")).statusCode()).isEqualTo(201);
    await().atMost(WAIT).until(() -> runningIds(first, "/keep").size() == 2);
    fx.awaitNoDeployments(first);
    String fw = frameworkId(first);
    Set<String> before = runningIds(first, "/keep");
    fx.undeploy(first);

    MarathonStore store = new MarathonStore(first.store(), root, 50);
    Instance real = store.load().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).instances().get(0);
    String old = "2020-01-01T00:00:00.000Z";
    Instance phantom = new Instance("keep.instance-" + UUID.randomUUID(), real.appId(), real.runSpecVersion(),
        real.appVersion(), Condition.RUNNING, null, real.agentId(), real.host(), real.ports(), old, old, old, 1);
    store.saveInstance(phantom).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    MarathonFixture.Node second = leader(root);
    await().atMost(WAIT).until(() -> tasks(second, "/keep").size() == 2);
    Thread.sleep(1_000);
    assertThat(runningIds(second, "/keep")).isEqualTo(before);
    assertThat(masterRunning(fw)).isEqualTo(before);
    assertThat(fx.deployments(second)).isEmpty();
  }

  private static Set<String> podInstances(MarathonFixture.Node m, String podId) throws Exception {
    Set<String> ids = new HashSet<>();
    JsonObject status = fx.get(m.url("/v2/pods" + podId + "::status"));
    for (Object o : status.getJsonArray("instances")) {
      JsonObject i = (JsonObject) o;
      if ("STABLE".equals(i.getString("status"))) {
        ids.add(i.getString("id"));
      }
    }
    return ids;
  }

  /**
   * A pod of two containers: each instance is one task group (both tasks on one agent), a new leader keeps the
   * same instances and tasks, scaling down kills whole instances, and a failed container ends its instance (the
   * other container is killed) and a new instance replaces it.
   */
  @Test
  void pod_runsAsTaskGroups_survivesFailover_scalesAndReplacesFailedInstances() throws Exception {
    String root = MarathonFixture.newRoot();
    MarathonFixture.Node first = leader(root);
    MarathonFixture.Node second = fx.deployOnMesos(root, new JsonObject());
    String pod = "{\"id\":\"/duo\",\"scaling\":{\"instances\":2},\"scheduling\":{\"placement\":{"
        + "\"constraints\":[{\"fieldName\":\"hostname\",\"operator\":\"UNIQUE\"}]}},\"containers\":["
        + "{\"name\":\"a\",\"resources\":{\"cpus\":0.1,\"mem\":16},\"exec\":{\"command\":{\"shell\":\"sleep 1000\"}},"
        + "\"endpoints\":[{\"name\":\"http\",\"hostPort\":0}]},"
        + "{\"name\":\"b\",\"resources\":{\"cpus\":0.1,\"mem\":16},\"exec\":{\"command\":{\"shell\":\"sleep 1000\"}}}]}";
    assertThat(fx.send("POST", first.url("/v2/pods"), pod).statusCode()).isEqualTo(201);
    await().atMost(WAIT).until(() -> podInstances(first, "/duo").size() == 2);
    fx.awaitNoDeployments(first);
    String fw = frameworkId(first);
    Set<String> instances = podInstances(first, "/duo");
    Set<String> onMaster = masterRunning(fw);
    assertThat(onMaster).hasSize(4);
    // UNIQUE hostname: one instance (both its tasks) per agent
    assertThat(mesos.tasks(fw).stream().map(t -> t.getString("slave_id")).distinct().count()).isEqualTo(2);
    for (String instance : instances) {
      List<JsonObject> group = mesos.tasks(fw).stream()
          .filter(t -> Instance.instanceIdOf(t.getString("id")).equals(instance)).toList();
      assertThat(group).extracting(t -> t.getString("name")).containsExactlyInAnyOrder("a", "b");
      assertThat(group).extracting(t -> t.getString("slave_id")).containsOnly(group.get(0).getString("slave_id"));
    }

    fx.undeploy(first);
    fx.awaitLeader(second);
    await().atMost(WAIT).until(() -> podInstances(second, "/duo").size() == 2);
    assertThat(podInstances(second, "/duo")).isEqualTo(instances);
    assertThat(masterRunning(fw)).isEqualTo(onMaster);

    // scale down: one whole instance goes
    String scaled = pod.replace("\"instances\":2", "\"instances\":1");
    assertThat(fx.send("PUT", second.url("/v2/pods/duo"), scaled).statusCode()).isEqualTo(200);
    fx.awaitNoDeployments(second);
    await().atMost(WAIT).until(() -> masterRunning(fw).size() == 2);
    String kept = podInstances(second, "/duo").iterator().next();
    assertThat(instances).contains(kept);
    assertThat(masterRunning(fw)).allMatch(id -> Instance.instanceIdOf(id).equals(kept));

    // one container fails: its sibling is killed and a new instance takes the place of the old one
    String failing = masterRunning(fw).stream().filter(id -> id.endsWith(".b")).findFirst().orElseThrow();
    mesos.finish(fw, failing, TaskState.TASK_FAILED);
    await().atMost(WAIT).until(() -> {
      Set<String> now = podInstances(second, "/duo");
      return now.size() == 1 && !now.contains(kept);
    });
    await().atMost(WAIT).until(() -> masterRunning(fw).size() == 2
        && masterRunning(fw).stream().noneMatch(id -> Instance.instanceIdOf(id).equals(kept)));
    assertThat(fx.send("DELETE", second.url("/v2/pods/duo"), null).statusCode()).isEqualTo(202);
    await().atMost(WAIT).until(() -> masterRunning(fw).isEmpty());
  }
}
