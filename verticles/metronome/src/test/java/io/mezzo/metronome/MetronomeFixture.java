package io.mezzo.metronome;

import io.mezzo.common.component.ComponentContext;
import io.mezzo.common.component.Membership;
import io.mezzo.common.config.ClusterConfig;
import io.mezzo.common.config.ConfigBinder;
import io.mezzo.common.config.ZkUrl;
import io.mezzo.state.EmbeddedZooKeeper;
import io.mezzo.state.ZkClients;
import io.mezzo.state.ZkStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;

/** A real embedded ZooKeeper and one Vert.x on which Metronome instances are deployed, each with its own session. */
final class MetronomeFixture implements AutoCloseable {
  final EmbeddedZooKeeper zk;
  final Vertx vertx = Vertx.vertx();
  private final List<CuratorFramework> clients = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Duration sessionTimeout;

  MetronomeFixture(Path dir) throws Exception {
    this(dir, 200, Duration.ofSeconds(3));
  }

  /** ZooKeeper allows sessions up to 20 ticks; the benchmark needs longer ones than the tests. */
  MetronomeFixture(Path dir, int zkTickMs, Duration sessionTimeout) throws Exception {
    this.sessionTimeout = sessionTimeout;
    io.mezzo.common.bus.Codecs.registerAll(vertx.eventBus());
    zk = EmbeddedZooKeeper.start(dir, "127.0.0.1", freePort(), zkTickMs, 200);
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** One deployed instance. */
  record Instance(String deploymentId, int port, CuratorFramework curator, LocalRunLauncher launcher) {
    String url(String path) {
      return "http://127.0.0.1:" + port + path;
    }

    String address() {
      return "127.0.0.1:" + port;
    }
  }

  /** A new ZooKeeper session under {@code /mezzo}, closed with the fixture. */
  CuratorFramework session() throws Exception {
    CuratorFramework curator = ZkClients.connect(ZkUrl.parse(zk.url("mezzo")), sessionTimeout,
        Duration.ofSeconds(20), m -> { });
    clients.add(curator);
    return curator;
  }

  Instance deploy(Clock clock, LocalRunLauncher launcher, JsonObject overrides) throws Exception {
    return deploy(clock, (c, s, n) -> launcher, launcher, overrides);
  }

  Instance deploy(Clock clock, MetronomeVerticle.LauncherFactory launchers, LocalRunLauncher launcher,
                  JsonObject overrides) throws Exception {
    CuratorFramework curator = ZkClients.connect(ZkUrl.parse(zk.url("mezzo")), sessionTimeout,
        Duration.ofSeconds(20), m -> { });
    clients.add(curator);
    int port = freePort();
    ClusterConfig cluster = new ClusterConfig("zk://127.0.0.1:" + zk.port() + "/mezzo", "/tmp", "127.0.0.1", 0,
        "master", 10, 3);
    ComponentContext ctx = new ComponentContext("node-" + port, cluster, new OneNode("node-" + port),
        Map.of(CuratorFramework.class, curator, ZkStore.class, new ZkStore(vertx, curator)));
    JsonObject config = ConfigBinder.json(ConfigBinder.tree(MetronomeConfig.DEFAULTS))
        .put("port", port).put("scheduler_tick_ms", 20).mergeIn(overrides);
    String id = vertx.deployVerticle(new MetronomeVerticle(ctx, launchers, clock), new DeploymentOptions().setConfig(config))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return new Instance(id, port, curator, launcher);
  }

  void undeploy(Instance instance) throws Exception {
    vertx.undeploy(instance.deploymentId()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  HttpResponse<String> get(String url) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url)).GET());
  }

  HttpResponse<String> delete(String url) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url)).DELETE());
  }

  HttpResponse<String> post(String url, String body) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> put(String url, String body) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    clients.forEach(CuratorFramework::close);
    zk.close();
  }

  /** A one-node cluster view. */
  record OneNode(String self) implements Membership {
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
