package io.mezzo.marathon.it;

import static org.awaitility.Awaitility.await;

import io.mezzo.common.component.ComponentContext;
import io.mezzo.common.config.ClusterConfig;
import io.mezzo.common.config.ConfigBinder;
import io.mezzo.common.config.ZkUrl;
import io.mezzo.master.MasterConfig;
import io.mezzo.master.MasterVerticle;
import io.mezzo.master.sim.SimulatedAgent;
import io.mezzo.state.ZkClients;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.mesos.v1.Protos.TaskState;

/**
 * A real Mezzo Mesos master (publishing itself under {@code /mesos} in the fixture's ZooKeeper, allocating every
 * 100 ms) and simulated agents, in the fixture's Vert.x.
 */
final class MesosCluster {
  private final MarathonFixture fx;
  final String masterUrl;
  final List<SimulatedAgent> agents = new ArrayList<>();

  MesosCluster(MarathonFixture fx, String... agentHosts) throws Exception {
    this(fx, new JsonObject().put("allocation_interval_ms", 100), agentHosts);
  }

  /** A master with {@code masterConfig} over its defaults. */
  MesosCluster(MarathonFixture fx, JsonObject masterConfig, String... agentHosts) throws Exception {
    this.fx = fx;
    CuratorFramework curator = ZkClients.connect(ZkUrl.parse(fx.zk.url("mezzo")), Duration.ofSeconds(4),
        Duration.ofSeconds(20), m -> { });
    fx.clients.add(curator);
    int port = MarathonFixture.freePort();
    ClusterConfig cluster = new ClusterConfig("zk://127.0.0.1:" + fx.zk.port() + "/mezzo", "/tmp", "127.0.0.1", 0,
        "master", 10, 4);
    ComponentContext ctx = new ComponentContext("master-" + port, cluster,
        new MarathonFixture.NoMembership("master-" + port), Map.of(CuratorFramework.class, curator));
    JsonObject config = ConfigBinder.json(ConfigBinder.tree(MasterConfig.DEFAULTS)).put("port", port)
        .mergeIn(masterConfig);
    fx.vertx.deployVerticle(new MasterVerticle(ctx), new DeploymentOptions().setConfig(config))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    masterUrl = "http://127.0.0.1:" + port;
    await().atMost(Duration.ofSeconds(15)).until(() -> fx.send("POST", masterUrl + "/api/v1",
        "{\"type\":\"GET_HEALTH\"}").statusCode() == 200);
    for (String host : agentHosts) {
      SimulatedAgent agent = new SimulatedAgent(fx.vertx, host, "cpus:4;mem:4096;disk:10000;ports:[31000-32000]", 200);
      onLoop(agent::start);
      agents.add(agent);
    }
  }

  /** {@code count} agents simulated behind one event-bus address (for benchmarks), registered. */
  io.mezzo.master.sim.SimulatedCluster simulate(int count, String resources) throws Exception {
    io.mezzo.master.sim.SimulatedCluster cluster = new io.mezzo.master.sim.SimulatedCluster(fx.vertx, count, resources);
    onLoop(cluster::start);
    return cluster;
  }

  /** The master's tasks of one framework ({@code /master/tasks}). */
  List<JsonObject> tasks(String frameworkId) throws Exception {
    JsonArray all = fx.get(masterUrl + "/master/tasks").getJsonArray("tasks");
    List<JsonObject> out = new ArrayList<>();
    all.forEach(t -> {
      if (frameworkId.equals(((JsonObject) t).getString("framework_id"))) {
        out.add((JsonObject) t);
      }
    });
    return out;
  }

  /** The agent running {@code taskId} ends it with {@code state}, as if its process exited. */
  void finish(String frameworkId, String taskId, TaskState state) throws Exception {
    for (SimulatedAgent a : agents) {
      if (a.tasks().containsKey(frameworkId + "/" + taskId)) {
        onLoop(() -> {
          a.finish(frameworkId, taskId, state);
          return Future.succeededFuture();
        });
        return;
      }
    }
    throw new AssertionError("No agent runs task '" + taskId + "'");
  }

  private <T> T onLoop(Supplier<Future<T>> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    fx.vertx.runOnContext(v -> action.get().onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result());
      } else {
        result.completeExceptionally(ar.cause());
      }
    }));
    return result.get(30, TimeUnit.SECONDS);
  }
}
