package io.mezzo.l4lb.proxy;

import io.mezzo.l4lb.balance.Balancer;
import io.mezzo.l4lb.vip.Backend;
import io.mezzo.l4lb.vip.Protocol;
import io.netty.channel.EventLoopGroup;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * One event loop's share of the data plane. The l4lb verticle deploys several; each binds every TCP
 * VIP (Vert.x then spreads accepted connections over them) and the first one also binds the UDP
 * VIPs, since a UDP port cannot be shared. The owner hands each instance the whole table with
 * {@link #sync}; connections read the backend lists of the latest table.
 */
public final class ProxyVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(ProxyVerticle.class.getName());

  /**
   * What every instance shares: the balancer is synchronized, the rest is immutable. With
   * {@code nativeLoops} (else null), TCP VIPs are served by {@link NativeTcpProxy} on {@code loopCount}
   * loops of that group and {@code transport}, by the instance that also serves UDP. With
   * {@code direct} (else null), TCP VIPs are served by {@link DirectTcpProxy} on those loops instead.
   */
  public record Settings(Balancer balancer, Clock clock, int connectTimeoutMs, int connectTries,
                         int udpIdleTimeoutMs, NativeTransport transport, EventLoopGroup nativeLoops,
                         int loopCount, DirectEpollLoops direct) {

    /** Whether TCP VIPs run on loops of the l4lb's own rather than on Vert.x proxies. */
    boolean ownLoops() {
      return nativeLoops != null || direct != null;
    }
  }

  private final Settings settings;
  private final boolean udp;
  private final Map<Endpoint, Proxy> proxies = new HashMap<>();
  private volatile Map<Endpoint, List<Backend>> table = Map.of();
  private NetClient client;

  public ProxyVerticle(Settings settings, boolean udp) {
    this.settings = settings;
    this.udp = udp;
  }

  @Override
  public Future<?> start() {
    // TCP_QUICKACK on: Vert.x turns it off on native transports unless asked, and off holds back the
    // last ACK of the handshake, so a backend that speaks first would be accepted up to 200 ms late
    client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(settings.connectTimeoutMs())
        .setTcpNoDelay(true).setTcpQuickAck(true));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    List<Future<Void>> closing = new ArrayList<>();
    proxies.values().forEach(p -> closing.add(p.close()));
    proxies.clear();
    return Future.join(closing).eventually(() -> client.close());
  }

  /**
   * Serves exactly the endpoints of {@code next}: opens the new ones, closes those that are gone.
   * Any thread. Completes with the endpoints that could not be bound; they are tried again on the
   * next call.
   */
  public Future<Set<Endpoint>> sync(Map<Endpoint, List<Backend>> next) {
    Promise<Set<Endpoint>> done = Promise.promise();
    context.runOnContext(v -> apply(next).onComplete(done));
    return done.future();
  }

  private Future<Set<Endpoint>> apply(Map<Endpoint, List<Backend>> next) {
    table = next;
    List<Future<Void>> changes = new ArrayList<>();
    for (Endpoint gone : new ArrayList<>(proxies.keySet())) {
      if (!next.containsKey(gone)) {
        changes.add(proxies.remove(gone).close());
      }
    }
    Set<Endpoint> failed = new HashSet<>();
    for (Endpoint wanted : next.keySet()) {
      if (proxies.containsKey(wanted) || ((wanted.protocol() == Protocol.UDP || settings.ownLoops()) && !udp)) {
        continue;
      }
      Proxy proxy = wanted.protocol() == Protocol.TCP && settings.direct() != null
          ? new DirectTcpProxy(settings.direct(), context, wanted, () -> backendsOf(wanted))
          : wanted.protocol() == Protocol.TCP && settings.nativeLoops() != null
          ? new NativeTcpProxy(settings.transport(), settings.nativeLoops(), settings.loopCount(), context, wanted, () -> backendsOf(wanted),
              settings.balancer(), settings.connectTries(), settings.connectTimeoutMs())
          : wanted.protocol() == Protocol.TCP
          ? new TcpProxy(vertx, wanted, () -> backendsOf(wanted), settings.balancer(), client, settings.connectTries())
          : new UdpProxy(vertx, wanted, () -> backendsOf(wanted), settings.balancer(), settings.clock(),
              settings.udpIdleTimeoutMs());
      proxies.put(wanted, proxy);
      changes.add(proxy.listen().recover(e -> {
        proxies.remove(wanted, proxy);
        failed.add(wanted);
        LOG.warning("VIP " + wanted + " cannot listen: " + e.getMessage());
        return proxy.close();
      }));
    }
    return Future.join(changes).transform(ar -> Future.succeededFuture(Set.copyOf(failed)));
  }

  private List<Backend> backendsOf(Endpoint endpoint) {
    return table.getOrDefault(endpoint, List.of());
  }
}
