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
  /** HTTP/1.1 like Mesos's own clients; every exchange is bounded (see {@link #bounded}). */
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * Sends and waits at most 20 s for the whole exchange: the JDK client's request timeout stops at the
   * response headers, and a test must fail, never hang.
   */
  private <T> HttpResponse<T> bounded(HttpRequest request, HttpResponse.BodyHandler<T> body) throws Exception {
    return http.sendAsync(request, body).get(20, java.util.concurrent.TimeUnit.SECONDS);
  }

  MasterFixture(Path dir) throws Exception {
    io.mezzo.common.bus.Codecs.registerAll(vertx.eventBus());
    zk = EmbeddedZooKeeper.start(dir, "127.0.0.1", freePort(), 1000, 200);
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

  /** A new ZooKeeper session under the cluster root, closed with the fixture unless closed before. */
  CuratorFramework newSession() throws Exception {
    CuratorFramework curator = ZkClients.connect(ZkUrl.parse(zk.url("mezzo")), Duration.ofSeconds(15), Duration.ofSeconds(20), m -> { });
    clients.add(curator);
    return curator;
  }

  Deployed deploy(JsonObject overrides) throws Exception {
    CuratorFramework curator = newSession();
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
    return bounded(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** An operator call without arguments ({@code {"type":...}}), answered 200 in JSON. */
  org.apache.mesos.v1.master.Protos.Response operator(Deployed m, String type) throws Exception {
    HttpResponse<String> r = post(m.url() + "/api/v1", "application/json", "application/json", "{\"type\":\"" + type + "\"}");
    if (r.statusCode() != 200) {
      throw new AssertionError(type + " answered " + r.statusCode() + ": " + r.body());
    }
    return io.mezzo.mesos.proto.MesosJson.parse(r.body(), org.apache.mesos.v1.master.Protos.Response.getDefaultInstance());
  }

  /** Any request: method, headers as name/value pairs, raw body (null for none); answers within 10 s. */
  HttpResponse<byte[]> send(String method, String url, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return bounded(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Waits until exactly one of the masters answers GET_HEALTH with 200 and returns it. */
  Deployed leader(List<Deployed> masters, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Deployed found = null;
      int leaders = 0;
      for (Deployed d : masters) {
        try {
          if (post(d.url() + "/api/v1", "application/json", null, "{\"type\":\"GET_HEALTH\"}").statusCode() == 200) {
            found = d;
            leaders++;
          }
        } catch (java.io.IOException e) {
          // not listening (any more)
        }
      }
      if (leaders == 1) {
        return found;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no single leader among " + masters + " within " + timeout);
  }

  HttpResponse<String> get(String url) throws Exception {
    return bounded(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
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
    for (CuratorFramework c : clients) {
      if (c.getState() == org.apache.curator.framework.imps.CuratorFrameworkState.STARTED) {
        c.close();
      }
    }
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
