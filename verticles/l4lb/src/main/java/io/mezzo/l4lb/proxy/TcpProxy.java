package io.mezzo.l4lb.proxy;

import io.mezzo.l4lb.balance.Balancer;
import io.mezzo.l4lb.vip.Backend;
import io.mezzo.l4lb.vip.BackendAddress;
import io.mezzo.common.net.Ips;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * One TCP VIP: accepts on the VIP address, connects to a backend the balancer picks, and copies
 * bytes both ways with back-pressure. A backend whose connect fails is reported to the balancer and
 * the next one is tried, up to {@code tries} backends; then the client connection is closed.
 */
public final class TcpProxy implements Proxy {
  private static final Logger LOG = Logger.getLogger(TcpProxy.class.getName());

  private final Vertx vertx;
  private final Endpoint endpoint;
  private final Supplier<List<Backend>> backends;
  private final Balancer balancer;
  private final NetClient client;
  private final int tries;
  private final Map<BackendAddress, SocketAddress> addresses = new HashMap<>();
  private NetServer server;

  public TcpProxy(Vertx vertx, Endpoint endpoint, Supplier<List<Backend>> backends, Balancer balancer,
                  NetClient client, int tries) {
    this.vertx = vertx;
    this.endpoint = endpoint;
    this.backends = backends;
    this.balancer = balancer;
    this.client = client;
    this.tries = tries;
  }

  @Override
  public Future<Void> listen() {
    server = vertx.createNetServer(new NetServerOptions().setHost(endpoint.address()).setPort(endpoint.port())
        .setTcpNoDelay(true).setReuseAddress(true));
    server.connectHandler(this::accept);
    return server.listen().mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void accept(NetSocket front) {
    front.pause();
    Connection c = new Connection(front);
    front.closeHandler(v -> c.frontClosed());
    attempt(c, new HashSet<>(), 1);
  }

  private void attempt(Connection c, Set<BackendAddress> tried, int attempt) {
    Optional<BackendAddress> picked = balancer.pick(backends.get(), tried);
    if (picked.isEmpty()) {
      c.front.close();
      return;
    }
    BackendAddress backend = picked.get();
    client.connect(socketAddress(backend)).onComplete(ar -> {
      if (ar.failed()) {
        balancer.failed(backend);
        LOG.fine(() -> "Backend '" + backend + "' of " + endpoint + " failed: " + ar.cause().getMessage());
        tried.add(backend);
        if (attempt < tries && !c.closed) {
          attempt(c, tried, attempt + 1);
        } else {
          c.front.close();
        }
        return;
      }
      balancer.connected(backend);
      c.splice(ar.result(), backend);
    });
  }

  /**
   * The backend as a resolved socket address, so that connecting skips Vert.x's resolver. Cached:
   * accepts run on this proxy's event loop only, and the cache is emptied when it grows past 1,024.
   */
  private SocketAddress socketAddress(BackendAddress backend) {
    SocketAddress known = addresses.get(backend);
    if (known == null) {
      InetAddress ip = Ips.parse(backend.ip());
      known = ip == null ? SocketAddress.inetSocketAddress(backend.port(), backend.ip())
          : SocketAddress.inetSocketAddress(new InetSocketAddress(ip, backend.port()));
      if (addresses.size() >= 1_024) {
        addresses.clear();
      }
      addresses.put(backend, known);
    }
    return known;
  }

  /** One client connection; its fields are touched on the event loop only. */
  private final class Connection {
    final NetSocket front;
    NetSocket back;
    BackendAddress backend;
    boolean closed;
    boolean done;

    Connection(NetSocket front) {
      this.front = front;
    }

    void frontClosed() {
      closed = true;
      if (back != null) {
        finish();
      }
    }

    void splice(NetSocket socket, BackendAddress to) {
      back = socket;
      backend = to;
      back.closeHandler(v -> finish());
      if (closed) {
        finish();
        return;
      }
      front.pipeTo(back);
      back.pipeTo(front);
    }

    /** Either side closed: close the other one and count the connection as ended, once. */
    void finish() {
      if (done) {
        return;
      }
      done = true;
      balancer.closed(backend);
      front.close();
      back.close();
    }
  }
}
