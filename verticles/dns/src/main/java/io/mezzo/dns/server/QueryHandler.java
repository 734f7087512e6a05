package io.mezzo.dns.server;

import io.mezzo.dns.records.Answer;
import io.mezzo.dns.records.DnsRecords;
import io.mezzo.dns.records.Lookup;
import io.mezzo.dns.records.Rcode;
import io.mezzo.dns.records.ResourceRecord;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers decoded queries: our zones from the current snapshot, everything else through the
 * {@link UpstreamResolver}. Sits between the query decoder and the response encoder, so responses
 * written to the channel are encoded, while relayed upstream bytes are written from this handler's
 * context and pass the encoder by. UDP answers are cut to 512 bytes, or to the client's EDNS0 size,
 * with TC set when answers had to go, so clients retry over TCP.
 */
public final class QueryHandler extends SimpleChannelInboundHandler<DnsQuery> {
  private static final Logger LOG = Logger.getLogger(QueryHandler.class.getName());
  static final int UDP_MIN = 512;
  static final int UDP_MAX = 4096;
  static final int OUR_EDNS_SIZE = 1232;
  private static final int OPT_SIZE = 11;
  private static final int CLASS_ANY = 255;

  /** What the handler needs from the server; shared by every channel. */
  public record Settings(Supplier<DnsRecords> records, Lookup lookup, UpstreamResolver upstream, boolean forward,
                         boolean truncate) {
  }

  private final Settings settings;
  private final CompressingRecordEncoder sizer = new CompressingRecordEncoder(0);

  public QueryHandler(Settings settings) {
    this.settings = settings;
  }

  /** The parts of a query that outlive the decoded message (which is released after channelRead). */
  private record Request(boolean tcp, InetSocketAddress client, InetSocketAddress local, int id, DnsOpCode opCode,
                         boolean rd, DnsQuestion question, int edns) {
    int limit() {
      if (tcp) {
        return 65_535;
      }
      return edns < 0 ? UDP_MIN : Math.max(UDP_MIN, Math.min(UDP_MAX, edns));
    }
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DnsQuery query) {
    boolean tcp = !(query instanceof DatagramDnsQuery);
    InetSocketAddress client = tcp ? null : ((DatagramDnsQuery) query).sender();
    InetSocketAddress local = tcp ? null : ((DatagramDnsQuery) query).recipient();
    int edns = -1;
    for (int i = 0; i < query.count(DnsSection.ADDITIONAL); i++) {
      DnsRecord r = query.recordAt(DnsSection.ADDITIONAL, i);
      if (r.type() == DnsRecordType.OPT) {
        edns = r.dnsClass();
      }
    }
    DnsQuestion question = query.count(DnsSection.QUESTION) == 1 ? query.recordAt(DnsSection.QUESTION) : null;
    Request req = new Request(tcp, client, local, query.id(), query.opCode(), query.isRecursionDesired(), question,
        edns);
    if (!DnsOpCode.QUERY.equals(query.opCode())) {
      reply(ctx, req, Rcode.NOTIMP, false);
      return;
    }
    if (question == null) {
      reply(ctx, req, Rcode.FORMERR, false);
      return;
    }
    Answer answer = settings.lookup().answer(settings.records().get(), question.name(), question.type().intValue());
    if (answer.authoritative()) {
      int dnsClass = question.dnsClass();
      if (dnsClass != Wire.CLASS_IN && dnsClass != CLASS_ANY) {
        reply(ctx, req, Rcode.REFUSED, false);
      } else {
        respond(ctx, req, answer);
      }
    } else if (!settings.forward()) {
      reply(ctx, req, Rcode.REFUSED, false);
    } else {
      forward(ctx, req);
    }
  }

