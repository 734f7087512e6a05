package io.mezzo.master;

import io.mezzo.common.component.ComponentContext;
import io.mezzo.common.component.Membership;
import io.mezzo.common.config.ClusterConfig;
import io.mezzo.common.config.ZkUrl;
import io.mezzo.state.EmbeddedZooKeeper;
import io.mezzo.state.ZkClients;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;

/** A real embedded ZooKeeper and Vert.x with masters deployed on free ports, for tests. */
final class MasterFixture implements AutoCloseable {
  final EmbeddedZooKeeper zk;
  final Vertx vertx = Vertx.vertx();
  final List<CuratorFramework> clients = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  MasterFixture(Path dir) throws Exception {
    io.mezzo.common.bus.Codecs.registerAll(vertx.eventBus());
    zk = EmbeddedZooKeeper.start(dir, "127.0.0.1", freePort(), 500, 200);
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Deploys a master with its own ZooKeeper session; returns its deployment id and port. */
  record Deployed(String id, int port, CuratorFramework curator) {
    String url() {
      return "http://127.0.0.1:" + port;
    }
  }

  Deployed deploy(JsonObject overrides) throws Exception {
    CuratorFramework curator = ZkClients.connect(ZkUrl.parse(zk.url("mezzo")), Duration.ofSeconds(4), Duration.ofSeconds(20), m -> { });
    clients.add(curator);
    int port = freePort();
    ClusterConfig cluster = new ClusterConfig("zk://127.0.0.1:" + zk.port() + "/mezzo", "/tmp", "127.0.0.1", 0, "master", 10, 4);
    ComponentContext ctx = new ComponentContext("node-" + port, cluster, new NoMembership("node-" + port), Map.of(CuratorFramework.class, curator));
    JsonObject config = io.mezzo.common.config.ConfigBinder.json(io.mezzo.common.config.ConfigBinder.tree(MasterConfig.DEFAULTS))
        .put("port", port).put("allocation_interval_ms", 100).mergeIn(overrides);
    String id = vertx.deployVerticle(new MasterVerticle(ctx), new DeploymentOptions().setConfig(config))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return new Deployed(id, port, curator);
  }

  void undeploy(Deployed d) throws Exception {
    vertx.undeploy(d.id()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  HttpResponse<String> post(String url, String contentType, String accept, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (accept != null) {
      b.header("Accept", accept);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Runs on the Vert.x event loop and waits for the result. */
  <T> T onLoop(java.util.function.Supplier<io.vertx.core.Future<T>> action) throws Exception {
    java.util.concurrent.CompletableFuture<T> result = new java.util.concurrent.CompletableFuture<>();
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
    clients.forEach(CuratorFramework::close);
    zk.close();
  }

  /** A one-node cluster view. */
  record NoMembership(String self) implements Membership {
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
