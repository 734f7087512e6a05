package io.mezzo.dns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class QueryParserTest {
  private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 5353);
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 53);

  private static Query parse(byte[] bytes) {
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    Query q = QueryParser.parse(buf, CLIENT, LOCAL);
    assertThat(buf.readerIndex()).isZero();
    return q;
  }

  /** Header with the given id, flags and counts, followed by {@code body} (each value one byte). */
  static byte[] message(int id, int flags, int qd, int an, int ns, int ar, int... body) {
    byte[] bytes = new byte[body.length];
    for (int i = 0; i < body.length; i++) {
      bytes[i] = (byte) body[i];
    }
    return message(id, flags, qd, an, ns, ar, bytes);
  }

  static byte[] message(int id, int flags, int qd, int an, int ns, int ar, byte[] body) {
    ByteBuf b = Unpooled.buffer().writeShort(id).writeShort(flags).writeShort(qd).writeShort(an).writeShort(ns)
        .writeShort(ar).writeBytes(body);
    return Arrays.copyOf(b.array(), b.writerIndex());
  }

  @Test
  void parse_validQueryWithEdns_lowerCaseNameQuestionEchoAndPayloadSize() {
    byte[] q = Wire.query(0x1234, true, "Nginx.Marathon.MESOS.", 33, 1, 1400);
    Query parsed = parse(q);
    assertThat(parsed.malformed()).isFalse();
    assertThat(parsed.id()).isEqualTo(0x1234);
    assertThat(parsed.rd()).isTrue();
    assertThat(parsed.name()).isEqualTo("nginx.marathon.mesos.");
    assertThat(parsed.type()).isEqualTo(33);
    assertThat(parsed.dnsClass()).isEqualTo(1);
    assertThat(parsed.edns()).isEqualTo(1400);
    assertThat(parsed.question()).isEqualTo(Arrays.copyOfRange(q, 12, 12 + 22 + 4));
    assertThat(parsed.limit()).isEqualTo(1400);
  }

  @Test
  void parse_shorterThanHeaderOrEmpty_dropped() {
    assertThat(parse(new byte[0])).isNull();
    assertThat(parse(new byte[11])).isNull();
  }

  @Test
  void parse_responseBitSet_droppedSoReflectedRepliesCannotLoop() {
    byte[] q = Wire.query(7, false, "leader.mesos.", 1, 1, -1);
    q[2] |= (byte) 0x80;
    assertThat(parse(q)).isNull();
  }

  @Test
  void parse_headerOnlyOrQuestionCountNotOne_formerrKeepingIdAndRd() {
    Query none = parse(message(0xBEEF, 0x0100, 0, 0, 0, 0));
    assertThat(none.malformed()).isTrue();
    assertThat(none.id()).isEqualTo(0xBEEF);
    assertThat(none.rd()).isTrue();
    byte[] one = Wire.query(9, false, "a.mesos.", 1, 1, -1);
    one[5] = 2;
    assertThat(parse(one).malformed()).isTrue();
  }

  @Test
  void parse_countsLargerThanThePacket_formerr() {
    byte[] q = Wire.query(9, false, "a.mesos.", 1, 1, -1);
    q[6] = (byte) 0xFF;
    q[7] = (byte) 0xFF;
    assertThat(parse(q).malformed()).isTrue();
    byte[] r = Wire.query(9, false, "a.mesos.", 1, 1, -1);
    r[11] = 3;
    assertThat(parse(r).malformed()).isTrue();
  }

  @Test
  void parse_compressionPointerInQuestion_formerrWithoutFollowingIt() {
    // the name points at itself: a loop for a decoder that follows pointers
    assertThat(parse(message(1, 0, 1, 0, 0, 0, (byte) 0xC0, 12, 0, 1, 0, 1)).malformed()).isTrue();
    assertThat(parse(message(1, 0, 1, 0, 0, 0, (byte) 1, (byte) 'a', (byte) 0xC0, 12, 0, 1, 0, 1)).malformed()).isTrue();
  }

  @Test
  void parse_pointerLoopInAnotherSection_skippedNotFollowed() {
    byte[] q = Wire.query(3, false, "a.mesos.", 1, 1, -1);
    q[9] = 1; // one authority record whose owner is a pointer to itself
    int at = q.length;
    byte[] rr = {(byte) 0xC0, (byte) at, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1};
    byte[] all = Arrays.copyOf(q, q.length + rr.length);
    System.arraycopy(rr, 0, all, at, rr.length);
    Query parsed = parse(all);
    assertThat(parsed.malformed()).isFalse();
    assertThat(parsed.name()).isEqualTo("a.mesos.");
  }

  @Test
  void parse_labelOver63OrOfReservedKind_formerr() {
    byte[] label = new byte[1 + 64 + 1 + 4];
    label[0] = 64;
    Arrays.fill(label, 1, 65, (byte) 'a');
    label[67] = 1;
    label[69] = 1;
    assertThat(parse(message(1, 0, 1, 0, 0, 0, label)).malformed()).isTrue();
    assertThat(parse(message(1, 0, 1, 0, 0, 0, (byte) 0x41, (byte) 'a', 0, 0, 1, 0, 1)).malformed()).isTrue();
  }

  @Test
  void parse_nameOver255Bytes_formerr() {
    String label = "a".repeat(63);
    String name = label + "." + label + "." + label + "." + label + ".";
    ByteBuf b = Unpooled.buffer().writeShort(1).writeShort(0).writeShort(1).writeZero(6);
    Wire.writeName(name, b);
    b.writeShort(1).writeShort(1);
    assertThat(parse(Arrays.copyOf(b.array(), b.writerIndex())).malformed()).isTrue();
    String fits = label + "." + label + "." + label + "." + "a".repeat(61) + ".";
    assertThat(parse(Wire.query(1, false, fits, 1, 1, -1)).name()).isEqualTo(fits);
  }

  @Test
  void parse_truncatedNameOrTypeOrBinaryLabel_formerr() {
    byte[] q = Wire.query(5, false, "leader.mesos.", 1, 1, -1);
    for (int cut = 12; cut < q.length; cut++) {
      assertThat(parse(Arrays.copyOf(q, cut)).malformed()).as("cut at %d", cut).isTrue();
    }
    assertThat(parse(message(1, 0, 1, 0, 0, 0, (byte) 2, (byte) 'a', (byte) 0, 0, 0, 1, 0, 1)).malformed()).isTrue();
    assertThat(parse(message(1, 0, 1, 0, 0, 0, (byte) 3, (byte) 'a', (byte) '.', (byte) 'b', 0, 0, 1, 0, 1)).malformed())
        .isTrue();
  }

  @Test
  void parse_otherOpcode_noQuestionButOpcodeKeptForNotimp() {
    byte[] q = Wire.query(5, false, "leader.mesos.", 1, 1, -1);
    q[2] |= (byte) (2 << 3);
    Query parsed = parse(q);
    assertThat(parsed.opcode()).isEqualTo(2);
    assertThat(parsed.malformed()).isTrue();
  }

  @Test
  void parse_twoOptRecords_formerr() {
    byte[] q = Wire.query(5, false, "leader.mesos.", 1, 1, 1232);
    byte[] opt = Arrays.copyOfRange(q, q.length - 11, q.length);
    byte[] two = Arrays.copyOf(q, q.length + 11);
    System.arraycopy(opt, 0, two, q.length, 11);
    two[11] = 2;
    assertThat(parse(two).malformed()).isTrue();
  }
}
