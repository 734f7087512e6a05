package io.mezzo.l4lb.proxy;

import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The Linux transports a {@link NativeTcpProxy} can run on: Netty's epoll and io_uring. Each gives
 * its event loop handler, its channels and its names for the Linux-only socket options.
 */
public enum NativeTransport {
  EPOLL("epoll") {
    @Override
    public boolean available() {
      return Epoll.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause() {
      return Epoll.unavailabilityCause();
    }

    @Override
    public IoHandlerFactory ioHandler() {
      return EpollIoHandler.newFactory();
    }

    @Override
    ServerChannel newServer() {
      return new EpollServerSocketChannel();
    }

    @Override
    SocketChannel newClient(InetAddress to) {
      // an IPv4 socket for an IPv4 backend: no dual-stack setup on every connection
      return to instanceof Inet4Address ? new EpollSocketChannel(SocketProtocolFamily.INET) : new EpollSocketChannel();
    }

    @Override
    ChannelOption<Boolean> reusePort() {
      return EpollChannelOption.SO_REUSEPORT;
    }
  },
  IO_URING("io_uring") {
    @Override
    public boolean available() {
      return IoUring.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause() {
      return IoUring.unavailabilityCause();
    }

    @Override
    public IoHandlerFactory ioHandler() {
      return IoUringIoHandler.newFactory();
    }

    @Override
    ServerChannel newServer() {
      return new IoUringServerSocketChannel();
    }

    @Override
    SocketChannel newClient(InetAddress to) {
      return new IoUringSocketChannel();
    }

    @Override
    ChannelOption<Boolean> reusePort() {
      return IoUringChannelOption.SO_REUSEPORT;
    }
  };

  private final String label;

  NativeTransport(String label) {
    this.label = label;
  }

  /** Whether the native library loads on this machine. */
  public abstract boolean available();

  /** Why it does not load, when it does not. */
  public abstract Throwable unavailabilityCause();

  /** The event loop handler of this transport. */
  public abstract IoHandlerFactory ioHandler();

  abstract ServerChannel newServer();

  /** A client socket for a connection to {@code to}. */
  abstract SocketChannel newClient(InetAddress to);

  abstract ChannelOption<Boolean> reusePort();

  @Override
  public String toString() {
    return label;
  }
}
