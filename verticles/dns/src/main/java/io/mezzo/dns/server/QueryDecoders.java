package io.mezzo.dns.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/** The pipeline stages turning bytes into {@link Query} values with {@link QueryParser}. */
final class QueryDecoders {
  private QueryDecoders() {
  }

  /** One query per datagram; unreadable datagrams are dropped. */
  static final class Udp extends MessageToMessageDecoder<DatagramPacket> {
    @Override
    protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
      Query q = QueryParser.parse(packet.content(), packet.sender(), packet.recipient());
      if (q != null) {
        out.add(q);
      }
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
