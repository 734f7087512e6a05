package io.mezzo.l4lb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mezzo.common.component.ComponentContext;
import io.mezzo.common.config.ConfigBinder;
import io.mezzo.common.health.HealthReporter;
import io.mezzo.common.http.Routes;
import io.mezzo.l4lb.balance.Balancer;
import io.mezzo.l4lb.http.VipsApi;
import io.mezzo.l4lb.proxy.Endpoint;
import io.mezzo.l4lb.proxy.LoopbackAddresses;
import io.mezzo.l4lb.proxy.Proxy;
import io.mezzo.l4lb.proxy.TcpProxy;
import io.mezzo.l4lb.proxy.UdpProxy;
import io.mezzo.l4lb.state.ClusterState;
import io.mezzo.l4lb.state.ClusterStateSource;
import io.mezzo.l4lb.state.TaskEvent;
import io.mezzo.l4lb.vip.Backend;
import io.mezzo.l4lb.vip.BackendAddress;
import io.mezzo.l4lb.vip.Protocol;
import io.mezzo.l4lb.vip.Vip;
import io.mezzo.l4lb.vip.VipRange;
import io.mezzo.l4lb.vip.VipTable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.logging.Logger;

/**
 * Serves every VIP of the cluster on this node: one {@link TcpProxy} or {@link UdpProxy} per VIP
 * address, port and protocol, kept in step with the cluster state. The state comes from a
 * {@link ClusterStateSource}, or from {@link #update(ClusterState)} and {@link #apply(TaskEvent)};
 * every change rebuilds the VIP table, opens servers for new VIPs and closes those of VIPs that are
 * gone. Backend lists change in place, so open connections are not touched. {@code GET /v1/vips}
 * on the component's HTTP port lists the table.
 */
