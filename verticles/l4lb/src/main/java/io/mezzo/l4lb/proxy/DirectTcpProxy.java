package io.mezzo.l4lb.proxy;

import io.mezzo.common.net.Ips;
import io.mezzo.l4lb.vip.Backend;
import io.mezzo.l4lb.vip.BackendAddress;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One TCP VIP on the {@code direct-epoll} data plane ({@link DirectEpollLoops}): a listening socket
 * with {@code SO_REUSEPORT} on every loop. The same rules as {@link NativeTcpProxy}: the balancer
 * picks, a failed connect marks the backend down and the next one is tried (up to the loops'
 * {@code tries}), bytes are relayed with back-pressure, and when either side ends the other is
 * closed once what it was sent is written. Closing unbinds; open connections go on.
 */
public final class DirectTcpProxy implements Proxy {
  private final DirectEpollLoops loops;
  private final Context owner;
  private final Endpoint endpoint;
  private final Supplier<List<Backend>> backends;
  private final Map<BackendAddress, InetSocketAddress> addresses = new ConcurrentHashMap<>();
  private final List<DirectEpollLoops.Loop.Listener> listeners = new ArrayList<>();

  public DirectTcpProxy(DirectEpollLoops loops, Context owner, Endpoint endpoint, Supplier<List<Backend>> backends) {
    this.loops = loops;
    this.owner = owner;
    this.endpoint = endpoint;
    this.backends = backends;
  }

  Endpoint endpoint() {
    return endpoint;
  }

  List<Backend> backends() {
    return backends.get();
  }

  /** The backend's socket address, or null when its IP does not parse. */
  InetSocketAddress socketAddress(BackendAddress backend) {
    return addresses.computeIfAbsent(backend, b -> {
      InetAddress ip = Ips.parse(b.ip());
      return ip == null ? null : new InetSocketAddress(ip, b.port());
    });
  }

  @Override
  public Future<Void> listen() {
    InetAddress address = Ips.parse(endpoint.address());
    if (address == null) {
      return Future.failedFuture("not an IP address: " + endpoint.address());
    }
    InetSocketAddress bindTo = new InetSocketAddress(address, endpoint.port());
    List<CompletableFuture<DirectEpollLoops.Loop.Listener>> bound = new ArrayList<>();
    for (int i = 0; i < loops.size(); i++) {
      DirectEpollLoops.Loop loop = loops.loop(i);
      CompletableFuture<DirectEpollLoops.Loop.Listener> one = new CompletableFuture<>();
      loop.execute(() -> loop.listen(this, bindTo, one));
      bound.add(one);
    }
    Promise<Void> done = Promise.promise();
    CompletableFuture.allOf(bound.toArray(CompletableFuture[]::new)).whenComplete((v, error) -> {
      synchronized (listeners) {
        for (CompletableFuture<DirectEpollLoops.Loop.Listener> f : bound) {
          if (!f.isCompletedExceptionally()) {
            listeners.add(f.join());
          }
        }
      }
      if (error == null) {
        owner.runOnContext(x -> done.complete());
      } else {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
            ? error.getCause() : error;
        close().onComplete(x -> done.fail(cause));
      }
    });
    return done.future();
  }

  @Override
  public Future<Void> close() {
    List<DirectEpollLoops.Loop.Listener> bound;
    synchronized (listeners) {
      bound = new ArrayList<>(listeners);
      listeners.clear();
    }
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (DirectEpollLoops.Loop.Listener listener : bound) {
      CompletableFuture<Void> one = new CompletableFuture<>();
      listener.loop().execute(() -> {
        listener.close();
        one.complete(null);
      });
      closing.add(one);
    }
    Promise<Void> done = Promise.promise();
    CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
        .whenComplete((v, e) -> owner.runOnContext(x -> done.complete()));
    return done.future();
  }
}
