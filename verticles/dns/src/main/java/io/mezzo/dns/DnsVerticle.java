package io.mezzo.dns;

import io.mezzo.common.component.ComponentContext;
import io.mezzo.common.config.ConfigBinder;
import io.mezzo.common.health.HealthReporter;
import io.mezzo.common.http.Routes;
import io.mezzo.dns.http.MesosDnsApi;
import io.mezzo.dns.records.DnsRecords;
import io.mezzo.dns.records.Lookup;
import io.mezzo.dns.records.RecordBuilder;
import io.mezzo.dns.server.DnsServer;
import io.mezzo.dns.server.Forwarder;
import io.mezzo.dns.server.QueryHandler;
import io.mezzo.dns.server.Upstream;
import io.mezzo.dns.server.UpstreamPicker;
import io.mezzo.dns.server.UpstreamResolver;
import io.mezzo.mesos.client.cluster.ClusterState;
import io.mezzo.mesos.client.cluster.ClusterStateSource;
import io.mezzo.mesos.client.cluster.Master;
import io.mezzo.mesos.client.cluster.TaskEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.logging.Logger;

/**
 * The DNS component: serves the Mesos-DNS zone and {@code thisdcos.directory} over UDP and TCP,
 * forwards other names upstream, and serves the Mesos-DNS HTTP API. The cluster state arrives
 * through a {@link ClusterStateSource}; every state or event rebuilds an immutable
 * {@link DnsRecords} snapshot on this verticle's context, which the DNS threads read. With a
 * {@link ComponentContext} it reports its health: unhealthy until the first cluster state arrives.
 */
