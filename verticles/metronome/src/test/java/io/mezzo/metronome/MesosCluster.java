package io.mezzo.metronome;

import io.mezzo.common.component.ComponentContext;
import io.mezzo.common.config.ClusterConfig;
import io.mezzo.common.config.ConfigBinder;
import io.mezzo.master.MasterConfig;
import io.mezzo.master.MasterVerticle;
import io.mezzo.master.sim.SimulatedAgent;
import io.mezzo.metronome.MetronomeFixture.Instance;
import io.mezzo.metronome.mesos.MesosLaunchers;
import io.mezzo.metronome.mesos.MesosRunLauncher;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.mesos.v1.Protos.TaskState;

/**
 * Metronome on a real Mesos master: the {@link MetronomeFixture}'s embedded ZooKeeper and Vert.x, one
 * {@code mesos-master} verticle publishing itself under {@code /mezzo/mesos}, simulated agents on the same event
 * bus, and Metronome instances with the Mesos launcher finding the master through ZooKeeper.
 */
final class MesosCluster implements AutoCloseable {
  final MetronomeFixture fx;
  final String masterUrl;
  /** The context every simulated agent lives on (they are not thread-safe). */
  private final Context agents;
  /** Every task launch seen by any instance's launcher: "taskId@instant". */
  final List<String> launches = new CopyOnWriteArrayList<>();
  private final MesosRunLauncher.LaunchObserver observer;

  MesosCluster(Path dir) throws Exception {
    this(new MetronomeFixture(dir), new JsonObject().put("allocation_interval_ms", 100)
        .put("heartbeat_interval_seconds", 1), null);
  }

  /** With the master's configuration changed by {@code masterOverrides}; launches also go to {@code observer}. */
  MesosCluster(MetronomeFixture fx, JsonObject masterOverrides, MesosRunLauncher.LaunchObserver observer)
      throws Exception {
    this.observer = observer;
    this.fx = fx;
    CuratorFramework curator = fx.session();
    int port = MetronomeFixture.freePort();
    ClusterConfig cluster = new ClusterConfig("zk://127.0.0.1:" + fx.zk.port() + "/mezzo", "/tmp", "127.0.0.1", 0,
        "master", 10, 4);
    ComponentContext ctx = new ComponentContext("master-" + port, cluster, new MetronomeFixture.OneNode("m"),
        Map.of(CuratorFramework.class, curator));
    JsonObject config = ConfigBinder.json(ConfigBinder.tree(MasterConfig.DEFAULTS)).put("port", port)
        .mergeIn(masterOverrides);
    fx.vertx.deployVerticle(new MasterVerticle(ctx), new DeploymentOptions().setConfig(config))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    masterUrl = "http://127.0.0.1:" + port;
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> fx.post(masterUrl + "/api/v1",
        "{\"type\":\"GET_HEALTH\"}").statusCode() == 200);
    agents = fx.vertx.getOrCreateContext();
  }

  SimulatedAgent agent(String hostname, String resources) throws Exception {
    return agent(hostname, resources, 200);
  }

  /** {@code retryMs}: how often the agent resends status updates not yet acknowledged. */
  SimulatedAgent agent(String hostname, String resources, long retryMs) throws Exception {
    SimulatedAgent agent = new SimulatedAgent(fx.vertx, hostname, resources, retryMs);
    onAgents(agent::start);
    return agent;
  }

  /** Ends a task on its agent as if its process exited. */
  void finish(SimulatedAgent agent, String taskId, TaskState state) throws Exception {
    onAgents(() -> {
      String framework = agent.tasks().values().stream().filter(t -> t.getTaskId().getValue().equals(taskId))
          .findFirst().orElseThrow(() -> new AssertionError("no task '" + taskId + "' on " + agent.hostname()))
          .getFrameworkId().getValue();
      agent.finish(framework, taskId, state);
      return Future.succeededFuture();
    });
  }

  /** A Metronome instance with the Mesos launcher (ZooKeeper detection of the master). */
  Instance metronome(Clock clock, JsonObject overrides) throws Exception {
    MesosRunLauncher.LaunchObserver observer = this.observer != null ? this.observer : (run, at) -> launches.add(
        io.mezzo.metronome.mesos.TaskIds.of(run) + "@" + at);
    return fx.deploy(clock, (config, store, node) -> MesosLaunchers.create(config, store, node, clock, observer),
        null, new JsonObject().put("reconcile_timeout_ms", 5000).mergeIn(overrides));
  }

  <T> T onAgents(Supplier<Future<T>> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    agents.runOnContext(v -> action.get().onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result());
      } else {
        result.completeExceptionally(ar.cause());
      }
    }));
    return result.get(30, TimeUnit.SECONDS);
  }

  /** {@code /master/state} of the master. */
  JsonObject masterState() throws Exception {
    return new JsonObject(fx.get(masterUrl + "/master/state").body());
  }

  @Override
  public void close() throws Exception {
    fx.close();
  }
}