  private void forward(ChannelHandlerContext ctx, Request req) {
    DnsQuestion q = req.question();
    byte[] bytes = Wire.query(0, req.rd(), q.name(), q.type().intValue(), q.dnsClass(), req.edns());
    settings.upstream().forward(bytes, req.tcp(), (reply, failure) -> {
      if (failure != null || reply == null || reply.length < 12) {
        LOG.fine(() -> "Forwarding '" + q.name() + "' failed: " + failure);
        reply(ctx, req, Rcode.SERVFAIL, false);
        return;
      }
      reply[0] = (byte) (req.id() >> 8);
      reply[1] = (byte) req.id();
      if (req.tcp()) {
        ByteBuf framed = Unpooled.buffer(reply.length + 2).writeShort(reply.length).writeBytes(reply);
        ctx.writeAndFlush(framed);
      } else {
        ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(reply), req.client(), req.local()));
      }
    });
  }

  /** A reply with no records besides the question (errors, REFUSED, SERVFAIL). */
  private void reply(ChannelHandlerContext ctx, Request req, Rcode rcode, boolean authoritative) {
    DnsResponse response = newResponse(req, rcode);
    response.setAuthoritativeAnswer(authoritative);
    if (req.question() != null) {
      response.addRecord(DnsSection.QUESTION, req.question());
    }
    if (req.edns() >= 0) {
      response.addRecord(DnsSection.ADDITIONAL, Wire.opt(OUR_EDNS_SIZE));
    }
    ctx.channel().writeAndFlush(response);
  }

  private void respond(ChannelHandlerContext ctx, Request req, Answer answer) {
    List<List<DnsRawRecord>> sections = List.of(netty(answer.answers()), netty(answer.authority()),
        netty(answer.additional()));
    int[] keep = fit(req, sections);
    boolean truncated = keep[0] < sections.get(0).size() || keep[1] < sections.get(1).size();
    DnsResponse response = newResponse(req, answer.rcode());
    response.setAuthoritativeAnswer(true);
    response.setTruncated(truncated && settings.truncate());
    response.addRecord(DnsSection.QUESTION, req.question());
    DnsSection[] names = {DnsSection.ANSWER, DnsSection.AUTHORITY, DnsSection.ADDITIONAL};
    for (int s = 0; s < 3; s++) {
      List<DnsRawRecord> list = sections.get(s);
      for (int i = 0; i < list.size(); i++) {
        if (i < keep[s]) {
          response.addRecord(names[s], list.get(i));
        } else {
          list.get(i).release();
        }
      }
    }
    if (req.edns() >= 0) {
      response.addRecord(DnsSection.ADDITIONAL, Wire.opt(OUR_EDNS_SIZE));
    }
    ctx.channel().writeAndFlush(response);
  }

  /**
   * How many records of each section fit the size limit, measured with the same compressing
   * encoder the channel uses. When an answer or authority record does not fit, everything after it
   * goes (the caller sets TC); when only additional records do not fit, they are just left out.
   */
  private int[] fit(Request req, List<List<DnsRawRecord>> sections) {
    int limit = req.limit() - (req.edns() >= 0 ? OPT_SIZE : 0);
    ByteBuf scratch = Unpooled.buffer(512);
    try {
      scratch.writeZero(12);
      sizer.encodeQuestion(req.question(), scratch);
      int[] keep = new int[3];
      for (int s = 0; s < 3; s++) {
        for (DnsRawRecord r : sections.get(s)) {
          sizer.encodeRecord(r.duplicate(), scratch);
          if (scratch.writerIndex() > limit) {
            return keep;
          }
          keep[s]++;
        }
      }
      return keep;
    } catch (Exception e) {
      throw new IllegalStateException("Cannot measure the reply to '" + req.question().name() + "'", e);
    } finally {
      scratch.release();
    }
  }

  private static List<DnsRawRecord> netty(List<ResourceRecord> records) {
    List<DnsRawRecord> list = new ArrayList<>(records.size());
    records.forEach(r -> list.add(Wire.toNetty(r)));
    return list;
  }

  private DnsResponse newResponse(Request req, Rcode rcode) {
    DnsResponseCode code = DnsResponseCode.valueOf(rcode.code());
    DnsResponse response = req.tcp()
        ? new DefaultDnsResponse(req.id(), req.opCode(), code)
        : new DatagramDnsResponse(req.local(), req.client(), req.id(), req.opCode(), code);
    response.setRecursionDesired(req.rd());
    response.setRecursionAvailable(settings.forward());
    return response;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // malformed input: UDP drops the datagram and keeps serving; TCP closes that connection
    if (ctx.channel() instanceof io.netty.channel.socket.DatagramChannel) {
      LOG.log(Level.FINE, "Dropped an undecodable datagram", cause);
    } else {
      if (!(cause instanceof IOException)) {
        LOG.log(Level.FINE, "Closing a DNS TCP connection", cause);
      }
      ctx.close();
    }
  }
}
