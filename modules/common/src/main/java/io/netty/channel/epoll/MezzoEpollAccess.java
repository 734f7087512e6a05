package io.netty.channel.epoll;

import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;

/**
 * The few parts of Netty's epoll bindings that Netty keeps package-private and that Mezzo's own
 * epoll loops (the L4LB's {@code DirectEpollLoops}, the DNS's {@code DirectUdpPlane}) need: an event
 * array in native memory, a plain {@code epoll_wait} with a timeout in milliseconds, and the fields
 * of each returned event. It lives in Netty's package for that reason alone (this works on the
 * class path, where Mezzo runs); the native library comes with the modules that use it.
 */
public final class MezzoEpollAccess {
  /** {@code EPOLLHUP} as Linux defines it (Netty exposes no constant for it). */
  public static final int EPOLLHUP = 0x10;

  private MezzoEpollAccess() {
  }

  /** Room for {@code size} events returned by one {@code epoll_wait}. Free it with {@link #free}. */
  public static EpollEventArray newEventArray(int size) {
    return new EpollEventArray(size);
  }

  /** {@code epoll_wait}: how many events are ready, waiting at most {@code timeoutMillis} (-1: no limit). */
  public static int epollWait(FileDescriptor epoll, EpollEventArray events, int timeoutMillis) throws IOException {
    return Native.epollWait(epoll, events, timeoutMillis);
  }

  /** The event bits of the {@code i}-th ready event. */
  public static int events(EpollEventArray events, int i) {
    return events.events(i);
  }

  /** The file descriptor of the {@code i}-th ready event. */
  public static int fd(EpollEventArray events, int i) {
    return events.fd(i);
  }

  /** The array's capacity. */
  public static int length(EpollEventArray events) {
    return events.length();
  }

  public static void free(EpollEventArray events) {
    events.free();
  }
}
