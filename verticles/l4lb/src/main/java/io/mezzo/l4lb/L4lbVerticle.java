package io.mezzo.l4lb;

import io.mezzo.common.component.ComponentContext;
import io.mezzo.common.config.ConfigBinder;
import io.mezzo.common.health.HealthReporter;
import io.mezzo.common.http.Routes;
import io.mezzo.l4lb.balance.Balancer;
import io.mezzo.l4lb.http.VipsApi;
import io.mezzo.l4lb.proxy.DirectEpollLoops;
import io.mezzo.l4lb.proxy.Endpoint;
import io.mezzo.l4lb.proxy.LoopbackAddresses;
import io.mezzo.l4lb.proxy.NativeTcpProxy;
import io.mezzo.l4lb.proxy.NativeTransport;
import io.mezzo.l4lb.proxy.ProxyVerticle;
import io.mezzo.l4lb.state.LostAgents;
import io.mezzo.l4lb.vip.Backend;
import io.mezzo.l4lb.vip.BackendAddress;
import io.mezzo.l4lb.vip.Vip;
import io.mezzo.l4lb.vip.VipRange;
import io.mezzo.l4lb.vip.VipTable;
import io.mezzo.mesos.client.cluster.ClusterState;
import io.mezzo.mesos.client.cluster.ClusterStateSource;
import io.mezzo.mesos.client.cluster.TaskEvent;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.logging.Logger;

/**
 * Serves every VIP of the cluster on this node. It owns the cluster state and the VIP table; the
 * data plane is {@code proxy_threads} {@link ProxyVerticle}s, each binding every TCP VIP on its own
 * event loop (the first one also the UDP VIPs); by default, where a native transport (io_uring or
 * epoll) loads, TCP VIPs are instead served by {@link io.mezzo.l4lb.proxy.NativeTcpProxy} on event
 * loops of this verticle's own. The state comes from a {@link ClusterStateSource},
 * or from {@link #update(ClusterState)} and {@link #apply(TaskEvent)}; every change rebuilds the
 * table, opens servers for new VIPs and closes those of VIPs that are gone. Backend lists change in
 * place, so open connections are not touched. {@code GET /v1/vips} on the component's HTTP port
 * lists the table.
 */
