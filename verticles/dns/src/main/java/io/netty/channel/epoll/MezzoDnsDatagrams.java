package io.netty.channel.epoll;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The parts of Netty's epoll bindings that Netty keeps package-private and that Mezzo's direct DNS
 * datagram loop ({@code io.mezzo.dns.server.DirectUdpPlane}) needs: {@code recvmmsg} and
 * {@code sendmmsg} over message headers whose fields are read and set in place (no address objects
 * per datagram), and a plain {@code epoll_wait}. It lives in Netty's package for that reason alone
 * (this works on the class path, where Mezzo runs).
 *
 * <p>A message header points at one iovec (the caller's memory) and holds an address as 16 bytes:
 * IPv4 as an IPv4-mapped IPv6 address when sending, 4 bytes when received on an IPv4 socket.
 */
public final class MezzoDnsDatagrams {
  private static final VarHandle MEMORY;
  private static final VarHandle COUNT;
  private static final VarHandle SENDER_ADDR;
  private static final VarHandle SENDER_LEN;
  private static final VarHandle SENDER_PORT;
  private static final VarHandle SENDER_SCOPE;
  private static final VarHandle RECIPIENT_ADDR;
  private static final VarHandle RECIPIENT_LEN;
  private static final VarHandle RECIPIENT_PORT;
  private static final VarHandle RECIPIENT_SCOPE;
  private static final VarHandle SEGMENT;

  static {
    try {
      Class<?> c = NativeDatagramPacketArray.NativeDatagramPacket.class;
      MethodHandles.Lookup l = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
      MEMORY = l.findVarHandle(c, "memoryAddress", long.class);
      COUNT = l.findVarHandle(c, "count", int.class);
      SENDER_ADDR = l.findVarHandle(c, "senderAddr", byte[].class);
      SENDER_LEN = l.findVarHandle(c, "senderAddrLen", int.class);
      SENDER_PORT = l.findVarHandle(c, "senderPort", int.class);
      SENDER_SCOPE = l.findVarHandle(c, "senderScopeId", int.class);
      RECIPIENT_ADDR = l.findVarHandle(c, "recipientAddr", byte[].class);
      RECIPIENT_LEN = l.findVarHandle(c, "recipientAddrLen", int.class);
      RECIPIENT_PORT = l.findVarHandle(c, "recipientPort", int.class);
      RECIPIENT_SCOPE = l.findVarHandle(c, "recipientScopeId", int.class);
      SEGMENT = l.findVarHandle(c, "segmentSize", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private MezzoDnsDatagrams() {
  }

  /** {@code n} message headers, each to be pointed at one iovec with {@link #prepare}. */
  public static Object[] headers(int n) {
    NativeDatagramPacketArray array = new NativeDatagramPacketArray();
    NativeDatagramPacketArray.NativeDatagramPacket[] all = array.packets();
    NativeDatagramPacketArray.NativeDatagramPacket[] some = new NativeDatagramPacketArray.NativeDatagramPacket[n];
    System.arraycopy(all, 0, some, 0, n);
    array.release();
    return some;
  }

  /** Points header {@code i} at the single iovec at {@code iovAddress}, with no address or segmenting. */
  public static void prepare(Object[] headers, int i, long iovAddress) {
    Object h = headers[i];
    MEMORY.set(h, iovAddress);
    COUNT.set(h, 1);
    SEGMENT.set(h, 0);
    RECIPIENT_LEN.set(h, 0);
    RECIPIENT_PORT.set(h, 0);
    RECIPIENT_SCOPE.set(h, 0);
  }

  /** Makes header {@code i} ready for the next receive (the kernel's byte count replaced the iovec count). */
  public static void rearm(Object[] headers, int i) {
    COUNT.set(headers[i], 1);
  }

  /** {@code recvmmsg} into the first {@code n} headers: how many datagrams came (0: none waiting). */
  public static int recvmmsg(LinuxSocket socket, Object[] headers, int n) throws IOException {
    return socket.recvmmsg((NativeDatagramPacketArray.NativeDatagramPacket[]) headers, 0, n);
  }

  /** {@code sendmmsg} of headers {@code from} to {@code from + n - 1}: how many went (0: the socket is full). */
  public static int sendmmsg(LinuxSocket socket, Object[] headers, int from, int n) throws IOException {
    return socket.sendmmsg((NativeDatagramPacketArray.NativeDatagramPacket[]) headers, from, n);
  }

  /** Bytes received into header {@code i}. */
  public static int received(Object[] headers, int i) {
    return (int) COUNT.get(headers[i]);
  }

  /** The sender's address bytes of header {@code i} (the first {@link #senderLength} count). */
  public static byte[] sender(Object[] headers, int i) {
    return (byte[]) SENDER_ADDR.get(headers[i]);
  }

  public static int senderLength(Object[] headers, int i) {
    return (int) SENDER_LEN.get(headers[i]);
  }

  public static int senderPort(Object[] headers, int i) {
    return (int) SENDER_PORT.get(headers[i]);
  }

  public static int senderScope(Object[] headers, int i) {
    return (int) SENDER_SCOPE.get(headers[i]);
  }

  /**
   * Addresses header {@code i} to {@code address} (4 or 16 bytes, of which {@code length} count) and
   * {@code port}, sending {@code bytes} bytes of its iovec at {@code iovAddress}.
   */
  public static void address(Object[] headers, int i, long iovAddress, byte[] address, int length, int port, int scope) {
    Object h = headers[i];
    MEMORY.set(h, iovAddress);
    COUNT.set(h, 1);
    byte[] to = (byte[]) RECIPIENT_ADDR.get(h);
    if (length == 4) {
      for (int b = 0; b < 10; b++) {
        to[b] = 0;
      }
      to[10] = (byte) 0xFF;
      to[11] = (byte) 0xFF;
      System.arraycopy(address, 0, to, 12, 4);
    } else {
      System.arraycopy(address, 0, to, 0, 16);
    }
    RECIPIENT_LEN.set(h, 16);
    RECIPIENT_PORT.set(h, port);
    RECIPIENT_SCOPE.set(h, scope);
  }
}
