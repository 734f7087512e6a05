package io.mezzo.dns.server;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeoutException;

/**
 * Sends queries for foreign names to the upstream resolvers the {@link UpstreamPicker} chooses, all
 * at once; the first reply wins. Each upstream query gets a fresh ID and, over UDP, its own socket,
 * so a reply can only match its own query. At most {@value #MAX_IN_FLIGHT} upstream queries are
 * open at once (each holds a socket until answered or timed out); beyond that queries fail at once
 * (SERVFAIL), so a flood of foreign names cannot exhaust file descriptors. Nothing is cached. Use it
 * on one Vert.x context.
 */
public final class Forwarder {
  static final int MAX_IN_FLIGHT = 1024;

  private final int maxInFlight;
  private final Vertx vertx;
  private final UpstreamPicker picker;
  private final long timeoutMs;
  private final Random random;
  private final NetClient tcp;
  private int inFlight;

  public Forwarder(Vertx vertx, UpstreamPicker picker, long timeoutMs, Random random) {
    this(vertx, picker, timeoutMs, random, MAX_IN_FLIGHT);
  }

  Forwarder(Vertx vertx, UpstreamPicker picker, long timeoutMs, Random random, int maxInFlight) {
    this.maxInFlight = maxInFlight;
    this.vertx = vertx;
    this.picker = picker;
    this.timeoutMs = timeoutMs;
    this.random = random;
    this.tcp = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) timeoutMs));
  }

  /** The first upstream reply (raw bytes, ID as sent upstream); fails when every chosen upstream fails or times out. */
  public Future<byte[]> forward(byte[] query, boolean overTcp) {
    List<Upstream> chosen = picker.pick();
    if (chosen.isEmpty()) {
      return Future.failedFuture(new IllegalStateException("No upstream resolvers configured"));
    }
    if (inFlight + chosen.size() > maxInFlight) {
      return Future.failedFuture(new IllegalStateException("Too many queries in flight upstream (" + inFlight + ")"));
    }
    Promise<byte[]> first = Promise.promise();
    int[] pending = {chosen.size()};
    for (Upstream u : chosen) {
      attempt(u, query, overTcp).onComplete(ar -> {
        if (ar.succeeded()) {
          picker.succeeded(u);
          first.tryComplete(ar.result());
        } else {
          picker.failed(u);
          if (--pending[0] == 0) {
            first.tryFail(ar.cause());
          }
        }
      });
    }
    return first.future();
  }

  public Future<Void> close() {
    return tcp.close();
  }

  private Future<byte[]> attempt(Upstream u, byte[] query, boolean overTcp) {
    inFlight++;
    int id = random.nextInt(0x10000);
    byte[] q = query.clone();
    q[0] = (byte) (id >> 8);
    q[1] = (byte) id;
    Promise<byte[]> promise = Promise.promise();
    long timer = vertx.setTimer(timeoutMs, t -> promise.tryFail(new TimeoutException("Upstream " + u + " timed out")));
    Future<?> resource = overTcp ? viaTcp(u, q, id, promise) : viaUdp(u, q, id, promise);
    return promise.future().eventually(() -> {
      inFlight--;
      vertx.cancelTimer(timer);
      return resource.compose(r -> r instanceof DatagramSocket s ? s.close() : ((NetSocket) r).close(),
          e -> Future.succeededFuture());
    });
  }

  private Future<DatagramSocket> viaUdp(Upstream u, byte[] q, int id, Promise<byte[]> promise) {
    boolean v6 = u.host().contains(":");
    DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions().setIpV6(v6));
    socket.handler(packet -> {
      Buffer b = packet.data();
      if (b.length() >= 12 && b.getUnsignedShort(0) == id && packet.sender().port() == u.port()) {
        promise.tryComplete(b.getBytes());
      }
    });
    socket.exceptionHandler(promise::tryFail);
    return socket.listen(0, v6 ? "::" : "0.0.0.0")
        .compose(s -> s.send(Buffer.buffer(q), u.port(), u.host()).map(s))
        .onFailure(promise::tryFail);
  }

  private Future<NetSocket> viaTcp(Upstream u, byte[] q, int id, Promise<byte[]> promise) {
    return tcp.connect(u.port(), u.host()).onSuccess(socket -> {
      Buffer received = Buffer.buffer();
      socket.handler(chunk -> {
        received.appendBuffer(chunk);
        if (received.length() >= 2) {
          int length = received.getUnsignedShort(0);
          if (received.length() >= 2 + length && length >= 12) {
            byte[] reply = received.getBytes(2, 2 + length);
            if (((reply[0] & 0xff) << 8 | (reply[1] & 0xff)) == id) {
              promise.tryComplete(reply);
            } else {
              promise.tryFail(new IllegalStateException("Upstream " + u + " answered another query"));
            }
          }
        }
      });
      socket.exceptionHandler(promise::tryFail);
      socket.closeHandler(v -> promise.tryFail(new IllegalStateException("Upstream " + u + " closed the connection")));
      socket.write(Buffer.buffer().appendUnsignedShort(q.length).appendBytes(q));
    }).onFailure(promise::tryFail);
  }
}
