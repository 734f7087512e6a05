package io.mezzo.l4lb.proxy;

import io.mezzo.l4lb.balance.Balancer;
import io.mezzo.l4lb.vip.Backend;
import io.mezzo.l4lb.vip.BackendAddress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.net.SocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One UDP VIP. Each client address gets a session: a backend chosen by the balancer and a socket of
 * its own towards that backend, so replies find their way back to the client. A session ends after
 * {@code idleTimeoutMs} without packets either way. UDP gives no connect failure, so UDP backends are
 * never marked down here.
 */
public final class UdpProxy implements Proxy {
  private final Vertx vertx;
  private final Endpoint endpoint;
  private final Supplier<List<Backend>> backends;
  private final Balancer balancer;
  private final Clock clock;
  private final long idleTimeoutMs;
  private final Map<SocketAddress, Session> sessions = new HashMap<>();
  private DatagramSocket socket;
  private long sweeper = -1;

  public UdpProxy(Vertx vertx, Endpoint endpoint, Supplier<List<Backend>> backends, Balancer balancer, Clock clock,
                  long idleTimeoutMs) {
    this.vertx = vertx;
    this.endpoint = endpoint;
    this.backends = backends;
    this.balancer = balancer;
    this.clock = clock;
    this.idleTimeoutMs = idleTimeoutMs;
  }

  @Override
  public Future<Void> listen() {
    socket = vertx.createDatagramSocket();
    socket.handler(this::fromClient);
    return socket.listen(endpoint.port(), endpoint.address()).<Void>mapEmpty().onSuccess(v ->
        sweeper = vertx.setPeriodic(Math.max(50, idleTimeoutMs / 4), id -> sweep()));
  }

  @Override
  public Future<Void> close() {
    if (sweeper >= 0) {
      vertx.cancelTimer(sweeper);
    }
    List<Future<Void>> closing = new ArrayList<>();
    for (Session s : new ArrayList<>(sessions.values())) {
      closing.add(end(s));
    }
    if (socket != null) {
      closing.add(socket.close());
    }
    return Future.join(closing).mapEmpty();
  }

  /** Sessions open now; for tests and metrics. */
  public int sessions() {
    return sessions.size();
  }

  private void fromClient(DatagramPacket packet) {
    SocketAddress client = packet.sender();
    Session session = sessions.get(client);
    if (session == null) {
      Optional<BackendAddress> picked = balancer.pick(backends.get(), Set.of());
      if (picked.isEmpty()) {
        return; // no backend: the datagram is dropped, as the kernel would with no listener
      }
      session = open(client, picked.get());
    }
    session.lastSeen = clock.millis();
    session.send(packet.data());
  }

  private Session open(SocketAddress client, BackendAddress backend) {
    Session s = new Session(client, backend, vertx.createDatagramSocket());
    sessions.put(client, s);
    balancer.connected(backend);
    s.upstream.handler(reply -> {
      s.lastSeen = clock.millis();
      socket.send(reply.data(), client.port(), client.host());
    });
    s.upstream.listen(0, "0.0.0.0").onComplete(ar -> {
      s.bound = ar.succeeded();
      if (ar.failed()) {
        end(s);
        return;
      }
      s.pending.forEach(s::send);
      s.pending.clear();
    });
    return s;
  }

  private void sweep() {
    long now = clock.millis();
    for (Session s : new ArrayList<>(sessions.values())) {
      if (now - s.lastSeen >= idleTimeoutMs) {
        end(s);
      }
    }
  }

  private Future<Void> end(Session s) {
    if (sessions.remove(s.client, s)) {
      balancer.closed(s.backend);
    }
    return s.upstream.close();
  }

  private static final class Session {
    final SocketAddress client;
    final BackendAddress backend;
    final DatagramSocket upstream;
    final List<Buffer> pending = new ArrayList<>();
    boolean bound;
    long lastSeen;

    Session(SocketAddress client, BackendAddress backend, DatagramSocket upstream) {
      this.client = client;
      this.backend = backend;
      this.upstream = upstream;
    }

    void send(Buffer data) {
      if (bound) {
        upstream.send(data, backend.port(), backend.ip());
      } else if (pending.size() < 64) {
        pending.add(data);
      }
    }
  }
}