public final class L4lbVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(L4lbVerticle.class.getName());

  private final java.util.function.Function<L4lbConfig, ClusterStateSource> sources;
  private ClusterStateSource source;
  private final ComponentContext node;
  private final Clock clock;
  private final Random random;
  private final List<ProxyVerticle> proxies = new ArrayList<>();
  /** The native event loops of the TCP VIPs, or null when they run on the node's Vert.x event loops. */
  private EventLoopGroup nativeLoops;
  private NativeTransport transport;
  /** Mezzo's own epoll loops for the TCP VIPs ({@code direct_epoll}), or null. */
  private DirectEpollLoops direct;
  private final Set<String> addresses = new HashSet<>();
  private Set<Endpoint> failed = Set.of();
  private L4lbConfig config;
  private VipRange range;
  private Balancer balancer;
  private LoopbackAddresses loopback;
  private HttpServer http;
  private HealthReporter health;
  private ClusterState state = ClusterState.EMPTY;
  private Future<Void> reconciled = Future.succeededFuture();
  private volatile List<Vip> vips = List.of();
  private long vipTimer = -1;

  public L4lbVerticle(ClusterStateSource source, ComponentContext node) {
    this(source, node, Clock.systemUTC(), new Random());
  }

  /** {@code node} may be null (tests): then no health reports are sent. */
  public L4lbVerticle(ClusterStateSource source, ComponentContext node, Clock clock, Random random) {
    this(config -> source, node, clock, random);
  }

  /** With a source made from the verticle's own config (which master to follow). */
  public L4lbVerticle(java.util.function.Function<L4lbConfig, ClusterStateSource> sources, ComponentContext node,
                      Clock clock, Random random) {
    this.sources = sources;
    this.node = node;
    this.clock = clock;
    this.random = random;
  }

  @Override
  public Future<?> start() {
    config = ConfigBinder.bindOverDefaults(config(), L4lbConfig.DEFAULTS, L4lbConfig.class, "l4lb");
    source = sources.apply(config);
    range = config.range();
    balancer = new Balancer(clock, random, Duration.ofMillis(config.backoffInitialMs()),
        Duration.ofMillis(config.backoffMaxMs()));
    boolean root = "root".equals(System.getProperty("user.name"));
    loopback = new LoopbackAddresses(vertx, config.manageLoopback() && root);

    direct = directLoops();
    nativeLoops = direct == null ? nativeLoops() : null;
    ProxyVerticle.Settings settings = new ProxyVerticle.Settings(balancer, clock, config.connectTimeoutMs(),
        config.connectTries(), config.udpIdleTimeoutMs(), transport, nativeLoops, config.proxyThreadCount(), direct);
    List<Future<String>> deployed = new ArrayList<>();
    // on loops of its own one proxy verticle manages every VIP (the TCP ones run on those loops)
    int verticles = nativeLoops == null && direct == null ? config.proxyThreadCount() : 1;
    for (int i = 0; i < verticles; i++) {
      ProxyVerticle proxy = new ProxyVerticle(settings, i == 0);
      proxies.add(proxy);
      deployed.add(vertx.deployVerticle(proxy));
    }

    Router router = Routes.router(vertx);
    new VipsApi(() -> vips).mount(router);
    return Future.all(deployed)
        .compose(v -> Routes.listen(vertx, router, "l4lb", config.httpHost(), config.port()))
        .compose(server -> {
          http = server;
          if (node != null) {
            node.bound("l4lb", server.actualPort());
            health = new HealthReporter(vertx, "l4lb", "Layer 4 Load Balancer", node.nodeId(), node.cluster().host(),
                node.cluster().role(), this::status);
          }
          // DNS nodes that start later learn the VIPs from the next periodic publication
          vipTimer = vertx.setPeriodic(5_000, id -> publishVips());
          Promise<Void> subscribed = Promise.promise();
          context.runOnContext(v -> source.start(this::reconcile, e -> reconcile(LostAgents.apply(state, e)))
              .onComplete(subscribed));
          // a source that delivers its first state at once: start completes when that state is served
          return subscribed.future().compose(v -> reconciled);
        });
  }

  /**
   * With {@code native_transport}, TCP VIPs are served by {@link NativeTcpProxy} on an event loop
   * group of this verticle's own ({@code proxy_threads} loops, each bound to every TCP VIP with
   * {@code SO_REUSEPORT}): io_uring when {@code io_uring} is on and it loads, else epoll where it
   * loads. Otherwise by {@code proxy_threads} Vert.x proxies on the node's event loops; null then.
   */
  private DirectEpollLoops directLoops() {
    if (!config.nativeTransport() || config.ioUring() || !config.directEpoll()) {
      return null;
    }
    if (!DirectEpollLoops.available()) {
      LOG.warning("The direct-epoll data plane needs Netty's epoll library, which does not load: "
          + DirectEpollLoops.unavailabilityCause());
      return null;
    }
    try {
      DirectEpollLoops loops = new DirectEpollLoops(config.proxyThreadCount(), balancer, config.connectTries(),
          config.connectTimeoutMs());
      LOG.info("VIP proxies on " + config.proxyThreadCount() + " event loops of their own, direct-epoll"
          + " (plain sockets through Netty's epoll transport library)");
      return loops;
    } catch (java.io.IOException | RuntimeException e) {
      LOG.warning("The direct-epoll data plane cannot start: " + e);
      return null;
    }
  }

  private EventLoopGroup nativeLoops() {
    if (!config.nativeTransport()) {
      LOG.info("VIP proxies on " + config.proxyThreadCount() + " event loops of the node (native_transport is off)");
      return null;
    }
    List<NativeTransport> choices = config.ioUring() ? List.of(NativeTransport.IO_URING, NativeTransport.EPOLL)
        : List.of(NativeTransport.EPOLL);
    for (NativeTransport t : choices) {
      if (t.available()) {
        transport = t;
        LOG.info("VIP proxies on " + config.proxyThreadCount() + " event loops of their own, " + t + " transport");
        return new MultiThreadIoEventLoopGroup(config.proxyThreadCount(), t.ioHandler());
      }
      LOG.warning("The " + t + " transport does not load: " + t.unavailabilityCause());
    }
    LOG.warning("VIP proxies on the node's event loops: no native transport loads");
    return null;
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(vipTimer);
    if (health != null) {
      health.close();
    }
    // the proxy verticles are children of this deployment: Vert.x undeploys them with it (before this
    // stop completes, so the native listeners are unbound before the loops shut down below)
    List<Future<?>> closing = new ArrayList<>();
    if (source != null) {
      closing.add(source.stop());
    }
    if (http != null) {
      closing.add(http.close());
    }
    return Future.join(closing)
        .eventually(() -> {
          if (direct != null) {
            // the proxies have unbound; this ends the connections still open
            return Future.fromCompletionStage(direct.close(), context).otherwiseEmpty();
          }
          if (nativeLoops == null) {
            return Future.succeededFuture();
          }
          // the proxies have unbound; this ends the connections still open
          Promise<Void> down = Promise.promise();
          nativeLoops.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).addListener(f -> down.tryComplete());
          return down.future();
        })
        .eventually(() -> Future.join(addresses.stream().map(loopback::remove).toList()));
  }

  /** Replaces the whole cluster state; completes once servers for the new VIPs listen. Any thread. */
  public Future<Void> update(ClusterState next) {
    return onContext(() -> reconcile(next));
  }

  /** Applies one event to the current state; completes like {@link #update}. Any thread. */
  public Future<Void> apply(TaskEvent event) {
    return onContext(() -> reconcile(LostAgents.apply(state, event)));
  }

  /** The VIP table being served. */
  public List<Vip> vips() {
    return vips;
  }

  /**
   * What carries TCP VIPs: {@code direct-epoll} (Mezzo's own epoll loops), {@code io_uring} or
   * {@code epoll} (Netty channels) or {@code vertx} (the node's event loops).
   */
  public String dataPlane() {
    return direct != null ? "direct-epoll" : nativeLoops == null ? "vertx" : transport.toString();
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

  /** Applies states in order: each reconcile starts once the previous one has finished. */
  private Future<Void> reconcile(ClusterState next) {
    state = next;
    Future<Void> done = reconciled.transform(ar -> sync(next));
    reconciled = done;
    return done;
  }

  /** Tells DNS the named VIPs (relative to {@code l4lb.thisdcos.directory}) and their addresses. */
  private void publishVips() {
    io.vertx.core.json.JsonObject named = new io.vertx.core.json.JsonObject();
    String suffix = "." + VipTable.ZONE;
    for (Vip vip : vips) {
      String name = vip.key().name();
      if (name.endsWith(suffix)) {
        String relative = name.substring(0, name.length() - suffix.length());
        io.vertx.core.json.JsonArray ips = named.getJsonArray(relative, new io.vertx.core.json.JsonArray());
        if (!ips.contains(vip.address())) {
          ips.add(vip.address());
        }
        named.put(relative, ips);
      }
    }
    vertx.eventBus().publish(io.mezzo.common.bus.Addresses.L4LB_VIPS, new io.vertx.core.json.JsonObject().put("vips", named));
  }

  private Future<Void> sync(ClusterState next) {
    List<Vip> table = VipTable.build(next, range);
    Map<Endpoint, List<Backend>> byEndpoint = new LinkedHashMap<>();
    Set<BackendAddress> live = new HashSet<>();
    Set<String> wanted = new HashSet<>();
    for (Vip vip : table) {
      byEndpoint.put(new Endpoint(vip.key().protocol(), vip.address(), vip.key().port()), vip.backends());
      vip.backends().forEach(b -> live.add(b.address()));
      wanted.add(vip.address());
    }
    vips = table;
    publishVips();
    balancer.retain(live);

    List<Future<Void>> added = new ArrayList<>();
    for (String address : wanted) {
      if (addresses.add(address)) {
        added.add(loopback.add(address).onFailure(e -> LOG.warning("Cannot add VIP address '" + address + "' to lo: "
            + e.getMessage())));
      }
    }
    Map<Endpoint, List<Backend>> snapshot = Map.copyOf(byEndpoint);
    return Future.join(added).otherwiseEmpty()
        .compose(v -> onOwner(Future.all(proxies.stream().map(p -> p.sync(snapshot)).toList())))
        .compose(results -> {
          Set<Endpoint> nowFailed = new HashSet<>();
          for (int i = 0; i < results.size(); i++) {
            nowFailed.addAll(results.<Set<Endpoint>>resultAt(i));
          }
          failed = nowFailed;
          if (health != null) {
            health.reportNow();
          }
          List<Future<Void>> removed = new ArrayList<>();
          for (String address : new ArrayList<>(addresses)) {
            if (!wanted.contains(address)) {
              addresses.remove(address);
              removed.add(loopback.remove(address));
            }
          }
          return Future.join(removed).otherwiseEmpty().mapEmpty();
        });
  }

  /** The same outcome, delivered on this verticle's event loop (proxy futures complete on theirs). */
  private <T> Future<T> onOwner(Future<T> future) {
    Promise<T> here = Promise.promise();
    future.onComplete(ar -> context.runOnContext(v -> here.handle(ar)));
    return here.future();
  }

  private HealthReporter.Status status() {
    return failed.isEmpty() ? HealthReporter.Status.ok()
        : new HealthReporter.Status(false, "Cannot listen on " + failed);
  }
}
