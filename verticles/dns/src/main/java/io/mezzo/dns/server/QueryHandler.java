package io.mezzo.dns.server;

import io.mezzo.dns.records.Answer;
import io.mezzo.dns.records.DnsRecords;
import io.mezzo.dns.records.Lookup;
import io.mezzo.dns.records.Rcode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers parsed queries: our zones from the current snapshot, everything else through the
 * {@link UpstreamResolver}, malformed ones with FORMERR. Replies are written in wire format by a
 * {@link ResponseWriter} (UDP replies cut to 512 bytes or the client's EDNS0 size, with TC, so
 * clients retry over TCP); relayed upstream replies are passed on byte for byte. Replies to
 * queries read in one batch are flushed together. UDP replies from our zones are kept in a
 * {@link ReplyCache} of this channel until the records change; repeated questions are answered from
 * it by {@link QueryDecoders.Udp} before they reach this handler.
 */
public final class QueryHandler extends SimpleChannelInboundHandler<Query> {
  private static final Logger LOG = Logger.getLogger(QueryHandler.class.getName());
  static final int UDP_MIN = 512;
  static final int UDP_MAX = 4096;
  static final int OUR_EDNS_SIZE = 1232;
  private static final int CLASS_IN = 1;
  private static final int CLASS_ANY = 255;

  /** What the handler needs from the server; shared by every channel. */
  public record Settings(Supplier<DnsRecords> records, Lookup lookup, UpstreamResolver upstream, boolean forward,
                         boolean truncate) {
  }

  /**
   * Where replies go: a Netty channel ({@link QueryHandler} in a pipeline), or a socket of the
   * {@link DirectUdpPlane}. Called on one thread only, the one that also runs {@link #executor()}'s tasks.
   */
  interface Replies {
    ByteBufAllocator alloc();

    /** Sends {@code reply} to {@code q}'s client (over TCP with a length placeholder in its first two bytes), taking ownership. */
    void send(Query q, ByteBuf reply, boolean flush);

    /** Runs what arrives from other threads (forwarded replies) on the replying thread. */
    Executor executor();
  }

  private final Settings settings;
  private final ResponseWriter writer = new ResponseWriter();
  private final ReplyCache cache;
  private Replies channel;

  /** A handler for TCP connections: nothing is cached. */
  public QueryHandler(Settings settings) {
    this(settings, new ReplyCache());
  }

  /** A handler filling {@code cache}, the one that {@link QueryDecoders.Udp} or {@link DirectUdpPlane} answers from. */
  QueryHandler(Settings settings, ReplyCache cache) {
    this.settings = settings;
    this.cache = cache;
  }

  /** The handlers of a UDP channel's pipeline, in order, sharing one {@link ReplyCache}. */
  static ChannelHandler[] udpPipeline(Settings settings) {
    ReplyCache cache = new ReplyCache();
    return new ChannelHandler[] {new QueryDecoders.Udp(cache, settings.records()), new QueryHandler(settings, cache)};
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = new Replies() {
      @Override
      public ByteBufAllocator alloc() {
        return ctx.alloc();
      }

      @Override
      public void send(Query q, ByteBuf buf, boolean flush) {
        Object message;
        if (q.tcp()) {
          buf.setShort(0, buf.readableBytes() - 2);
          message = buf;
        } else {
          message = new DatagramPacket(buf, q.client(), q.local());
        }
        if (flush) {
          ctx.writeAndFlush(message, ctx.voidPromise());
        } else {
          ctx.write(message, ctx.voidPromise());
        }
      }

      @Override
      public EventExecutor executor() {
        return ctx.executor();
      }
    };
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Query q) {
    handle(q, channel);
  }

