package io.mezzo.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A toy resolver on loopback (UDP and TCP, same port) standing in for the outside world: any name
 * ending in {@code example.test} has A 192.0.2.7, everything else is NXDOMAIN.
 */
final class TinyUpstream implements AutoCloseable {
  static final byte[] ADDRESS = {(byte) 192, 0, 2, 7};

  private final DatagramSocket udp;
  private final ServerSocket tcp;
  final AtomicInteger queries = new AtomicInteger();

  TinyUpstream() throws IOException {
    InetAddress lo = InetAddress.getLoopbackAddress();
    ServerSocket server = null;
    DatagramSocket socket = null;
    for (int i = 0; i < 10 && server == null; i++) {
      socket = new DatagramSocket(0, lo);
      try {
        server = new ServerSocket(socket.getLocalPort(), 50, lo);
      } catch (IOException e) {
        socket.close();
      }
    }
    udp = socket;
    tcp = server;
    Thread u = new Thread(this::serveUdp, "tiny-upstream-udp");
    u.setDaemon(true);
    u.start();
    Thread t = new Thread(this::serveTcp, "tiny-upstream-tcp");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return udp.getLocalPort();
  }

  private void serveUdp() {
    byte[] buf = new byte[1500];
    while (!udp.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        udp.receive(p);
        byte[] reply = answer(Arrays.copyOf(p.getData(), p.getLength()));
        if (reply != null) {
          udp.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
        }
      } catch (IOException e) {
        // closed, or a bad packet
      }
    }
  }

  private void serveTcp() {
    while (!tcp.isClosed()) {
      try (Socket s = tcp.accept()) {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] query = new byte[in.readUnsignedShort()];
        in.readFully(query);
        byte[] reply = answer(query);
        if (reply != null) {
          DataOutputStream out = new DataOutputStream(s.getOutputStream());
          out.writeShort(reply.length);
          out.write(reply);
          out.flush();
        }
      } catch (IOException e) {
        // closed, or a bad connection
      }
    }
  }

  private byte[] answer(byte[] q) {
    queries.incrementAndGet();
    if (q.length < 17) {
      return null;
    }
    StringBuilder name = new StringBuilder();
    int i = 12;
    while (i < q.length && q[i] != 0) {
      int len = q[i] & 0xff;
      if (len > 63 || i + 1 + len > q.length) {
        return null;
      }
      name.append(new String(q, i + 1, len, java.nio.charset.StandardCharsets.US_ASCII)).append('.');
      i += 1 + len;
    }
    int questionEnd = i + 5;
    if (questionEnd > q.length) {
      return null;
    }
    boolean known = name.toString().toLowerCase().endsWith("example.test.");
    byte[] r = Arrays.copyOf(q, questionEnd + (known ? 16 : 0));
    r[2] = (byte) (0x80 | (q[2] & 0x01)); // QR, RD copied
    r[3] = (byte) (0x80 | (known ? 0 : 3)); // RA, NOERROR or NXDOMAIN
    r[4] = 0;
    r[5] = 1;
    r[6] = 0;
    r[7] = (byte) (known ? 1 : 0);
    Arrays.fill(r, 8, 12, (byte) 0);
    if (known) {
      byte[] rr = {(byte) 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, ADDRESS[0], ADDRESS[1], ADDRESS[2], ADDRESS[3]};
      System.arraycopy(rr, 0, r, questionEnd, rr.length);
    }
    return r;
  }

  @Override
  public void close() throws IOException {
    udp.close();
    tcp.close();
  }
}
