package io.mezzo.dns.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The DNS listeners: UDP channels and one TCP server channel on the same port, on an event loop
 * group of {@code ioThreads} threads of their own. A UDP channel is served by one thread, so with
 * more threads there is one UDP channel per thread, all bound with {@code SO_REUSEPORT}, and the
 * kernel spreads clients over them. With port 0 everything lands on one free port.
 *
 * <p>With {@code nativeTransport} and Netty's epoll transport loadable, the channels are epoll
 * channels, and a UDP channel reads up to {@value #BATCH} queries with one {@code recvmmsg} and
 * sends the replies of one read batch (flushed together) with one {@code sendmmsg}. Otherwise NIO,
 * one system call per datagram each way. With {@code directEpoll} as well, UDP is served by a
 * {@link DirectUdpPlane} (the same batching without Netty's channel, pipeline and per-datagram
 * objects) and only TCP by Netty.
 */
public final class DnsServer {
  private static final Logger LOG = Logger.getLogger(DnsServer.class.getName());
  private static final int BIND_ATTEMPTS = 5;
  private static final int TCP_IDLE_SECONDS = 30;
  /**
   * The largest query datagram read whole on epoll; a longer one is cut there (and then fails to
   * parse). Real queries are far shorter: a question is at most 260 bytes and an OPT record a few dozen.
   */
  static final int MAX_QUERY = 4096;
  /**
   * Datagrams read by one {@code recvmmsg}, answered and flushed (one {@code sendmmsg}) before the
   * next read. Clients send in bursts, and every reply of a batch waits for the whole batch: 8
   * answered 100k queries/s sooner and with less CPU than 16, and as fast at the most one core
   * answers (docs/benchmarks.md, "DNS").
   */
  static final int BATCH = 8;

  private final EventLoopGroup group;
  private final boolean epoll;
  private final int ioThreads;
  private final QueryHandler.Settings settings;
  private final boolean direct;
  private final List<Channel> udp = new ArrayList<>();
  private DirectUdpPlane plane;
  private Channel tcp;

  public DnsServer(int ioThreads, boolean nativeTransport, QueryHandler.Settings settings) {
    this(ioThreads, nativeTransport, false, settings);
  }

  /**
   * @param directEpoll UDP on the {@link DirectUdpPlane} (Mezzo's own loops over Netty's JNI), where
   *                    {@code nativeTransport} is on and epoll loads; TCP stays on Netty
   */
  public DnsServer(int ioThreads, boolean nativeTransport, boolean directEpoll, QueryHandler.Settings settings) {
    this.epoll = nativeTransport && Epoll.isAvailable();
    this.direct = directEpoll && epoll;
    if (nativeTransport && !epoll) {
      LOG.warning("DNS on NIO: the epoll transport does not load (" + Epoll.unavailabilityCause() + ")");
    }
    this.group = new MultiThreadIoEventLoopGroup(ioThreads,
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    this.ioThreads = ioThreads;
    this.settings = settings;
  }

  /** Binds UDP and TCP; the future gives the port both listen on. */
  public Future<Integer> start(String host, int port) {
    return bind(host, port, BIND_ATTEMPTS);
  }

  /** {@code direct-epoll}, {@code epoll} or {@code nio}: what carries the UDP queries. */
  public String transport() {
    return direct ? "direct-epoll" : epoll ? "epoll" : "nio";
  }

  private Future<Integer> bind(String host, int port, int attemptsLeft) {
    Bootstrap udpBoot = new Bootstrap().group(group)
        .option(ChannelOption.SO_RCVBUF, 1 << 20)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(QueryHandler.udpPipeline(settings));
          }
        });
    // an IPv4 address gets IPv4 sockets: a dual-stack socket bound to it takes only IPv4 anyway,
    // and pays for the IPv6 layer and mapped addresses on every datagram
    boolean v4 = epoll && host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    if (epoll) {
      // recvmmsg: each read fills one buffer with up to BATCH datagrams of at most MAX_QUERY bytes,
      // and the replies go out after each read, not after several
      udpBoot.channelFactory(() -> v4 ? new EpollDatagramChannel(SocketProtocolFamily.INET) : new EpollDatagramChannel())
          .option(EpollChannelOption.SO_REUSEPORT, ioThreads > 1)
          .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_QUERY)
          .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_QUERY * BATCH).maxMessagesPerRead(BATCH));
    } else {
      udpBoot.channel(NioDatagramChannel.class)
          .option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), ioThreads > 1);
    }
    ServerBootstrap tcpBoot = new ServerBootstrap().group(group)
        .channelFactory(() -> v4 ? new EpollServerSocketChannel(SocketProtocolFamily.INET)
            : epoll ? new EpollServerSocketChannel() : new NioServerSocketChannel())
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new ReadTimeoutHandler(TCP_IDLE_SECONDS), QueryDecoders.tcpFrames(),
                new QueryDecoders.Tcp(), new QueryHandler(settings));
          }
        });
    if (direct) {
      DirectUdpPlane p;
      try {
        p = new DirectUdpPlane(host, port, ioThreads, settings);
      } catch (IOException | RuntimeException e) {
        return Future.failedFuture(e);
      }
      return toVertx(tcpBoot.bind(host, p.port())).map(t -> {
        plane = p;
        tcp = t;
        return p.port();
      }).recover(e -> {
        p.close();
        return port == 0 && attemptsLeft > 1 ? bind(host, port, attemptsLeft - 1) : Future.failedFuture(e);
      });
    }
    return toVertx(udpBoot.bind(host, port)).compose(u -> {
      int actual = ((InetSocketAddress) u.localAddress()).getPort();
      List<Future<Channel>> more = new ArrayList<>();
      for (int i = 1; i < ioThreads; i++) {
        more.add(toVertx(udpBoot.bind(host, actual)));
      }
      return Future.all(more).compose(all -> toVertx(tcpBoot.bind(host, actual))).map(t -> {
        udp.add(u);
        more.forEach(f -> udp.add(f.result()));
        tcp = t;
        return actual;
      }).recover(e -> {
        u.close();
        more.forEach(f -> f.onSuccess(Channel::close));
        return port == 0 && attemptsLeft > 1 ? bind(host, port, attemptsLeft - 1) : Future.failedFuture(e);
      });
    });
  }

  /** Closes both channels and shuts the event loop group down. */
  public Future<Void> stop() {
    Promise<Void> done = Promise.promise();
    udp.forEach(Channel::close);
    if (tcp != null) {
      tcp.close();
    }
    CompletableFuture<Void> udpClosed = plane == null ? CompletableFuture.completedFuture(null) : plane.close();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(f -> udpClosed.whenComplete((v, e) -> {
      if (!f.isSuccess()) {
        done.fail(f.cause());
      } else if (e != null) {
        done.fail(e);
      } else {
        done.complete();
      }
    }));
    return done.future();
  }

  private static Future<Channel> toVertx(ChannelFuture future) {
    Promise<Channel> promise = Promise.promise();
    future.addListener(f -> {
      if (f.isSuccess()) {
        promise.complete(future.channel());
      } else {
        promise.fail(f.cause());
      }
    });
    return promise.future();
  }
}
