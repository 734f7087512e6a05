package io.mezzo.agent;

import io.mezzo.common.bus.Codecs;
import io.mezzo.common.component.ComponentContext;
import io.mezzo.common.component.Membership;
import io.mezzo.common.config.ClusterConfig;
import io.mezzo.common.config.ConfigBinder;
import io.mezzo.common.config.ZkUrl;
import io.mezzo.master.MasterConfig;
import io.mezzo.master.MasterVerticle;
import io.mezzo.state.EmbeddedZooKeeper;
import io.mezzo.state.ZkClients;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.zookeeper.ZookeeperClusterManager;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;

/** A real ZooKeeper, a real master and real agents in one Vert.x, for end-to-end tests. */
@SuppressWarnings("try")
final class ClusterFixture implements AutoCloseable {
  static final Path CGROUPS = Path.of("/sys/fs/cgroup");

  final Vertx vertx;
  final EmbeddedZooKeeper zk;
  final CuratorFramework curator;
  final int masterPort;
  private final Path dir;
  private String masterDeployment;
  final String cgroupsRoot = "mezzo-test-" + Long.toHexString(System.nanoTime());
  private final HttpClient http = HttpClient.newHttpClient();

  ClusterFixture(Path dir) throws Exception {
    this(dir, false);
  }

  /** @param clustered a clustered event bus (over ZooKeeper), so agents in other processes reach the master */
  ClusterFixture(Path dir, boolean clustered) throws Exception {
    zk = EmbeddedZooKeeper.start(dir.resolve("zk"), "127.0.0.1", freePort(), 500, 200);
    curator = ZkClients.connect(ZkUrl.parse(zk.url("mezzo")), Duration.ofSeconds(4), Duration.ofSeconds(20), m -> { });
    vertx = clustered ? clusteredVertx(curator) : Vertx.vertx();
    Codecs.registerAll(vertx.eventBus());
    masterPort = freePort();
    this.dir = dir;
    deployMaster();
  }

  private void deployMaster() throws Exception {
    ComponentContext ctx = context("master", dir);
    JsonObject config = ConfigBinder.json(ConfigBinder.tree(MasterConfig.DEFAULTS)).put("port", masterPort)
        .put("allocation_interval_ms", 100);
    masterDeployment = vertx.deployVerticle(new MasterVerticle(ctx), new DeploymentOptions().setConfig(config))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Stops the master and starts a new one on the same port and ZooKeeper: it is elected and recovers from the registry. */
  void restartMaster() throws Exception {
    vertx.undeploy(masterDeployment).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    deployMaster();
  }

  static Vertx clusteredVertx(CuratorFramework curator) throws Exception {
    return Vertx.builder().with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0)))
        .withClusterManager(new ZookeeperClusterManager(curator)).buildClustered()
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  String zkUrl() {
    return zk.url("mezzo");
  }

  String masterUrl() {
    return "http://127.0.0.1:" + masterPort;
  }

  ComponentContext context(String role, Path workDir) {
    ClusterConfig cluster = new ClusterConfig("zk://127.0.0.1:" + zk.port() + "/mezzo", workDir.toString(), "127.0.0.1", 0, role, 10, 4);
    return new ComponentContext("node-" + role, cluster, new OneNode("node-" + role), Map.of(CuratorFramework.class, curator));
  }

  /** Deploys an agent; returns the verticle and its deployment id. */
  record Agent(AgentVerticle verticle, String deploymentId) {
    String url() {
      return "http://127.0.0.1:" + verticle.port();
    }
  }

  Agent deployAgent(Path workDir, JsonObject overrides) throws Exception {
    AgentVerticle agent = new AgentVerticle(context("agent", workDir));
    JsonObject config = ConfigBinder.json(ConfigBinder.tree(AgentConfig.DEFAULTS)).put("port", 0)
        .put("work_dir", workDir.toString()).put("cgroups_root", cgroupsRoot).put("status_update_retry_ms", 200)
        .put("registration_backoff_factor_ms", 100).put("kill_grace_period_ms", 1000).mergeIn(overrides);
    String id = vertx.deployVerticle(agent, new DeploymentOptions().setConfig(config))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return new Agent(agent, id);
  }

  void undeploy(Agent agent) throws Exception {
    vertx.undeploy(agent.deploymentId()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String url, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The container cgroups left under the test root, in the memory controller. */
  List<Path> containerCgroups() throws IOException {
    Path root = CGROUPS.resolve("memory").resolve(cgroupsRoot);
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(Files::isDirectory).toList();
    }
  }

  @Override
  public void close() throws Exception {
    removeCgroups(cgroupsRoot);
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    curator.close();
    zk.close();
  }

  /** Kills whatever runs in the test's cgroups and removes them. */
  static void removeCgroups(String root) throws Exception {
    for (String controller : List.of("cpu", "memory", "pids")) {
      Path dir = CGROUPS.resolve(controller).resolve(root);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> s = Files.list(dir)) {
        for (Path child : s.filter(Files::isDirectory).toList()) {
          for (String pid : Files.readAllLines(child.resolve("cgroup.procs"))) {
            ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
          }
          for (int i = 0; i < 100 && Files.exists(child); i++) {
            try {
              Files.delete(child);
            } catch (IOException e) {
              Thread.sleep(20);
            }
          }
        }
      }
      // a child removed a moment ago can keep the parent busy for a few milliseconds
      for (int i = 0; i < 100 && Files.exists(dir); i++) {
        try {
          Files.deleteIfExists(dir);
        } catch (IOException e) {
          Thread.sleep(20);
        }
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

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
