package io.mezzo.dns.server;

import io.mezzo.dns.records.DnsRecords;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventArray;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.epoll.MezzoDnsDatagrams;
import io.netty.channel.epoll.MezzoEpollAccess;
import io.netty.channel.epoll.Native;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.IovArray;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code direct_epoll} UDP data plane: one thread per I/O thread with its own UDP socket (all
 * bound with {@code SO_REUSEPORT} when there are several), its own epoll instance and an eventfd to
 * wake it, through Netty's JNI bindings but with no Netty channel, pipeline or per-datagram objects.
 *
 * <p>A thread reads up to {@link DnsServer#BATCH} datagrams with one {@code recvmmsg} into one
 * direct buffer, answers the plain questions its {@link ReplyCache} holds straight from the bytes
 * and the sender address the kernel filled in, writing each reply into a slot of a second direct
 * buffer, and sends the batch's replies with one {@code sendmmsg}. Everything else is parsed into a
 * {@link Query} and answered by a {@link QueryHandler}, as on the Netty channel; replies of
 * forwarded queries come back on the forwarder's thread, are queued to this thread, and go out from
 * this socket.
 */
final class DirectUdpPlane {
  private static final Logger LOG = Logger.getLogger(DirectUdpPlane.class.getName());
  /** Replies waiting for one {@code sendmmsg}; more are sent when they fill up. */
  private static final int SEND_SLOTS = 16;
  /** {@code recvmmsg} calls in a row before the thread looks at its queued tasks again. */
  private static final int READS_PER_TURN = 16;

  private final Loop[] loops;
  private final int port;

  /** Whether the plane can run here (Netty's epoll library loads). */
  static boolean available() {
    return Epoll.isAvailable();
  }

  /** Binds {@code threads} sockets on {@code host:port} (port 0: one free port for all) and starts their threads. */
  DirectUdpPlane(String host, int port, int threads, QueryHandler.Settings settings) throws IOException {
    Epoll.ensureAvailability();
    boolean v4 = host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    loops = new Loop[threads];
    int bound = port;
    try {
      for (int i = 0; i < threads; i++) {
        loops[i] = new Loop(i, v4, new InetSocketAddress(host, bound), threads > 1, settings);
        bound = loops[i].local.getPort();
      }
    } catch (IOException | RuntimeException e) {
      for (Loop loop : loops) {
        if (loop != null) {
          loop.release();
        }
      }
      throw e;
    }
    this.port = bound;
    for (Loop loop : loops) {
      loop.thread.start();
    }
  }

  /** The port every socket is bound to. */
  int port() {
    return port;
  }

  /** Ends every thread and closes its socket; completes when all have ended. */
  CompletableFuture<Void> close() {
    CompletableFuture<?>[] ends = new CompletableFuture<?>[loops.length];
    for (int i = 0; i < loops.length; i++) {
      loops[i].stop();
      ends[i] = loops[i].terminated;
    }
    return CompletableFuture.allOf(ends);
  }

  /** One socket and the thread serving it. */
  private static final class Loop implements Runnable, QueryHandler.Replies, Executor {
    final Thread thread;
    final CompletableFuture<Void> terminated = new CompletableFuture<>();
    final InetSocketAddress local;
    private final LinuxSocket socket;
    private final FileDescriptor epoll;
    private final FileDescriptor wake;
    private final EpollEventArray events;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ByteBuf in;
    private final IovArray inVectors;
    private final Object[] inHeaders;
    private final ByteBuf out;
    private final IovArray outVectors;
    private final Object[] outHeaders;
    private final byte[][] outAddress = new byte[SEND_SLOTS][16];
    private int pending;
    private final byte[] scratch = new byte[512];
    private final ReplyCache cache = new ReplyCache();
    private final Supplier<DnsRecords> records;
    private final QueryHandler handler;
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private volatile boolean stopping;
    /** Set once the descriptors are closed (their numbers may then belong to other files). */
    private boolean released;

    Loop(int index, boolean v4, InetSocketAddress address, boolean reusePort, QueryHandler.Settings settings)
        throws IOException {
      records = settings.records();
      handler = new QueryHandler(settings, cache);
      LinuxSocket s = v4 ? LinuxSocket.newSocketDgram(SocketProtocolFamily.INET) : LinuxSocket.newSocketDgram();
      FileDescriptor e = null;
      FileDescriptor w = null;
      try {
        s.setReusePort(reusePort);
        s.setReceiveBufferSize(1 << 20);
        s.bind(address);
        e = Native.newEpollCreate();
        w = Native.newEventFd();
        Native.epollCtlAdd(e.intValue(), w.intValue(), Native.EPOLLIN);
        Native.epollCtlAdd(e.intValue(), s.intValue(), Native.EPOLLIN);
      } catch (IOException | RuntimeException ex) {
        closeQuietly(s);
        closeQuietly(e);
        closeQuietly(w);
        throw ex;
      }
      socket = s;
      epoll = e;
      wake = w;
      local = s.localAddress();
      events = MezzoEpollAccess.newEventArray(4);
      in = Unpooled.directBuffer(DnsServer.BATCH * DnsServer.MAX_QUERY);
      inVectors = new IovArray();
      inHeaders = MezzoDnsDatagrams.headers(DnsServer.BATCH);
      for (int i = 0; i < DnsServer.BATCH; i++) {
        inVectors.add(in, i * DnsServer.MAX_QUERY, DnsServer.MAX_QUERY);
        MezzoDnsDatagrams.prepare(inHeaders, i, inVectors.memoryAddress(i));
      }
      out = Unpooled.directBuffer(SEND_SLOTS * QueryHandler.UDP_MAX);
      outVectors = new IovArray();
      outHeaders = MezzoDnsDatagrams.headers(SEND_SLOTS);
      thread = new Thread(this, "mezzo-dns-udp-" + index);
      thread.setDaemon(true);
    }

    @Override
    public void run() {
      try {
        while (!stopping) {
          int ready;
          try {
            ready = MezzoEpollAccess.epollWait(epoll, events, -1);
          } catch (IOException e) {
            continue; // EINTR
          }
          for (int i = 0; i < ready; i++) {
            if (MezzoEpollAccess.fd(events, i) == wake.intValue()) {
              Native.eventFdRead(wake.intValue());
              runTasks();
            } else {
              read();
            }
          }
          flush();
        }
      } catch (Throwable t) {
        LOG.log(Level.SEVERE, "The DNS datagram loop " + thread.getName() + " failed", t);
      } finally {
        release();
        terminated.complete(null);
      }
    }

    private void runTasks() {
      for (Runnable task; (task = tasks.poll()) != null; ) {
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.log(Level.FINE, "A DNS reply task failed", e);
        }
      }
    }

    private void read() {
      for (int turn = 0; turn < READS_PER_TURN; turn++) {
        int n;
        try {
          n = MezzoDnsDatagrams.recvmmsg(socket, inHeaders, DnsServer.BATCH);
        } catch (IOException e) {
          LOG.log(Level.FINE, "recvmmsg failed", e);
          return;
        }
        if (n <= 0) {
          return;
        }
        for (int i = 0; i < n; i++) {
          try {
            answer(i);
          } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Dropped a DNS datagram", e);
          }
          MezzoDnsDatagrams.rearm(inHeaders, i);
        }
        flush();
        if (n < DnsServer.BATCH) {
          return;
        }
      }
    }

    /** Answers datagram {@code i} of the batch just read. */
    private void answer(int i) {
      int length = MezzoDnsDatagrams.received(inHeaders, i);
      int at = i * DnsServer.MAX_QUERY;
      byte[] sender = MezzoDnsDatagrams.sender(inHeaders, i);
      int senderLength = MezzoDnsDatagrams.senderLength(inHeaders, i);
      int senderPort = MezzoDnsDatagrams.senderPort(inHeaders, i);
      if (length <= scratch.length) {
        in.getBytes(at, scratch, 0, length);
        long plain = QueryDecoders.Udp.plainQuestion(scratch, length);
        if (plain >= 0) {
          int edns = (int) plain - 1;
          int slot = reserve();
          out.writerIndex(slot * QueryHandler.UDP_MAX);
          if (cache.replyTo(records.get(), scratch, (int) (plain >>> 32), Query.udpLimit(edns), edns >= 0, out)) {
            System.arraycopy(sender, 0, outAddress[slot], 0, senderLength == 4 ? 4 : 16);
            commit(slot, out.writerIndex() - slot * QueryHandler.UDP_MAX, senderLength, senderPort,
                MezzoDnsDatagrams.senderScope(inHeaders, i));
            return;
          }
        }
      }
      InetSocketAddress client;
      try {
        client = new InetSocketAddress(senderLength == 4
            ? InetAddress.getByAddress(java.util.Arrays.copyOf(sender, 4))
            : Inet6Address.getByAddress(null, sender, MezzoDnsDatagrams.senderScope(inHeaders, i)), senderPort);
      } catch (UnknownHostException e) {
        return;
      }
      Query q = QueryParser.parse(in.slice(at, length), client, local);
      if (q != null) {
        handler.handle(q, this);
      }
    }

    /** A free send slot, sending what waits when all are taken. */
    private int reserve() {
      if (pending == SEND_SLOTS) {
        flush();
      }
      return pending;
    }

    private void commit(int slot, int bytes, int addressLength, int port, int scope) {
      outVectors.add(out, slot * QueryHandler.UDP_MAX, bytes);
      MezzoDnsDatagrams.address(outHeaders, slot, outVectors.memoryAddress(slot), outAddress[slot], addressLength,
          port, scope);
      pending = slot + 1;
    }

    /** Sends the waiting replies with {@code sendmmsg}; a reply the socket cannot take now is dropped, as UDP may. */
    private void flush() {
      int sent = 0;
      while (sent < pending) {
        try {
          int n = MezzoDnsDatagrams.sendmmsg(socket, outHeaders, sent, pending - sent);
          if (n <= 0) {
            break;
          }
          sent += n;
        } catch (IOException e) {
          // this reply's address is refused (e.g. unreachable); the others still go
          LOG.log(Level.FINE, "sendmmsg failed", e);
          sent++;
        }
      }
      pending = 0;
      outVectors.clear();
    }

    // QueryHandler.Replies: called on this thread only

    @Override
    public ByteBufAllocator alloc() {
      return alloc;
    }

    @Override
    public void send(Query q, ByteBuf reply, boolean flush) {
      try {
        int bytes = reply.readableBytes();
        InetSocketAddress to = q.client();
        if (bytes > QueryHandler.UDP_MAX) {
          ByteBuf direct = reply.isDirect() ? reply : Unpooled.directBuffer(bytes).writeBytes(reply);
          try {
            socket.sendTo(direct.nioBuffer(), 0, bytes, to.getAddress(), to.getPort());
          } catch (IOException e) {
            LOG.log(Level.FINE, "sendto failed", e);
          } finally {
            if (direct != reply) {
              direct.release();
            }
          }
          return;
        }
        int slot = reserve();
        out.setBytes(slot * QueryHandler.UDP_MAX, reply, reply.readerIndex(), bytes);
        byte[] address = to.getAddress().getAddress();
        System.arraycopy(address, 0, outAddress[slot], 0, address.length);
        commit(slot, bytes, address.length, to.getPort(),
            to.getAddress() instanceof Inet6Address a ? a.getScopeId() : 0);
        if (flush) {
          flush();
        }
      } finally {
        reply.release();
      }
    }

    @Override
    public Executor executor() {
      return this;
    }

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
      if (Thread.currentThread() != thread) {
        wake();
      }
    }

    void stop() {
      stopping = true;
      wake();
    }

    private synchronized void wake() {
      if (!released) {
        Native.eventFdWrite(wake.intValue(), 1L);
      }
    }

    private synchronized void release() {
      if (released) {
        return;
      }
      released = true;
      closeQuietly(socket);
      closeQuietly(epoll);
      closeQuietly(wake);
      if (events != null) {
        MezzoEpollAccess.free(events);
      }
      if (in != null) {
        in.release();
        inVectors.release();
      }
      if (out != null) {
        out.release();
        outVectors.release();
      }
    }

    private static void closeQuietly(FileDescriptor fd) {
      if (fd != null) {
        try {
          fd.close();
        } catch (IOException e) {
          // closing anyway
        }
      }
    }
  }
}
