package io.mezzo.marathon.it;

import static org.awaitility.Awaitility.await;

import io.mezzo.common.component.ComponentContext;
import io.mezzo.common.component.Membership;
import io.mezzo.common.config.ClusterConfig;
import io.mezzo.common.config.ConfigBinder;
import io.mezzo.common.config.ZkUrl;
import io.mezzo.marathon.MarathonConfig;
import io.mezzo.marathon.MarathonVerticle;
import io.mezzo.state.EmbeddedZooKeeper;
import io.mezzo.state.ZkClients;
import io.mezzo.state.ZkStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;

/** A real embedded ZooKeeper, one Vert.x, and Marathons with simulated launchers deployed on free ports. */
final class MarathonFixture implements AutoCloseable {
  private static final AtomicInteger ROOTS = new AtomicInteger();

  final EmbeddedZooKeeper zk;
  final Vertx vertx = Vertx.vertx();
  final List<CuratorFramework> clients = new ArrayList<>();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  MarathonFixture(Path dir) throws Exception {
    io.mezzo.common.bus.Codecs.registerAll(vertx.eventBus());
    zk = EmbeddedZooKeeper.start(dir, "127.0.0.1", freePort(), 500, 200);
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A fresh ZooKeeper root, so tests sharing one server do not see each other's state. */
  static String newRoot() {
    return "/marathon-" + ROOTS.incrementAndGet();
  }

  record Node(String deploymentId, int port, SimulatedLauncher launcher, ZkStore store, MarathonVerticle verticle) {
    String url(String path) {
      return "http://127.0.0.1:" + port + path;
    }
  }

  Node deploy(String zkPath, JsonObject overrides) throws Exception {
    SimulatedLauncher launcher = new SimulatedLauncher();
    return deploy(zkPath, overrides, launcher, (v, c) -> launcher);
  }

  /** A Marathon launching on the Mesos master found in this ZooKeeper (see {@link MesosCluster}). */
  Node deployOnMesos(String zkPath, JsonObject overrides) throws Exception {
    return deploy(zkPath, new JsonObject().put("master", "zk").put("min_revive_interval_ms", 100).mergeIn(overrides),
        null, null);
  }

  private Node deploy(String zkPath, JsonObject overrides, SimulatedLauncher launcher,
                      MarathonVerticle.LauncherFactory factory) throws Exception {
    CuratorFramework curator = ZkClients.connect(ZkUrl.parse(zk.url("mezzo")), Duration.ofSeconds(4),
        Duration.ofSeconds(20), m -> { });
    clients.add(curator);
    int port = freePort();
    ClusterConfig cluster = new ClusterConfig("zk://127.0.0.1:" + zk.port() + "/mezzo", "/tmp", "127.0.0.1", 0,
        "master", 10, 4);
    ZkStore store = new ZkStore(vertx, curator);
    ComponentContext ctx = new ComponentContext("node-" + port, cluster, new NoMembership("node-" + port),
        Map.of(CuratorFramework.class, curator, ZkStore.class, store));
    JsonObject config = ConfigBinder.json(ConfigBinder.tree(MarathonConfig.DEFAULTS)).put("port", port)
        .put("zk_path", zkPath).put("scale_check_interval_ms", 100).mergeIn(overrides);
    MarathonVerticle.LauncherFactory launchers = factory != null ? factory
        : (v, c) -> io.mezzo.marathon.MarathonComponent.launcher(v, ctx, c);
    MarathonVerticle verticle = new MarathonVerticle(ctx, launchers, Clock.systemUTC());
    String id = vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return new Node(id, port, launcher, store, verticle);
  }

  /** Deploys one Marathon and waits until it leads. */
  Node leader(String zkPath, JsonObject overrides) throws Exception {
    Node n = deploy(zkPath, overrides);
    awaitLeader(n);
    return n;
  }

  void awaitLeader(Node n) {
    await().atMost(Duration.ofSeconds(15)).until(() -> get(n.url("/v2/info")).getBoolean("elected"));
  }

  void undeploy(Node n) throws Exception {
    vertx.undeploy(n.deploymentId()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  HttpResponse<String> send(String method, String url, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonObject get(String url) throws Exception {
    HttpResponse<String> r = send("GET", url, null);
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + url + " answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body());
  }

  JsonArray deployments(Node n) throws Exception {
    return new JsonArray(send("GET", n.url("/v2/deployments"), null).body());
  }

  void awaitNoDeployments(Node n) {
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() -> deployments(n).isEmpty());
  }

  JsonObject app(Node n, String id) throws Exception {
    return get(n.url("/v2/apps" + id)).getJsonObject("app");
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // best effort
    }
    clients.forEach(CuratorFramework::close);
    zk.close();
  }

  static final class NoMembership implements Membership {
    private final String self;

    NoMembership(String self) {
      this.self = self;
    }

    @Override
    public List<String> members() {
      return List.of(self);
    }

    @Override
    public String self() {
      return self;
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
