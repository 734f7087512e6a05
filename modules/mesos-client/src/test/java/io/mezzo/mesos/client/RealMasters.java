package io.mezzo.mesos.client;

import io.mezzo.common.component.ComponentContext;
import io.mezzo.common.component.Membership;
import io.mezzo.common.config.ClusterConfig;
import io.mezzo.common.config.ConfigBinder;
import io.mezzo.common.config.ZkUrl;
import io.mezzo.master.MasterConfig;
import io.mezzo.master.MasterVerticle;
import io.mezzo.master.sim.SimulatedAgent;
import io.mezzo.state.EmbeddedZooKeeper;
import io.mezzo.state.ZkClients;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;

/**
 * Our real mesos-master, as its own tests run it: an embedded ZooKeeper, masters deployed as
 * verticles on free loopback ports (each with its own ZooKeeper session), simulated agents.
 * Masters keep their {@code json.info_} node under {@code /mezzo/mesos}.
 */
final class RealMasters implements AutoCloseable {
  final EmbeddedZooKeeper zk;
  final Vertx vertx = Vertx.vertx();
  private final List<CuratorFramework> sessions = new ArrayList<>();

  record Master(String deploymentId, int port) {
    String url() {
      return "http://127.0.0.1:" + port;
    }
  }

  RealMasters(Path dir) throws Exception {
    io.mezzo.common.bus.Codecs.registerAll(vertx.eventBus());
    zk = EmbeddedZooKeeper.start(dir, "127.0.0.1", freePort(), 500, 200);
  }

  /** The {@code --master} value for leader detection through ZooKeeper. */
  String zkUrl() {
    return "zk://127.0.0.1:" + zk.port() + "/mezzo/mesos";
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  Master deploy() throws Exception {
    CuratorFramework curator = ZkClients.connect(ZkUrl.parse(zk.url("mezzo")), Duration.ofSeconds(4), Duration.ofSeconds(20), m -> { });
    sessions.add(curator);
    int port = freePort();
    ClusterConfig cluster = new ClusterConfig("zk://127.0.0.1:" + zk.port() + "/mezzo", "/tmp", "127.0.0.1", 0, "master", 10, 4);
    ComponentContext ctx = new ComponentContext("node-" + port, cluster, new OneNode("node-" + port), Map.of(CuratorFramework.class, curator));
    JsonObject config = ConfigBinder.json(ConfigBinder.tree(MasterConfig.DEFAULTS)).put("port", port).put("allocation_interval_ms", 100)
        .put("heartbeat_interval_seconds", 1);
    String id = vertx.deployVerticle(new MasterVerticle(ctx), new DeploymentOptions().setConfig(config))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return new Master(id, port);
  }

  void undeploy(Master m) throws Exception {
    vertx.undeploy(m.deploymentId()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  SimulatedAgent agent(String hostname, String resources) throws Exception {
    SimulatedAgent agent = new SimulatedAgent(vertx, hostname, resources, 200);
    onLoop(agent::start);
    return agent;
  }

  <T> T onLoop(Supplier<Future<T>> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    vertx.runOnContext(v -> action.get().onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result());
      } else {
        result.completeExceptionally(ar.cause());
      }
    }));
    return result.get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    sessions.forEach(CuratorFramework::close);
    zk.close();
  }

  private record OneNode(String self) implements Membership {
    @Override
    public List<String> members() {
      return List.of(self);
    }

    @Override
    public AutoCloseable onJoin(Consumer<String> nodeId) {
      return () -> { };
    }

    @Override
    public AutoCloseable onLeave(Consumer<String> nodeId) {
      return () -> { };
    }
  }
}
