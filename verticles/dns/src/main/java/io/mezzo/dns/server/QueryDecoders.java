package io.mezzo.dns.server;

import io.mezzo.dns.records.DnsRecords;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;
import java.util.function.Supplier;

/** The pipeline stages turning bytes into {@link Query} values with {@link QueryParser}. */
final class QueryDecoders {
  private QueryDecoders() {
  }

  /**
   * One query per datagram; unreadable datagrams are dropped. A plain question whose reply is in the
   * channel's {@link ReplyCache} is answered here, straight from the datagram's bytes, without
   * building a {@link Query}: one header, one question, no answer or authority records, and at most
   * an OPT record as the only additional one. Everything else goes to {@link QueryParser} and on to
   * the {@link QueryHandler}, which fills the cache.
   */
  static final class Udp extends ChannelInboundHandlerAdapter {
    private static final int TYPE_OPT = 41;
    private final ReplyCache cache;
    private final Supplier<DnsRecords> records;
    /** The datagram being looked at; longer ones go to the parser. */
    private final byte[] scratch = new byte[512];

    Udp(ReplyCache cache, Supplier<DnsRecords> records) {
      this.cache = cache;
      this.records = records;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof DatagramPacket packet)) {
        ctx.fireChannelRead(msg);
        return;
      }
      try {
        if (!answerFromCache(ctx, packet)) {
          Query q = QueryParser.parse(packet.content(), packet.sender(), packet.recipient());
          if (q != null) {
            ctx.fireChannelRead(q);
          }
        }
      } finally {
        packet.release();
      }
    }

    private boolean answerFromCache(ChannelHandlerContext ctx, DatagramPacket packet) {
      ByteBuf content = packet.content();
      int end = content.readableBytes();
      if (end - QueryParser.HEADER < 5 || end > scratch.length) {
        return false;
      }
      // one copy out of the datagram; everything below reads the array
      byte[] in = scratch;
      content.getBytes(content.readerIndex(), in, 0, end);
      long plain = plainQuestion(in, end);
      if (plain < 0) {
        return false;
      }
      int edns = (int) plain - 1;
      ByteBuf out = cache.reply(records.get(), in, (int) (plain >>> 32), Query.udpLimit(edns), edns >= 0, ctx.alloc());
      if (out == null) {
        return false;
      }
      ctx.write(new DatagramPacket(out, packet.sender(), packet.recipient()), ctx.voidPromise());
      return true;
    }

    /**
     * Whether the {@code end} bytes of {@code in} are a plain question that a {@link ReplyCache} may
     * answer: -1 if not, else the question's length in the upper 32 bits and the EDNS0 size plus one
     * (0: no OPT record) in the lower.
     */
    static long plainQuestion(byte[] in, int end) {
      int question = QueryParser.HEADER;
      if (end - question < 5) {
        return -1;
      }
      // QR 0 and opcode QUERY; one question; no answer or authority records; at most one additional
      if ((in[2] & 0xF8) != 0 || in[4] != 0 || in[5] != 1 || (in[6] | in[7] | in[8] | in[9] | in[10]) != 0
          || (in[11] & 0xFE) != 0) {
        return -1;
      }
      int pos = question;
      for (int len = in[pos]; len != 0; len = in[pos]) {
        // a pointer, a reserved label kind or a name running out of the datagram: the parser decides
        if (len < 0 || len > 63 || (pos += 1 + len) >= end || pos - question >= 255) {
          return -1;
        }
      }
      int questionEnd = pos + 5;
      if (questionEnd > end) {
        return -1;
      }
      int edns = -1;
      if (in[11] == 1) {
        // the additional record must be an OPT record at the root, wholly inside the datagram
        if (questionEnd + 11 > end || in[questionEnd] != 0 || in[questionEnd + 1] != 0
            || in[questionEnd + 2] != TYPE_OPT || questionEnd + 11 + u16(in, questionEnd + 9) > end) {
          return -1;
        }
        edns = u16(in, questionEnd + 3);
      }
      return (long) (questionEnd - question) << 32 | (edns + 1);
    }

    private static int u16(byte[] b, int at) {
      return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }
  }

  /** The two-byte length framing of DNS over TCP (RFC 1035 4.2.2). */
  static LengthFieldBasedFrameDecoder tcpFrames() {
    return new LengthFieldBasedFrameDecoder(65_535, 0, 2, 0, 2);
  }

  /** One query per frame; an unreadable frame closes the connection, since the stream cannot be trusted after it. */
  static final class Tcp extends MessageToMessageDecoder<ByteBuf> {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
      Query q = QueryParser.parse(frame, null, null);
      if (q == null) {
        ctx.close();
      } else {
        out.add(q);
      }
    }
  }
}