public final class DnsVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(DnsVerticle.class.getName());
  private static final int MASTER_PORT = 5050;

  private final java.util.function.Function<DnsConfig, ClusterStateSource> sources;
  private final ComponentContext node;
  private ClusterStateSource source;
  private final Clock clock;
  private final Random random;
  private DnsConfig config;
  private RecordBuilder builder;
  private List<Master> configuredMasters = List.of();
  private ClusterState state = ClusterState.EMPTY;
  private Map<String, List<InetAddress>> vips = Map.of();
  private volatile DnsRecords records;
  private DnsServer dns;
  private Forwarder forwarder;
  private HttpServer http;
  private HealthReporter health;
  private boolean stateReceived;
  private volatile int dnsPort;

  public DnsVerticle(ClusterStateSource source) {
    this(source, Clock.systemUTC(), new Random());
  }

  public DnsVerticle(ClusterStateSource source, Clock clock, Random random) {
    this(config -> source, clock, random);
  }

  /** With a source made from the verticle's own config (e.g. which master to follow); no health reports. */
  public DnsVerticle(java.util.function.Function<DnsConfig, ClusterStateSource> sources, Clock clock, Random random) {
    this(sources, null, clock, random);
  }

  /** {@code node} may be null (tests): then no health reports are sent. */
  public DnsVerticle(java.util.function.Function<DnsConfig, ClusterStateSource> sources, ComponentContext node,
                     Clock clock, Random random) {
    this.sources = sources;
    this.node = node;
    this.clock = clock;
    this.random = random;
  }

  @Override
  public Future<?> start() {
    config = ConfigBinder.bindOverDefaults(config(), DnsConfig.DEFAULTS, DnsConfig.class, "dns");
    source = sources.apply(config);
    builder = new RecordBuilder(config.recordsOptions().withNameservers(nameservers(config.dnsHost())), clock);
    configuredMasters = config.masters().stream().map(DnsVerticle::master).toList();
    rebuild();

    forwarder = new Forwarder(vertx, new UpstreamPicker(config.upstreamList(), random), config.forwardTimeoutMs(),
        random);
    UpstreamResolver upstream = (query, tcp, done) -> context.runOnContext(v ->
        forwarder.forward(query, tcp).onComplete(ar -> done.accept(ar.result(), ar.cause())));
    boolean canForward = config.forward() && !config.upstreams().isEmpty();
    dns = new DnsServer(config.ioThreads(), config.nativeTransport(), config.directEpoll(),
        new QueryHandler.Settings(() -> records, new Lookup(random), upstream, canForward, config.truncate()));

    Router router = Routes.router(vertx);
    new MesosDnsApi(() -> records, config).mount(router);

    return dns.start(config.dnsHost(), config.dnsPort())
        .recover(e -> {
          if (config.dnsPort() != 53) {
            return Future.failedFuture(e);
          }
          // 53 is taken (a system resolver) or not ours to bind: fall back to the unprivileged port
          LOG.warning("Cannot listen on " + config.dnsHost() + ":53 (" + e.getMessage() + "); using port "
              + DnsConfig.UNPRIVILEGED_DNS_PORT);
          return dns.start(config.dnsHost(), DnsConfig.UNPRIVILEGED_DNS_PORT);
        })
        .compose(port -> {
          dnsPort = port;
          LOG.info("DNS listening on " + config.dnsHost() + ":" + port + " (UDP and TCP, " + dns.transport() + ")");
          return Routes.listen(vertx, router, "dns", config.httpHost(), config.port());
        })
        .compose(server -> {
          http = server;
          if (node != null) {
            node.bound("dns", server.actualPort());
            health = new HealthReporter(vertx, "dns", "DNS", node.nodeId(), node.cluster().host(),
                node.cluster().role(), this::status);
          }
          Promise<Void> subscribed = Promise.promise();
          context.runOnContext(v -> source.start(this::onState, this::onEvent).onComplete(subscribed));
          vipConsumer = vertx.eventBus().<io.vertx.core.json.JsonObject>consumer(io.mezzo.common.bus.Addresses.L4LB_VIPS,
              m -> onVips(m.body()));
          startResolvConf();
          return subscribed.future();
        });
  }

  @Override
  public Future<?> stop() {
    if (health != null) {
      health.close();
    }
    vertx.cancelTimer(resolvConfTimer);
    List<Future<?>> closing = new ArrayList<>();
    if (vipConsumer != null) {
      closing.add(vipConsumer.unregister());
    }
    if (source != null) {
      closing.add(source.stop());
    }
    if (dns != null) {
      closing.add(dns.stop());
    }
    if (forwarder != null) {
      closing.add(forwarder.close());
    }
    if (http != null) {
      closing.add(http.close());
    }
    return Future.join(closing);
  }

  /** The port DNS listens on (UDP and TCP); useful when configured as 0. */
  /** What carries the queries: {@code epoll} or {@code nio}. */
  public String dnsTransport() {
    return dns.transport();
  }

  public int dnsPort() {
    return dnsPort;
  }

  public int httpPort() {
    return http == null ? -1 : http.actualPort();
  }

  /** The snapshot being served. */
  public DnsRecords records() {
    return records;
  }

  private io.vertx.core.eventbus.MessageConsumer<io.vertx.core.json.JsonObject> vipConsumer;
  private long resolvConfTimer = -1;

  /** Keeps {@code resolv_conf.path} written when configured (off by default). */
  private void startResolvConf() {
    DnsConfig.ResolvConfSettings r = config.resolvConf();
    if (r.path().isEmpty()) {
      return;
    }
    io.mezzo.dns.resolvconf.ResolvConfWriter writer = new io.mezzo.dns.resolvconf.ResolvConfWriter(vertx,
        java.nio.file.Path.of(r.path()), r.probe(), r.probePort(), r.fallback(), r.search(), config.domain(), random);
    Runnable round = () -> writer.run().onFailure(e -> LOG.warning("Writing '" + r.path() + "' failed: " + e));
    round.run();
    resolvConfTimer = vertx.setPeriodic(r.intervalSeconds() * 1000L, id -> round.run());
  }

  /** The L4LB's table from the event bus; rebuilt only when it differs from what is served. */
  private void onVips(io.vertx.core.json.JsonObject body) {
    io.vertx.core.json.JsonObject named = body == null ? null : body.getJsonObject("vips");
    if (named == null) {
      return;
    }
    Map<String, List<InetAddress>> next = new java.util.TreeMap<>();
    for (String name : named.fieldNames()) {
      List<InetAddress> ips = new java.util.ArrayList<>();
      for (Object ip : named.getJsonArray(name, new io.vertx.core.json.JsonArray())) {
        InetAddress parsed = ip instanceof String text ? io.mezzo.common.net.Ips.parse(text) : null;
        if (parsed != null) {
          ips.add(parsed);
        }
      }
      next.put(name, List.copyOf(ips));
    }
    if (!next.equals(vips)) {
      vips = Map.copyOf(next);
      rebuild();
    }
  }

  /** The L4LB's hook: named VIPs ({@code name.framework} to addresses) under {@code l4lb.thisdcos.directory}. */
  public void updateVips(Map<String, List<InetAddress>> named) {
    context.runOnContext(v -> {
      vips = Map.copyOf(named);
      rebuild();
    });
  }

  private void onState(ClusterState next) {
    state = next;
    rebuild();
    if (!stateReceived) {
      stateReceived = true;
      if (health != null) {
        health.reportNow();
      }
    }
  }

  /** Healthy once DNS listens and a cluster state has arrived; called on this verticle's context. */
  HealthReporter.Status status() {
    if (!stateReceived) {
      return new HealthReporter.Status(false, "No cluster state from the master yet");
    }
    DnsRecords r = records;
    return new HealthReporter.Status(true, "Serving " + (r.mesos().size() + r.dcos().size()) + " records on port "
        + dnsPort);
  }

  private void onEvent(TaskEvent event) {
    state = state.apply(event);
    rebuild();
  }

  private void rebuild() {
    ClusterState effective = configuredMasters.isEmpty() ? state : state.withMasters(configuredMasters);
    records = builder.build(effective, vips);
  }

  private static Master master(String text) {
    Upstream parsed = Upstream.parse(text);
    if (parsed == null) {
      throw new IllegalArgumentException("Master '" + text + "' is not ip or ip:port");
    }
    boolean portGiven = text.matches(".*:\\d+$") && (text.startsWith("[") || text.indexOf(':') == text.lastIndexOf(':'));
    return new Master("", parsed.host(), parsed.host(), portGiven ? parsed.port() : MASTER_PORT);
  }

  /** The listen address, or every non-loopback interface address when listening on all of them. */
  static List<String> nameservers(String host) {
    if (!host.equals("0.0.0.0") && !host.equals("::")) {
      return io.mezzo.common.net.Ips.literalOrNull(host) == null ? List.of()
          : List.of(io.mezzo.common.net.Ips.literalOrNull(host));
    }
    List<String> ips = new ArrayList<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (nif.isLoopback() || !nif.isUp()) {
          continue;
        }
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
          if (!a.isLinkLocalAddress() && !(a instanceof Inet6Address && host.equals("0.0.0.0"))) {
            ips.add(a.getHostAddress());
          }
        }
      }
    } catch (SocketException e) {
      LOG.warning("Cannot list network interfaces: " + e.getMessage());
    }
    return ips;
  }
}