public final class L4lbVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(L4lbVerticle.class.getName());

  private final ClusterStateSource source;
  private final ComponentContext node;
  private final Clock clock;
  private final Random random;
  private final Map<Endpoint, Proxy> proxies = new HashMap<>();
  private final Set<Endpoint> failed = new HashSet<>();
  private L4lbConfig config;
  private VipRange range;
  private Balancer balancer;
  private NetClient client;
  private LoopbackAddresses loopback;
  private HttpServer http;
  private HealthReporter health;
  private ClusterState state = ClusterState.EMPTY;
  private volatile List<Vip> vips = List.of();
  private Map<Endpoint, List<Backend>> backends = Map.of();

  public L4lbVerticle(ClusterStateSource source, ComponentContext node) {
    this(source, node, Clock.systemUTC(), new Random());
  }

  /** {@code node} may be null (tests): then no health reports are sent. */
  public L4lbVerticle(ClusterStateSource source, ComponentContext node, Clock clock, Random random) {
    this.source = source;
    this.node = node;
    this.clock = clock;
    this.random = random;
  }

  @Override
  public Future<?> start() {
    ObjectNode tree = ConfigBinder.tree(L4lbConfig.DEFAULTS);
    try {
      tree.setAll((ObjectNode) ConfigBinder.MAPPER.readTree(config().encode()));
    } catch (JsonProcessingException e) {
      return Future.failedFuture(e);
    }
    config = ConfigBinder.bind(tree, L4lbConfig.class, "l4lb");
    range = config.range();
    balancer = new Balancer(clock, random, Duration.ofMillis(config.backoffInitialMs()),
        Duration.ofMillis(config.backoffMaxMs()));
    client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(config.connectTimeoutMs())
        .setTcpNoDelay(true));
    boolean root = "root".equals(System.getProperty("user.name"));
    loopback = new LoopbackAddresses(vertx, config.manageLoopback() && root);

    Router router = Routes.router(vertx);
    new VipsApi(() -> vips).mount(router);
    return Routes.listen(vertx, router, "l4lb", config.httpHost(), config.port())
        .compose(server -> {
          http = server;
          if (node != null) {
            node.bound("l4lb", server.actualPort());
            health = new HealthReporter(vertx, "l4lb", "Layer 4 Load Balancer", node.nodeId(), node.cluster().host(),
                node.cluster().role(), this::status);
          }
          Promise<Void> subscribed = Promise.promise();
          context.runOnContext(v -> source.start(s -> reconcile(s), e -> reconcile(state.apply(e)))
              .onComplete(subscribed));
          return subscribed.future();
        });
  }

  @Override
  public Future<?> stop() {
    List<Future<?>> closing = new ArrayList<>();
    closing.add(source.stop());
    if (health != null) {
      health.close();
    }
    Set<String> addresses = new HashSet<>();
    for (Map.Entry<Endpoint, Proxy> e : proxies.entrySet()) {
      addresses.add(e.getKey().address());
      closing.add(e.getValue().close());
    }
    proxies.clear();
    if (http != null) {
      closing.add(http.close());
    }
    return Future.join(closing)
        .eventually(() -> Future.join(addresses.stream().map(loopback::remove).toList()))
        .eventually(() -> client == null ? Future.succeededFuture() : client.close());
  }

  /** Replaces the whole cluster state; completes once servers for the new VIPs listen. Any thread. */
  public Future<Void> update(ClusterState next) {
    return onContext(() -> reconcile(next));
  }

  /** Applies one event to the current state; completes like {@link #update}. Any thread. */
  public Future<Void> apply(TaskEvent event) {
    return onContext(() -> reconcile(state.apply(event)));
  }

  /** The VIP table being served. */
  public List<Vip> vips() {
    return vips;
  }

  public int httpPort() {
    return http == null ? -1 : http.actualPort();
  }

  private Future<Void> onContext(Callable<Future<Void>> action) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      try {
        action.call().onComplete(done);
      } catch (Exception e) {
        done.fail(e);
      }
    });
    return done.future();
  }

  private Future<Void> reconcile(ClusterState next) {
    state = next;
    List<Vip> table = VipTable.build(next, range);
    Map<Endpoint, List<Backend>> byEndpoint = new LinkedHashMap<>();
    Set<BackendAddress> live = new HashSet<>();
    for (Vip vip : table) {
      byEndpoint.put(new Endpoint(vip.key().protocol(), vip.address(), vip.key().port()), vip.backends());
      vip.backends().forEach(b -> live.add(b.address()));
    }
    vips = table;
    backends = byEndpoint;
    balancer.retain(live);

    List<Future<Void>> changes = new ArrayList<>();
    for (Endpoint gone : new ArrayList<>(proxies.keySet())) {
      if (!byEndpoint.containsKey(gone)) {
        Proxy proxy = proxies.remove(gone);
        LOG.info("VIP " + gone + " removed");
        changes.add(proxy.close().eventually(() -> addressUnused(gone.address())
            ? loopback.remove(gone.address()) : Future.succeededFuture()));
      }
    }
    failed.retainAll(byEndpoint.keySet());
    for (Endpoint wanted : byEndpoint.keySet()) {
      if (!proxies.containsKey(wanted)) {
        changes.add(open(wanted));
      }
    }
    if (health != null) {
      health.reportNow();
    }
    return Future.join(changes).mapEmpty();
  }

  private Future<Void> open(Endpoint endpoint) {
    Proxy proxy = endpoint.protocol() == Protocol.TCP
        ? new TcpProxy(vertx, endpoint, () -> backendsOf(endpoint), balancer, client, config.connectTries())
        : new UdpProxy(vertx, endpoint, () -> backendsOf(endpoint), balancer, clock, config.udpIdleTimeoutMs());
    proxies.put(endpoint, proxy);
    return loopback.add(endpoint.address())
        .compose(v -> proxy.listen())
        .onSuccess(v -> {
          failed.remove(endpoint);
          LOG.info("VIP " + endpoint + " listening");
        })
        .recover(e -> {
          // left out of the map so the next state change tries again
          proxies.remove(endpoint, proxy);
          failed.add(endpoint);
          LOG.warning("VIP " + endpoint + " cannot listen: " + e.getMessage());
          return proxy.close();
        });
  }

  private List<Backend> backendsOf(Endpoint endpoint) {
    return backends.getOrDefault(endpoint, List.of());
  }

  private boolean addressUnused(String address) {
    return proxies.keySet().stream().noneMatch(e -> e.address().equals(address));
  }

  private HealthReporter.Status status() {
    return failed.isEmpty() ? HealthReporter.Status.ok()
        : new HealthReporter.Status(false, "Cannot listen on " + failed);
  }
}
