package io.mezzo.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.dns.MalformedPackets.Kind;
import io.mezzo.dns.server.Wire;
import io.mezzo.mesos.client.cluster.ClusterStateSource;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Malformed messages against a real server on loopback (forwarding to a toy upstream on loopback):
 * every kind gets FORMERR or silence over UDP and TCP, and a seeded flood of them over both, bounded
 * in time and count, leaves good queries answered as fast as before.
 */
@ExtendWith(VertxExtension.class)
class DnsFuzzIT {
  private static final InetAddress LO = InetAddress.getLoopbackAddress();
  private static final long FUZZ_NANOS = TimeUnit.SECONDS.toNanos(3);
  private static final int FUZZ_MAX_PACKETS = 30_000;
  private static TinyUpstream upstream;
  static DnsVerticle server;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    upstream = new TinyUpstream();
    server = DnsServerIT.deploy(vertx, ClusterStateSource.fixed(Fixtures.state()),
        new JsonObject().put("upstreams", new JsonArray().add("127.0.0.1:" + upstream.port())));
  }

  @AfterAll
  static void stop() throws IOException {
    if (upstream != null) {
      upstream.close();
    }
  }

  private static int id(byte[] m) {
    return (m[0] & 0xff) << 8 | (m[1] & 0xff);
  }

  private static void assertFormerr(byte[] reply, int id, Kind kind) {
    assertThat(reply).as("reply to %s", kind).isNotNull();
    assertThat(id(reply)).as("id of the reply to %s", kind).isEqualTo(id);
    assertThat(reply[2] & 0x80).as("QR").isNotZero();
    assertThat(reply[3] & 0x0f).as("rcode of the reply to %s", kind).isEqualTo(1);
  }

  @Test
  void udp_eachMalformedKind_formerrWhenTheHeaderIsReadableElseSilence() throws Exception {
    Random rnd = new Random(7);
    try (DatagramSocket s = new DatagramSocket()) {
      for (Kind kind : Kind.values()) {
        int id = 0x1000 + kind.ordinal();
        byte[] m = MalformedPackets.of(kind, rnd, id);
        s.setSoTimeout(kind.formerr ? 2000 : 300);
        s.send(new DatagramPacket(m, m.length, LO, server.dnsPort()));
        byte[] reply = receive(s);
        if (kind.formerr) {
          assertFormerr(reply, id, kind);
        } else {
          assertThat(reply).as("reply to %s", kind).isNull();
        }
      }
    }
    assertThat(goodUdpQuery(new DatagramSocket(), 0x4242)).isTrue();
  }

  @Test
  void tcp_eachMalformedKind_formerrOnTheSameConnectionElseClosed() throws Exception {
    Random rnd = new Random(11);
    for (Kind kind : Kind.values()) {
      if (kind == Kind.ZERO_LENGTH) {
        continue; // covered below: a zero-length frame
      }
      try (Socket c = new Socket(LO, server.dnsPort())) {
        c.setSoTimeout(2000);
        DataOutputStream out = new DataOutputStream(c.getOutputStream());
        DataInputStream in = new DataInputStream(c.getInputStream());
        int id = 0x2000 + kind.ordinal();
        byte[] m = MalformedPackets.of(kind, rnd, id);
        out.writeShort(m.length);
        out.write(m);
        if (kind.formerr) {
          assertFormerr(readFrame(in), id, kind);
          byte[] good = Wire.query(0x4343, false, "leader.mesos.", 1, 1, -1);
          out.writeShort(good.length);
          out.write(good);
          byte[] answer = readFrame(in);
          assertThat(id(answer)).as("good query after %s", kind).isEqualTo(0x4343);
          assertThat(answer[3] & 0x0f).isZero();
        } else {
          assertThat(in.read()).as("connection after %s", kind).isEqualTo(-1);
        }
      }
    }
    try (Socket c = new Socket(LO, server.dnsPort())) {
      c.setSoTimeout(2000);
      c.getOutputStream().write(new byte[] {0, 0});
      assertThat(c.getInputStream().read()).as("connection after a zero-length frame").isEqualTo(-1);
    }
  }

  /**
   * Good queries, one at a time over UDP, before and while one thread sends a mix of malformed
   * datagrams and another malformed TCP frames. The good ones must all be answered, and not much slower.
   */
  @Test
  void flood_malformedUdpAndTcpForThreeSeconds_goodQueriesAnsweredThroughout() throws Exception {
    Latencies before = measure(TimeUnit.SECONDS.toNanos(1));
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger udpSent = new AtomicInteger();
    AtomicInteger tcpSent = new AtomicInteger();
    Thread udp = new Thread(() -> fuzzUdp(running, udpSent), "fuzz-udp");
    Thread tcp = new Thread(() -> fuzzTcp(running, tcpSent), "fuzz-tcp");
    udp.start();
    tcp.start();
    Latencies during;
    try {
      during = measure(FUZZ_NANOS);
    } finally {
      running.set(false);
      udp.join(5000);
      tcp.join(5000);
    }
    System.out.printf("good queries before the fuzz: %s%nduring (%d malformed datagrams, %d TCP frames): %s%n",
        before, udpSent.get(), tcpSent.get(), during);
    assertThat(udpSent.get()).isGreaterThan(1000);
    assertThat(tcpSent.get()).isGreaterThan(300);
    assertThat(during.lost).as("good queries unanswered during the fuzz").isLessThanOrEqualTo(during.answered / 100);
    assertThat(during.answered).as("good queries answered during the fuzz").isGreaterThan(500);
    assertThat(during.percentile(99)).as("p99 ms during the fuzz").isLessThan(Math.max(50, 10 * before.percentile(99)));
    assertThat(goodUdpQuery(new DatagramSocket(), 0x4444)).isTrue();
    assertThat(DnsServerIT.dig(server, "nginx.marathon.mesos", "A", "+short").strip()).isEqualTo("9.0.0.5");
  }

  private static final class Latencies {
    final List<Double> millis = new ArrayList<>();
    int answered;
    int lost;

    double percentile(int p) {
      if (millis.isEmpty()) {
        return Double.MAX_VALUE;
      }
      List<Double> sorted = new ArrayList<>(millis);
      Collections.sort(sorted);
      return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
    }

    @Override
    public String toString() {
      return String.format("%d answered, %d lost, p50 %.2f ms, p99 %.2f ms, max %.2f ms", answered, lost,
          percentile(50), percentile(99), millis.isEmpty() ? 0 : Collections.max(millis));
    }
  }

  private static Latencies measure(long nanos) throws IOException {
    Latencies l = new Latencies();
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(500);
      long end = System.nanoTime() + nanos;
      int id = 0;
      while (System.nanoTime() < end) {
        long t0 = System.nanoTime();
        if (goodUdpQuery(s, ++id & 0xffff)) {
          l.answered++;
          l.millis.add((System.nanoTime() - t0) / 1e6);
        } else {
          l.lost++;
        }
      }
    }
    return l;
  }

  /** Asks for {@code nginx.marathon.mesos} A once; true when the right answer came back. */
  private static boolean goodUdpQuery(DatagramSocket s, int id) throws IOException {
    byte[] q = Wire.query(id, true, "nginx.marathon.mesos.", 1, 1, -1);
    if (s.getSoTimeout() == 0) {
      s.setSoTimeout(2000);
    }
    s.send(new DatagramPacket(q, q.length, LO, server.dnsPort()));
    while (true) {
      byte[] reply = receive(s);
      if (reply == null) {
        return false;
      }
      if (id(reply) == id) { // a late reply to an earlier, timed-out query has another id
        return (reply[3] & 0x0f) == 0 && reply[7] == 1 && Arrays.equals(
            Arrays.copyOfRange(reply, reply.length - 4, reply.length), new byte[] {9, 0, 0, 5});
      }
    }
  }

  private static byte[] receive(DatagramSocket s) throws IOException {
    DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
    try {
      s.receive(p);
      return Arrays.copyOf(p.getData(), p.getLength());
    } catch (SocketTimeoutException e) {
      return null;
    }
  }

  private static byte[] readFrame(DataInputStream in) throws IOException {
    int length = in.readUnsignedShort();
    byte[] m = new byte[length];
    in.readFully(m);
    return m;
  }

  private static void fuzzUdp(AtomicBoolean running, AtomicInteger sent) {
    Random rnd = new Random(20250101L);
    long end = System.nanoTime() + FUZZ_NANOS;
    try (DatagramSocket s = new DatagramSocket()) {
      while (running.get() && System.nanoTime() < end && sent.get() < FUZZ_MAX_PACKETS) {
        byte[] m = MalformedPackets.any(rnd);
        s.send(new DatagramPacket(m, m.length, LO, server.dnsPort()));
        sent.incrementAndGet();
        LockSupport.parkNanos(100_000);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Malformed frames over TCP, reconnecting whenever the server closes the connection; replies are skipped unread. */
  private static void fuzzTcp(AtomicBoolean running, AtomicInteger sent) {
    Random rnd = new Random(20250102L);
    long end = System.nanoTime() + FUZZ_NANOS;
    while (running.get() && System.nanoTime() < end && sent.get() < FUZZ_MAX_PACKETS) {
      try (Socket c = new Socket(LO, server.dnsPort())) {
        DataOutputStream out = new DataOutputStream(c.getOutputStream());
        while (running.get() && System.nanoTime() < end) {
          byte[] m = MalformedPackets.any(rnd);
          out.writeShort(m.length);
          out.write(m);
          sent.incrementAndGet();
          c.getInputStream().skip(c.getInputStream().available());
          LockSupport.parkNanos(200_000);
        }
      } catch (IOException e) {
        // the server closed the connection after an unreadable frame: start over on a new one
      }
    }
  }
}