  /** Answers {@code q}: now, or later (forwarded) through {@code out}'s executor. */
  void handle(Query q, Replies out) {
    if (q.opcode() != Query.OPCODE_QUERY) {
      error(out, q, Rcode.NOTIMP, false);
      return;
    }
    if (q.malformed()) {
      error(out, q, Rcode.FORMERR, false);
      return;
    }
    DnsRecords records = settings.records().get();
    if (!q.tcp()) {
      ByteBuf cached = cache.reply(records, q, out.alloc());
      if (cached != null) {
        out.send(q, cached, false);
        return;
      }
    }
    Answer answer = settings.lookup().answer(records, q.name(), q.type());
    if (answer.authoritative()) {
      if (q.dnsClass() != CLASS_IN && q.dnsClass() != CLASS_ANY) {
        error(out, q, Rcode.REFUSED, false);
        return;
      }
      ByteBuf buf = open(out, q);
      try {
        writer.answer(q, answer, settings.forward(), settings.truncate(), buf);
        if (!q.tcp()) {
          remember(records, q, answer, buf);
        }
      } catch (RuntimeException e) {
        buf.release();
        LOG.log(Level.WARNING, "Cannot write the answer to '" + q.name() + "'", e);
        error(out, q, Rcode.SERVFAIL, false);
        return;
      }
      out.send(q, buf, false);
    } else if (!settings.forward()) {
      error(out, q, Rcode.REFUSED, false);
    } else {
      forward(out, q);
    }
  }

  /**
   * Caches the UDP reply just written; a reply with several answers gets more encodings, each
   * shuffled by its own lookup, to hand out in turn.
   */
  private void remember(DnsRecords records, Query q, Answer answer, ByteBuf written) {
    byte[][] variants = new byte[answer.answers().size() > 1 ? ReplyCache.SHUFFLES : 1][];
    variants[0] = ByteBufUtil.getBytes(written);
    if (variants.length > 1) {
      ByteBuf scratch = Unpooled.buffer(written.readableBytes());
      for (int i = 1; i < variants.length; i++) {
        scratch.clear();
        writer.answer(q, settings.lookup().answer(records, q.name(), q.type()), settings.forward(),
            settings.truncate(), scratch);
        variants[i] = ByteBufUtil.getBytes(scratch);
      }
    }
    cache.put(records, q, variants);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
    ctx.fireChannelReadComplete();
  }

  private void forward(Replies out, Query q) {
    byte[] bytes = Wire.query(0, q.rd(), q.name(), q.type(), q.dnsClass(), q.edns());
    // the answer arrives on the forwarder's thread; the writer and the socket belong to out's thread
    settings.upstream().forward(bytes, q.tcp(), (reply, failure) -> out.executor().execute(() -> {
      if (failure != null || reply == null || reply.length < QueryParser.HEADER) {
        LOG.fine(() -> "Forwarding '" + q.name() + "' failed: " + failure);
        error(out, q, Rcode.SERVFAIL, true);
        return;
      }
      reply[0] = (byte) (q.id() >> 8);
      reply[1] = (byte) q.id();
      ByteBuf buf = open(out, q);
      buf.writeBytes(reply);
      out.send(q, buf, true);
    }));
  }

  /** A reply with no records besides the question: errors, REFUSED, SERVFAIL. */
  private void error(Replies out, Query q, Rcode rcode, boolean flush) {
    ByteBuf buf = open(out, q);
    writer.error(q, rcode, settings.forward(), buf);
    out.send(q, buf, flush);
  }

  private static ByteBuf open(Replies out, Query q) {
    ByteBuf buf = out.alloc().ioBuffer(q.tcp() ? 512 : q.limit());
    if (q.tcp()) {
      buf.writeShort(0);
    }
    return buf;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // UDP keeps serving whatever one datagram did; TCP closes that connection
    if (ctx.channel() instanceof DatagramChannel) {
      LOG.log(Level.FINE, "Dropped a DNS datagram", cause);
    } else {
      if (!(cause instanceof IOException)) {
        LOG.log(Level.FINE, "Closing a DNS TCP connection", cause);
      }
      ctx.close();
    }
  }
}
