package io.mezzo.l4lb.proxy;

import io.mezzo.common.net.Ips;
import io.mezzo.l4lb.balance.Balancer;
import io.mezzo.l4lb.vip.Backend;
import io.mezzo.l4lb.vip.BackendAddress;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * One TCP VIP on a native Netty transport (epoll or io_uring, see {@link NativeTransport}), without
 * Vert.x sockets: the endpoint is bound once per event loop of {@code loops} with
 * {@code SO_REUSEPORT}, so the kernel spreads new connections over the loops and each connection,
 * and its backend connection, stays on the loop that accepted it.
 * The same rules as {@link TcpProxy}: the balancer picks, a failed connect marks the backend down
 * and the next one is tried (up to {@code tries}), bytes are relayed with back-pressure, and when
 * either side closes the other is closed after what it was sent is flushed. Closing the endpoint
 * unbinds it; open connections go on.
 *
 * <p>Both sides read on their own once the backend is connected, and a side stops reading only
 * while the other side's outbound buffer is over its high-water mark: turning reading off and on
 * for every read would cost two {@code epoll_ctl} calls a read, which shows with a new connection
 * per request. Writes are flushed once per read burst, not once per read.
 */
public final class NativeTcpProxy implements Proxy {
  private static final Logger LOG = Logger.getLogger(NativeTcpProxy.class.getName());

  private final NativeTransport transport;
  private final EventLoopGroup loops;
  private final int loopCount;
  private final Context owner;
  private final Endpoint endpoint;
  private final Supplier<List<Backend>> backends;
  private final Balancer balancer;
  private final int tries;
  private final int connectTimeoutMs;
  private final List<Channel> servers = new ArrayList<>();

  public NativeTcpProxy(NativeTransport transport, EventLoopGroup loops, int loopCount, Context owner, Endpoint endpoint,
                       Supplier<List<Backend>> backends, Balancer balancer, int tries, int connectTimeoutMs) {
    this.transport = transport;
    this.loops = loops;
    this.loopCount = loopCount;
    this.owner = owner;
    this.endpoint = endpoint;
    this.backends = backends;
    this.balancer = balancer;
    this.tries = tries;
    this.connectTimeoutMs = connectTimeoutMs;
  }

  @Override
  public Future<Void> listen() {
    InetAddress address = Ips.parse(endpoint.address());
    if (address == null) {
      return Future.failedFuture("not an IP address: " + endpoint.address());
    }
    Promise<Void> done = Promise.promise();
    bind(new InetSocketAddress(address, endpoint.port()), 0, done);
    return done.future();
  }

  /** Binds one listener per loop in turn; any failure unbinds those already bound. */
  private void bind(InetSocketAddress address, int index, Promise<Void> done) {
    if (index == loopCount) {
      owner.runOnContext(v -> done.complete());
      return;
    }
    EventLoop loop = loops.next();
    // accepted sockets get TCP_NODELAY from Netty's defaults; setting it again costs a system call
    new ServerBootstrap().group(loop, loop).channelFactory(transport::newServer)
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(transport.reusePort(), true)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.AUTO_READ, false)
        .childHandler(new Front())
        .bind(address).addListener((ChannelFutureListener) f -> {
          if (f.isSuccess()) {
            synchronized (servers) {
              servers.add(f.channel());
            }
            bind(address, index + 1, done);
          } else {
            close().onComplete(v -> owner.runOnContext(x -> done.fail(f.cause())));
          }
        });
  }

  @Override
  public Future<Void> close() {
    List<Channel> bound;
    synchronized (servers) {
      bound = new ArrayList<>(servers);
      servers.clear();
    }
    Promise<Void> done = Promise.promise();
    if (bound.isEmpty()) {
      done.complete();
      return done.future();
    }
    int[] left = {bound.size()};
    for (Channel server : bound) {
      server.close().addListener(f -> {
        synchronized (left) {
          if (--left[0] == 0) {
            owner.runOnContext(v -> done.complete());
          }
        }
      });
    }
    return done.future();
  }

  /** A new client connection: dial a backend, then relay. Shared by every accepted channel. */
  @io.netty.channel.ChannelHandler.Sharable
  private final class Front extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      attempt(ctx.channel(), new HashSet<>(), 1);
    }
  }

  private void attempt(Channel front, Set<BackendAddress> tried, int attempt) {
    Optional<BackendAddress> picked = balancer.pick(backends.get(), tried);
    if (picked.isEmpty()) {
      front.close();
      return;
    }
    BackendAddress backend = picked.get();
    InetAddress ip = Ips.parse(backend.ip());
    if (ip == null) {
      balancer.failed(backend);
      tried.add(backend);
      retryOrClose(front, tried, attempt);
      return;
    }
    // no Bootstrap: its option maps and reflection cost more than the connection needs. Netty's
    // defaults already set TCP_NODELAY. TCP_QUICKACK is left alone: turning it off puts the socket
    // in the kernel's delayed-ACK ("pingpong") mode, which holds back the last ACK of the handshake,
    // so a backend that speaks first (SSH, SMTP, MySQL) is only accepted up to 200 ms later; turning
    // it on sends an ACK for every segment, two more packets per short connection than the default.
    SocketChannel back = transport.newClient(ip);
    back.config().setConnectTimeoutMillis(connectTimeoutMs);
    back.config().setAutoRead(false);
    back.pipeline().addLast(new Relay(front));
    front.eventLoop().register(back).addListener((ChannelFutureListener) r -> {
      if (!r.isSuccess()) {
        back.close();
        front.close();
        return;
      }
      back.connect(new InetSocketAddress(ip, backend.port())).addListener((ChannelFutureListener) f -> {
        if (!f.isSuccess()) {
          balancer.failed(backend);
          LOG.fine(() -> "Backend '" + backend + "' of " + endpoint + " failed: " + f.cause().getMessage());
          back.close();
          tried.add(backend);
          retryOrClose(front, tried, attempt);
          return;
        }
        balancer.connected(backend);
        back.closeFuture().addListener(x -> balancer.closed(backend));
        if (!front.isActive()) {
          back.close();
          return;
        }
        front.pipeline().addLast(new Relay(back));
        front.config().setAutoRead(true);
        back.config().setAutoRead(true);
      });
    });
  }

  private void retryOrClose(Channel front, Set<BackendAddress> tried, int attempt) {
    if (attempt < tries && front.isActive()) {
      attempt(front, tried, attempt + 1);
    } else {
      front.close();
    }
  }

  /**
   * Copies what one side reads to the other, flushing at the end of each read burst; pauses reading
   * while the other side cannot take more and resumes when it drains.
   */
  private static final class Relay extends ChannelInboundHandlerAdapter {
    private final Channel peer;

    Relay(Channel peer) {
      this.peer = peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      peer.write(msg, peer.voidPromise());
      if (!peer.isWritable()) {
        // off before the flush: a flush that drains the peer turns reading back on at once
        ctx.channel().config().setAutoRead(false);
        peer.flush();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      peer.flush();
    }

    /** This side drained below its low-water mark: the peer may read again. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        peer.config().setAutoRead(true);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closeAfterFlush(peer);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.channel().close();
      peer.close();
    }
  }

  private static void closeAfterFlush(Channel channel) {
    if (channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
