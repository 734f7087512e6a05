package io.mezzo.launcher;

import io.mezzo.common.bus.Codecs;
import io.mezzo.common.component.Component;
import io.mezzo.common.component.ComponentContext;
import io.mezzo.common.config.MezzoConfig;
import io.mezzo.common.config.ZkUrl;
import io.mezzo.common.http.PortInUseException;
import io.mezzo.state.EmbeddedZooKeeper;
import io.mezzo.state.ZkClients;
import io.mezzo.state.ZkMembership;
import io.mezzo.state.ZkStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.spi.cluster.zookeeper.ZookeeperClusterManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.apache.curator.framework.CuratorFramework;

/**
 * One Mezzo process: optionally an embedded ZooKeeper server, the node's Curator client, a clustered
 * Vert.x on the ZooKeeper cluster manager, and the components it was asked to run. {@link #start}
 * blocks until every component answers; {@link #stop} undoes everything in reverse and is safe to
 * call more than once and from any thread.
 */
final class Platform {
  private static final Logger LOG = Logger.getLogger(Platform.class.getName());
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final MezzoConfig config;
  private final List<Component> components;
  private final Console console;

  private EmbeddedZooKeeper zookeeper;
  private CuratorFramework curator;
  private Vertx vertx;
  private ZkMembership membership;
  private final Map<String, String> deployments = new LinkedHashMap<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private boolean stopping;

  Platform(MezzoConfig config, List<Component> components, Console console) {
    this.config = config;
    this.components = components;
    this.console = console;
  }

  /** Starts everything and waits until each component answers its readiness path. */
  void start() throws Exception {
    long t0 = System.nanoTime();
    var cluster = config.cluster();
    Files.createDirectories(cluster.workPath());

    String zkUrl = cluster.zk();
    if (cluster.embeddedZk()) {
      var zk = config.zookeeper();
      ensureFree("zookeeper", cluster.host(), zk.port());
      zookeeper = EmbeddedZooKeeper.start(cluster.workPath().resolve("zookeeper"), cluster.host(), zk.port(),
          zk.tickTimeMs(), zk.maxClientCnxns());
      zkUrl = zookeeper.url("mezzo");
      console.endpoint("zookeeper", zkUrl);
    }

    curator = ZkClients.connect(ZkUrl.parse(zkUrl), Duration.ofSeconds(cluster.zkSessionTimeoutSeconds()),
        Duration.ofSeconds(cluster.zkWaitSeconds()), console::problem);

    ZookeeperClusterManager clusterManager = new ZookeeperClusterManager(curator);
    vertx = await(Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(new EventBusOptions()
            .setHost(cluster.host()).setPort(cluster.eventbusPort())))
        .withClusterManager(clusterManager)
        .buildClustered(), Duration.ofSeconds(60));
    Codecs.registerAll(vertx.eventBus());

    String nodeId = clusterManager.getNodeId();
    membership = new ZkMembership(curator, nodeId);
    var context = new ComponentContext(nodeId, cluster, membership,
        Map.of(CuratorFramework.class, curator, ZkStore.class, new ZkStore(vertx, curator)));

    for (Component c : components) {
      DeploymentOptions options = new DeploymentOptions().setConfig(config.componentJson().get(c.name()));
      String id = await(vertx.deployVerticle(c.create(context), options), Duration.ofSeconds(60));
      deployments.put(c.name(), id);
    }

    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(1_000));
    try {
      for (Component c : components) {
        int port = context.boundPort(c.name()).orElse(config.component(c.name()).port());
        String url = "http://" + cluster.host() + ":" + port;
        awaitReady(http, cluster.host(), port, c.readinessPath(), c.name());
        console.endpoint(c.name(), url);
      }
    } finally {
      http.close();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    console.ready(String.format("in %.1f s: %d component%s on node %s, work dir %s%s", seconds, components.size(),
        components.size() == 1 ? "" : "s", nodeId, cluster.workPath(), healthHint(context)));
  }

  private String healthHint(ComponentContext context) {
    return context.boundPort("diagnostics")
        .map(p -> ", health at http://" + config.cluster().host() + ":" + p + "/system/health/v1")
        .orElse("");
  }

  private void awaitReady(HttpClient http, String host, int port, String path, String component) throws Exception {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      try {
        int status = await(http.request(HttpMethod.GET, port, host, path)
            .compose(req -> req.send())
            .map(resp -> resp.statusCode()), Duration.ofSeconds(2));
        if (status == 200) {
          return;
        }
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        // not up yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(component + " did not answer " + path + " on port " + port + " within "
            + READY_TIMEOUT.toSeconds() + " s");
      }
      Thread.sleep(100);
    }
  }

  private static void ensureFree(String component, String host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new PortInUseException(component, host, port);
    }
  }

  /** Undeploys the components in reverse order, leaves the cluster, closes ZooKeeper. */
  void stop() {
    synchronized (this) {
      if (stopping) {
        stopped.join();
        return;
      }
      stopping = true;
    }
    try {
      if (vertx != null) {
        List<String> ids = new ArrayList<>(deployments.values());
        Collections.reverse(ids);
        for (String id : ids) {
          try {
            await(vertx.undeploy(id), Duration.ofSeconds(15));
          } catch (Exception e) {
            LOG.warning("Undeploying '" + id + "' failed: " + e);
          }
        }
      }
      if (membership != null) {
        membership.close();
      }
      if (vertx != null) {
        try {
          await(vertx.close(), Duration.ofSeconds(15));
        } catch (Exception e) {
          LOG.warning("Closing Vert.x failed: " + e);
        }
      }
      if (curator != null) {
        curator.close();
      }
      if (zookeeper != null) {
        zookeeper.close();
      }
    } finally {
      stopped.complete(null);
    }
  }

  static <T> T await(Future<T> future, Duration timeout) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause && !(cause instanceof ExecutionException)) {
        throw cause;
      }
      throw e;
    }
  }
}
