package io.mezzo.metronome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.master.sim.SimulatedAgent;
import io.mezzo.metronome.MetronomeFixture.Instance;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.mesos.v1.Protos.TaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Metronome instances with the Mesos launcher; the leader goes away while a run is ACTIVE. The follower must
 * take the framework over with the stored id, reconcile, keep the run and launch nothing.
 */
class MesosFailoverTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;
  MesosCluster cluster;
  SimulatedAgent agent;
  final SettableClock clock = SettableClock.at("2026-03-01T10:00:30Z");

  @BeforeEach
  void start() throws Exception {
    cluster = new MesosCluster(dir);
    agent = cluster.agent("agent-a.example", "cpus:4;mem:4096;disk:10000");
  }

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  boolean leads(Instance i) throws Exception {
    var r = cluster.fx.get(i.url("/leader"));
    return r.statusCode() == 200 && new JsonObject(r.body()).getString("leader").equals(i.address())
        && cluster.fx.get(i.url("/v1/jobs")).statusCode() == 200;
  }

  JsonObject run(Instance via, String runId) throws Exception {
    return new JsonObject(cluster.fx.get(via.url("/v1/jobs/long/runs/" + runId)).body());
  }

  String frameworkId() throws Exception {
    JsonArray frameworks = cluster.masterState().getJsonArray("frameworks");
    assertThat(frameworks).hasSize(1);
    return frameworks.getJsonObject(0).getString("id");
  }

  /** Starts a run on the leader {@code a} and waits until its task runs; returns the run id. */
  String activeRun(Instance a) throws Exception {
    var created = cluster.fx.post(a.url("/v1/jobs"), "{\"id\":\"long\",\"run\":{\"cmd\":\"sleep 1000\",\"cpus\":0.1,\"mem\":32}}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String runId = new JsonObject(cluster.fx.post(a.url("/v1/jobs/long/runs"), "").body()).getString("id");
    await().atMost(WAIT).ignoreExceptions().until(() -> "ACTIVE".equals(run(a, runId).getString("status")));
    await().atMost(WAIT).ignoreExceptions().until(() -> agent.unacknowledged() == 0);
    return runId;
  }

  @Test
  void leaderFailover_runActive_newLeaderReusesFrameworkKeepsRunAndLaunchesNothing() throws Exception {
    Instance a = cluster.metronome(clock, new JsonObject());
    await().atMost(WAIT).ignoreExceptions().until(() -> leads(a));
    Instance b = cluster.metronome(clock, new JsonObject());
    String runId = activeRun(a);
    String framework = frameworkId();
    String taskId = "long_" + runId + ".1";

    cluster.fx.undeploy(a);
    await().atMost(WAIT).ignoreExceptions().until(() -> leads(b));
    await().atMost(WAIT).ignoreExceptions().until(() -> cluster.masterState().getJsonArray("frameworks").getJsonObject(0)
        .getBoolean("active", false));
    assertThat(frameworkId()).isEqualTo(framework);

    // the run is still ACTIVE through the new leader, its task untouched; nothing was launched again
    Thread.sleep(1000);
    JsonObject live = run(b, runId);
    assertThat(live.getString("status")).isEqualTo("ACTIVE");
    assertThat(live.getJsonArray("tasks").getJsonObject(0).getString("id")).isEqualTo(taskId);
    assertThat(agent.tasks()).hasSize(1);
    assertThat(cluster.launches).hasSize(1);

    // and the new leader follows it to the end
    cluster.finish(agent, taskId, TaskState.TASK_FINISHED);
    await().atMost(WAIT).ignoreExceptions().until(() -> new JsonObject(cluster.fx.get(b.url("/v1/jobs/long?embed=history")).body())
        .getJsonObject("history").getLong("successCount") == 1);
    await().atMost(WAIT).ignoreExceptions().until(() -> agent.unacknowledged() == 0);
  }

  @Test
  void leaderDiesBeforeRecordingTheLaunch_newLeaderFindsTheTaskByReconciliation_noSecondTask() throws Exception {
    Instance a = cluster.metronome(clock, new JsonObject());
    await().atMost(WAIT).ignoreExceptions().until(() -> leads(a));
    String runId = activeRun(a);
    cluster.fx.undeploy(a);

    // what the store holds if the leader died between ACCEPT and storing STARTING: the run still INITIAL
    CuratorFramework zk = cluster.fx.session();
    String path = "/metronome/jobs/long/runs/" + runId;
    JsonObject stored = new JsonObject(new String(zk.getData().forPath(path), StandardCharsets.UTF_8));
    stored.put("status", "INITIAL").put("tasks", new JsonArray());
    zk.setData().forPath(path, stored.encode().getBytes(StandardCharsets.UTF_8));

    Instance b = cluster.metronome(clock, new JsonObject());
    await().atMost(WAIT).ignoreExceptions().until(() -> leads(b));
    await().atMost(WAIT).ignoreExceptions().until(() -> "ACTIVE".equals(run(b, runId).getString("status")));
    Thread.sleep(1000);
    assertThat(agent.tasks()).hasSize(1);
    assertThat(cluster.launches).hasSize(1);
    assertThat(run(b, runId).getJsonArray("tasks").getJsonObject(0).getString("status")).isEqualTo("TASK_RUNNING");
  }
}
