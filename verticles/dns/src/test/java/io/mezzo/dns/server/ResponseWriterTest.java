package io.mezzo.dns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.dns.records.Answer;
import io.mezzo.dns.records.Rcode;
import io.mezzo.dns.records.Rdata;
import io.mezzo.dns.records.ResourceRecord;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replies written by {@link ResponseWriter}, read back with Netty's decoder (which follows pointers). */
class ResponseWriterTest {
  private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 5353);
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 53);

  private static Query query(String name, int type, int edns) {
    return QueryParser.parse(Unpooled.wrappedBuffer(Wire.query(77, true, name, type, 1, edns)), CLIENT, LOCAL);
  }

  private static DnsResponse decode(ByteBuf wire) {
    EmbeddedChannel ch = new EmbeddedChannel(new DatagramDnsResponseDecoder());
    ch.writeInbound(new DatagramPacket(wire, LOCAL, CLIENT));
    return ch.readInbound();
  }

  private static ResourceRecord a(String name, String ip) throws Exception {
    return new ResourceRecord(name, 60, new Rdata.Address(InetAddress.getByName(ip)));
  }

  @Test
  void answer_srvWithTargetAddress_namesCompressedAndReadBack() throws Exception {
    Query q = query("_Web._tcp.App.mesos.", 33, -1);
    ResourceRecord srv = new ResourceRecord("_web._tcp.app.mesos.", 60, new Rdata.Srv(0, 1, 8080, "web-abcde-s1.app.mesos."));
    ResourceRecord target = a("web-abcde-s1.app.mesos.", "10.0.0.9");
    ByteBuf buf = Unpooled.buffer();
    new ResponseWriter().answer(q, new Answer(true, Rcode.NOERROR, List.of(srv), List.of(), List.of(target)), true,
        true, buf);
    int size = buf.readableBytes();
    DnsResponse r = decode(buf);
    assertThat(r.id()).isEqualTo(77);
    assertThat(r.isAuthoritativeAnswer()).isTrue();
    assertThat(r.isRecursionAvailable()).isTrue();
    // the owner points at the question, so it reads back in the client's spelling
    assertThat(r.<DnsRawRecord>recordAt(DnsSection.ANSWER, 0).name()).isEqualTo("_Web._tcp.App.mesos.");
    DnsRawRecord extra = r.recordAt(DnsSection.ADDITIONAL, 0);
    assertThat(extra.name()).isEqualTo("web-abcde-s1.app.mesos.");
    assertThat(extra.content().readInt()).isEqualTo(0x0A000009);
    // header, question (21 + 4), SRV (pointer + 10 + 6 + the target in full, 24), A (pointer to the target + 10 + 4)
    assertThat(size).isEqualTo(12 + 25 + 42 + 16);
    r.release();
  }

  @Test
  void answer_moreAddressesThanFit512Bytes_prefixWithTcAndCounts() throws Exception {
    Query q = query("big.app.mesos.", 1, -1);
    List<ResourceRecord> many = new ArrayList<>();
    for (int i = 1; i <= 60; i++) {
      many.add(a("big.app.mesos.", "10.1.0." + i));
    }
    ResourceRecord soa = new ResourceRecord("mesos.", 60, new Rdata.Soa("ns1.mesos.", "root.ns1.mesos.", 1, 60, 600,
        86400, 60));
    ByteBuf buf = Unpooled.buffer();
    new ResponseWriter().answer(q, new Answer(true, Rcode.NOERROR, many, List.of(soa), List.of()), false, true, buf);
    assertThat(buf.readableBytes()).isLessThanOrEqualTo(512);
    DnsResponse r = decode(buf);
    int fit = (512 - 12 - 19) / 16;
    assertThat(r.isTruncated()).isTrue();
    assertThat(r.count(DnsSection.ANSWER)).isEqualTo(fit);
    assertThat(r.count(DnsSection.AUTHORITY)).isZero();
    r.release();
  }

  @Test
  void error_malformedQuery_formerrWithoutQuestion() {
    Query bad = QueryParser.parse(Unpooled.wrappedBuffer(new byte[] {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0}),
        CLIENT, LOCAL);
    ByteBuf buf = Unpooled.buffer();
    new ResponseWriter().error(bad, Rcode.FORMERR, false, buf);
    assertThat(buf.readableBytes()).isEqualTo(12);
    assertThat(buf.getUnsignedShort(0)).isEqualTo(0x1234);
    assertThat(buf.getUnsignedShort(2)).isEqualTo(0x8000 | 0x0100 | 1);
    assertThat(buf.getUnsignedShort(4)).isZero();
  }
}
