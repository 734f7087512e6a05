package io.mezzo.dns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.dns.Fixtures;
import io.mezzo.dns.records.DnsRecords;
import io.mezzo.dns.records.Lookup;
import io.mezzo.dns.records.RecordBuilder;
import io.mezzo.dns.records.RecordsOptions;
import io.mezzo.mesos.client.cluster.ClusterState;
import io.mezzo.mesos.client.cluster.Task;
import io.mezzo.mesos.client.cluster.TaskEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** UDP replies through {@link QueryHandler} with its {@link ReplyCache}: what a client sees on repeated questions. */
class ReplyCacheTest {
  private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 5353);
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 53);
  private static final int TASKS = 8;

  private final AtomicReference<DnsRecords> records = new AtomicReference<>();
  private EmbeddedChannel channel;

  @BeforeEach
  void start() {
    records.set(build(Fixtures.state()));
    QueryHandler.Settings settings = new QueryHandler.Settings(records::get, new Lookup(new Random(3)),
        (query, tcp, done) -> done.accept(null, new IllegalStateException("no upstream")), false, true);
    channel = new EmbeddedChannel(QueryHandler.udpPipeline(settings));
  }

  private static DnsRecords build(ClusterState state) {
    for (int i = 1; i <= TASKS; i++) {
      state = state.apply(new TaskEvent.TaskAdded(new Task("many." + i, "many", "fw-marathon-0001",
          "20250101-000000-16777226-5050-1-S1", Task.RUNNING, null, List.of("10.2.0." + i), null, List.of(), List.of(), Map.of())));
    }
    return new RecordBuilder(RecordsOptions.defaults(), Fixtures.CLOCK).build(state);
  }

  private byte[] ask(int id, boolean rd, String name, int edns) {
    channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(Wire.query(id, rd, name, 1, 1, edns)), LOCAL, CLIENT));
    channel.flushOutbound();
    DatagramPacket reply = channel.readOutbound();
    assertThat(reply).as("a reply to %s", name).isNotNull();
    assertThat(reply.recipient()).isEqualTo(CLIENT);
    byte[] bytes = ByteBufUtil.getBytes(reply.content());
    reply.release();
    return bytes;
  }

  private static int id(byte[] r) {
    return (r[0] & 0xff) << 8 | (r[1] & 0xff);
  }

  private static String lastAddress(byte[] r) {
    return (r[r.length - 4] & 0xff) + "." + (r[r.length - 3] & 0xff) + "." + (r[r.length - 2] & 0xff) + "."
        + (r[r.length - 1] & 0xff);
  }

  @Test
  void repeatedQuestion_getsItsOwnIdRdBitAndSpelling() {
    byte[] first = ask(1, true, "nginx.marathon.mesos.", -1);
    byte[] second = ask(2, false, "NGINX.Marathon.mesos.", -1);
    assertThat(id(first)).isEqualTo(1);
    assertThat(id(second)).isEqualTo(2);
    assertThat(first[2] & 1).as("RD echoed").isEqualTo(1);
    assertThat(second[2] & 1).as("RD echoed").isEqualTo(0);
    assertThat(new String(second, 13, 5, StandardCharsets.US_ASCII)).isEqualTo("NGINX");
    assertThat(lastAddress(second)).isEqualTo("9.0.0.5");
    // apart from ID, RD and the spelling of the question, the replies are the same
    second[1] = first[1];
    second[2] = first[2];
    System.arraycopy(first, 12, second, 12, 21);
    assertThat(second).isEqualTo(first);
  }

  @Test
  void ednsAndPlainQuestions_areCachedApart() {
    byte[] plain = ask(1, true, "nginx.marathon.mesos.", -1);
    byte[] edns = ask(2, true, "nginx.marathon.mesos.", 1232);
    assertThat(edns[11]).as("OPT in the additional section").isEqualTo((byte) 1);
    assertThat(plain[11]).isEqualTo((byte) 0);
    assertThat(ask(3, true, "nginx.marathon.mesos.", -1)[11]).isEqualTo((byte) 0);
  }

  @Test
  void newSnapshot_isAnsweredFromTheNewRecordsAtOnce() {
    assertThat(ask(1, true, "late.kafka.mesos.", -1)[3] & 0x0f).as("NXDOMAIN").isEqualTo(3);
    records.set(build(Fixtures.state().apply(new TaskEvent.TaskAdded(new Task("late.1", "late", "fw-kafka-0003",
        "20250101-000000-16777226-5050-1-S2", Task.RUNNING, null, List.of("10.3.0.1"), null, List.of(), List.of(), Map.of())))));
    byte[] after = ask(2, true, "late.kafka.mesos.", -1);
    assertThat(after[3] & 0x0f).isEqualTo(0);
    assertThat(lastAddress(after)).isEqualTo("10.3.0.1");
  }

  @Test
  void severalAnswers_comeInChangingOrders() {
    Set<String> orders = new HashSet<>();
    Set<String> firsts = new HashSet<>();
    for (int i = 0; i < 3 * ReplyCache.REUSES; i++) {
      byte[] r = ask(i, true, "many.marathon.mesos.", -1);
      assertThat(r[7]).as("answer count").isEqualTo((byte) TASKS);
      // each A record is 16 bytes (pointer, type, class, TTL, length, address); the first starts after the question
      StringBuilder order = new StringBuilder();
      for (int a = 0; a < TASKS; a++) {
        order.append(r[12 + 25 + a * 16 + 15]).append(',');
      }
      orders.add(order.toString());
      firsts.add(order.substring(0, order.indexOf(",")));
    }
    assertThat(orders.size()).as("distinct answer orders over %d replies", 3 * ReplyCache.REUSES)
        .isGreaterThan(ReplyCache.SHUFFLES);
    assertThat(firsts.size()).as("distinct first answers").isGreaterThan(2);
  }

  @Test
  void cachedQuestion_inABrokenMessage_stillGetsFormerr() {
    byte[] good = Wire.query(1, true, "nginx.marathon.mesos.", 1, 1, -1);
    assertThat(ask(1, true, "nginx.marathon.mesos.", -1)[3] & 0x0f).isEqualTo(0);
    byte[] countsPastTheEnd = good.clone();
    countsPastTheEnd[11] = 1; // one additional record that is not there
    byte[] answerCount = good.clone();
    answerCount[7] = 1; // an answer record in a query, also not there
    byte[] spaceInLabel = good.clone();
    spaceInLabel[14] = ' ';
    for (byte[] bad : List.of(countsPastTheEnd, answerCount, spaceInLabel)) {
      channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(bad), LOCAL, CLIENT));
      channel.flushOutbound();
      DatagramPacket reply = channel.readOutbound();
      assertThat(reply.content().getByte(3) & 0x0f).as("FORMERR").isEqualTo(1);
      assertThat(reply.content().getShort(4)).as("no question echoed").isEqualTo((short) 0);
      reply.release();
    }
    assertThat(ask(2, true, "nginx.marathon.mesos.", -1)[3] & 0x0f).as("still answered").isEqualTo(0);
  }
}
