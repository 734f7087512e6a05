package io.mezzo.l4lb.proxy;

import io.mezzo.l4lb.balance.Balancer;
import io.mezzo.l4lb.vip.BackendAddress;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventArray;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.epoll.MezzoEpollAccess;
import io.netty.channel.epoll.Native;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code direct-epoll} data plane: Mezzo's own event loops over plain file descriptors, through
 * Netty's JNI bindings for epoll and sockets, with no Netty channel or pipeline per connection.
 *
 * <p>With a new connection per request the proxy's cost is mostly system calls, so each connection
 * gets only the ones it needs: {@code accept4}; one {@code epoll_ctl} per socket, registering it
 * once, edge-triggered, for reading, writing and the peer's FIN; {@code socket}, {@code TCP_NODELAY}
 * and {@code connect} towards the backend (accepted sockets inherit {@code TCP_NODELAY} from the
 * listener); the reads and writes of the relay; two {@code close}s. Readiness for writing is how a
 * connect is seen to succeed (an error or hang-up flag, how it failed), a read shorter than the
 * buffer ends a read burst without a further read that would find nothing, and a short read after
 * the peer's FIN was reported ends the stream without a read that returns 0.
 *
 * <p>Each loop is a thread of its own with its own epoll instance and binds every TCP VIP with
 * {@code SO_REUSEPORT}, so the kernel spreads new connections over the loops, and a connection and
 * its backend connection stay on the loop that accepted it. Bytes move through one direct buffer per
 * loop; only what the receiving side cannot take at once is copied into a buffer of the connection,
 * and while such bytes wait the sending side is not read (back-pressure without any
 * {@code epoll_ctl}). When either side ends, the other is closed once what it was sent is written.
 */
public final class DirectEpollLoops {
  private static final Logger LOG = Logger.getLogger(DirectEpollLoops.class.getName());
  /** Bytes read at most at once, and the size of a connection's waiting buffer. */
  static final int BUFFER = 64 << 10;
  /** Reads one side may do in one loop turn before the other connections get their turn. */
  private static final int READS_PER_TURN = 16;
  private static final int ACCEPTS_PER_TURN = 64;
  private static final int SPARE_BUFFERS = 32;
  private static final int IO_ERROR = -2;

  private final Loop[] loops;
  private final Balancer balancer;
  private final int tries;
  private final long connectTimeoutNanos;

  /** Whether Netty's epoll library loads here. */
  public static boolean available() {
    return Epoll.isAvailable();
  }

  /** Why it does not. */
  public static Throwable unavailabilityCause() {
    return Epoll.unavailabilityCause();
  }

  /** Starts {@code threads} loops. */
  public DirectEpollLoops(int threads, Balancer balancer, int tries, int connectTimeoutMs) throws IOException {
    Epoll.ensureAvailability();
    this.balancer = balancer;
    this.tries = tries;
    this.connectTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(connectTimeoutMs);
    loops = new Loop[threads];
    try {
      for (int i = 0; i < threads; i++) {
        loops[i] = new Loop(i);
      }
    } catch (IOException | RuntimeException e) {
      for (Loop loop : loops) {
        if (loop != null) {
          loop.discard();
        }
      }
      throw e;
    }
    for (Loop loop : loops) {
      loop.thread.start();
    }
  }

  int size() {
    return loops.length;
  }

  Loop loop(int i) {
    return loops[i];
  }

  /** Ends every loop: closes its listeners and connections. Completes when every thread has finished. */
  public CompletableFuture<Void> close() {
    List<CompletableFuture<Void>> ends = new ArrayList<>();
    for (Loop loop : loops) {
      loop.execute(loop::stop);
      ends.add(loop.terminated);
    }
    return CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new));
  }

  /** Something registered with a loop's epoll instance under its file descriptor. */
  abstract static class Handler {
    final int fd;
    /** The loop turn in which it was registered: events of that turn's batch are for an earlier file with this number. */
    long turn;

    Handler(int fd) {
      this.fd = fd;
    }

    abstract void ready(int events);

    abstract void close();
  }

  /** One event loop: a thread, an epoll instance, an eventfd to wake it for tasks. */
  final class Loop implements Runnable {
    final Thread thread;
    final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final FileDescriptor epoll;
    private final FileDescriptor wake;
    private final EpollEventArray events;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
    private final ArrayDeque<ByteBuffer> spare = new ArrayDeque<>();
    /** Backend sockets being connected, in the order they were started: the order of their deadlines. */
    private final ArrayDeque<Side> connecting = new ArrayDeque<>();
    /** Sides that stopped reading to let other connections have their turn. */
    private final ArrayDeque<Side> later = new ArrayDeque<>();
    private final byte[] acceptedAddress = new byte[26];
    private Handler[] handlers = new Handler[1024];
    private long turn;
    private boolean running = true;
    /** Set, under this loop's lock, once the thread has closed its eventfd: tasks then run at once. */
    private boolean ended;

    Loop(int index) throws IOException {
      epoll = Native.newEpollCreate();
      try {
        wake = Native.newEventFd();
        Native.epollCtlAdd(epoll.intValue(), wake.intValue(), Native.EPOLLIN);
      } catch (IOException | RuntimeException e) {
        epoll.close();
        throw e;
      }
      events = MezzoEpollAccess.newEventArray(512);
      thread = new Thread(this, "mezzo-l4lb-direct-" + index);
      thread.setDaemon(true);
    }

    /** Runs {@code task} on this loop's thread. */
    void execute(Runnable task) {
      if (Thread.currentThread() == thread) {
        tasks.add(task);
        return;
      }
      synchronized (this) {
        if (!ended) {
          tasks.add(task);
          Native.eventFdWrite(wake.intValue(), 1L);
          return;
        }
      }
      task.run();
    }

    private void stop() {
      running = false;
    }

    /** Frees what a loop whose thread never started holds. */
    private void discard() {
      quietly(wake);
      quietly(epoll);
      MezzoEpollAccess.free(events);
    }

    @Override
    public void run() {
      try {
        while (running) {
          long now = System.nanoTime();
          expireConnects(now);
          int timeout = -1;
          if (!tasks.isEmpty() || !later.isEmpty()) {
            timeout = 0;
          } else if (!connecting.isEmpty()) {
            timeout = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(connecting.peek().deadline - now) + 1);
          }
          int ready;
          try {
            ready = MezzoEpollAccess.epollWait(epoll, events, timeout);
          } catch (IOException e) {
            LOG.log(Level.FINE, "epoll_wait", e);
            continue;
          }
          turn++;
          for (int i = 0; i < ready; i++) {
            int fd = MezzoEpollAccess.fd(events, i);
            if (fd == wake.intValue()) {
              Native.eventFdRead(fd);
              continue;
            }
            Handler h = fd < handlers.length ? handlers[fd] : null;
            if (h != null && h.turn != turn) {
              try {
                h.ready(MezzoEpollAccess.events(events, i));
              } catch (RuntimeException e) {
                // a fault in one connection ends that connection, not the loop
                LOG.log(Level.WARNING, "L4LB connection failed", e);
                if (h instanceof Side side) {
                  abort(side);
                } else {
                  h.close();
                }
              }
            }
          }
          for (int n = later.size(); n > 0; n--) {
            Side side = later.poll();
            if (!side.closed && side.readPending) {
              try {
                pump(side);
              } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "L4LB connection failed", e);
                abort(side);
              }
            }
          }
          Runnable task;
          while ((task = tasks.poll()) != null) {
            try {
              task.run();
            } catch (RuntimeException e) {
              LOG.log(Level.WARNING, "L4LB loop task failed", e);
            }
          }
        }
      } catch (Throwable e) {
        LOG.log(Level.SEVERE, "L4LB loop " + thread.getName() + " ended", e);
      } finally {
        for (Handler h : handlers) {
          if (h != null) {
            h.close();
          }
        }
        synchronized (this) {
          ended = true;
        }
        Runnable task;
        while ((task = tasks.poll()) != null) {
          task.run();
        }
        quietly(wake);
        quietly(epoll);
        MezzoEpollAccess.free(events);
        terminated.complete(null);
      }
    }

    private void register(Handler h, int flags) throws IOException {
      if (h.fd >= handlers.length) {
        handlers = java.util.Arrays.copyOf(handlers, Math.max(h.fd + 1, handlers.length * 2));
      }
      handlers[h.fd] = h;
      h.turn = turn;
      try {
        Native.epollCtlAdd(epoll.intValue(), h.fd, flags);
      } catch (IOException e) {
        handlers[h.fd] = null;
        throw e;
      }
    }

    private void forget(Handler h) {
      if (h.fd < handlers.length && handlers[h.fd] == h) {
        handlers[h.fd] = null;
      }
    }

    /** Binds {@code address} for {@code vip} on this loop. On this loop's thread. */
    void listen(DirectTcpProxy vip, InetSocketAddress address, CompletableFuture<Listener> done) {
      if (!running) {
        done.completeExceptionally(new IOException("the VIP loops are closed"));
        return;
      }
      LinuxSocket socket = null;
      try {
        socket = LinuxSocket.newSocketStream(address.getAddress() instanceof Inet4Address
            ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6);
        socket.setReuseAddress(true);
        socket.setReusePort(true);
        // accepted sockets inherit it: no system call per connection
        socket.setTcpNoDelay(true);
        socket.bind(address);
        socket.listen(1024);
        Listener listener = new Listener(socket, vip);
        register(listener, Native.EPOLLIN);
        done.complete(listener);
      } catch (IOException | RuntimeException e) {
        if (socket != null) {
          quietly(socket);
        }
        done.completeExceptionally(e);
      }
    }

    /** A VIP's socket on this loop; level-triggered, so a capped accept burst resumes next turn. */
    final class Listener extends Handler {
      private final LinuxSocket socket;
      private final DirectTcpProxy vip;
      private boolean closed;

      Listener(LinuxSocket socket, DirectTcpProxy vip) {
        super(socket.intValue());
        this.socket = socket;
        this.vip = vip;
      }

      @Override
      void ready(int events) {
        for (int i = 0; i < ACCEPTS_PER_TURN && !closed; i++) {
          int fd;
          try {
            fd = socket.accept(acceptedAddress);
          } catch (IOException e) {
            LOG.fine(() -> "accept on " + vip.endpoint() + ": " + e.getMessage());
            return;
          }
          if (fd < 0) {
            return;
          }
          accepted(vip, fd);
        }
      }

      /** Unbinds; connections it accepted go on. */
      @Override
      void close() {
        if (!closed) {
          closed = true;
          forget(this);
          quietly(socket);
        }
      }

      Loop loop() {
        return Loop.this;
      }
    }

    /** One end of a relayed connection: the client's socket, or the socket towards the backend. */
    final class Side extends Handler {
      final FileDescriptor file;
      Side peer;
      /** Bytes for this side that it could not take yet, {@code outPos} to {@code outLimit}. */
      ByteBuffer out;
      int outPos;
      int outLimit;
      boolean connected;
      boolean closed;
      /** The socket may hold bytes not read yet (a read burst was cut short). */
      boolean readPending;
      /** The peer's FIN has been reported: the first short read empties the stream. */
      boolean rdhup;
      boolean closeAfterFlush;
      // towards a backend only
      DirectTcpProxy vip;
      BackendAddress backend;
      Set<BackendAddress> tried;
      int attempt;
      long deadline;
      /** Counted as an active connection of {@code backend} in the balancer. */
      boolean counted;

      Side(FileDescriptor file) {
        super(file.intValue());
        this.file = file;
      }

      @Override
      void ready(int events) {
        if (closed) {
          return;
        }
        if (!connected) {
          if ((events & (Native.EPOLLERR | MezzoEpollAccess.EPOLLHUP)) != 0) {
            connectFailed(this, "refused or reset");
            return;
          }
          if ((events & Native.EPOLLOUT) == 0) {
            return;
          }
          connected(this);
          if (closed) {
            return;
          }
        }
        if ((events & Native.EPOLLERR) != 0) {
          abort(this);
          return;
        }
        if ((events & Native.EPOLLRDHUP) != 0) {
          rdhup = true;
        }
        if ((events & Native.EPOLLOUT) != 0 && out != null) {
          flush(this);
          if (closed) {
            return;
          }
        }
        if ((events & (Native.EPOLLIN | Native.EPOLLRDHUP | MezzoEpollAccess.EPOLLHUP)) != 0) {
          pump(this);
        }
      }

      @Override
      void close() {
        closeSide(this);
      }
    }

    private void accepted(DirectTcpProxy vip, int fd) {
      Side client = new Side(new FileDescriptor(fd));
      client.connected = true;
      try {
        register(client, Native.EPOLLIN | Native.EPOLLOUT | Native.EPOLLRDHUP | Native.EPOLLET);
      } catch (IOException e) {
        quietly(client.file);
        return;
      }
      dial(vip, client, null, 1, null, 0, 0);
    }

    /**
     * Connects {@code client} to a backend of {@code vip} the balancer picks outside {@code tried};
     * {@code carried} holds bytes the client already sent, for the backend.
     */
    private void dial(DirectTcpProxy vip, Side client, Set<BackendAddress> tried, int attempt, ByteBuffer carried,
                      int carriedPos, int carriedLimit) {
      while (true) {
        Optional<BackendAddress> picked = balancer.pick(vip.backends(), tried == null ? Set.of() : tried);
        if (picked.isEmpty()) {
          release(carried);
          closeSide(client);
          return;
        }
        BackendAddress backend = picked.get();
        InetSocketAddress address = vip.socketAddress(backend);
        LinuxSocket socket = null;
        Side back = null;
        try {
          if (address == null) {
            throw new IOException("not an IP address: " + backend.ip());
          }
          socket = LinuxSocket.newSocketStream(address.getAddress() instanceof Inet4Address
              ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6);
          socket.setTcpNoDelay(true);
          back = new Side(socket);
          back.vip = vip;
          back.backend = backend;
          back.tried = tried;
          back.attempt = attempt;
          back.peer = client;
          client.peer = back;
          back.out = carried;
          back.outPos = carriedPos;
          back.outLimit = carriedLimit;
          // registered after connect: an unconnected socket reports a hang-up at once
          boolean done = socket.connect(address);
          register(back, Native.EPOLLIN | Native.EPOLLOUT | Native.EPOLLRDHUP | Native.EPOLLET);
          if (done) {
            connected(back);
          } else {
            back.deadline = System.nanoTime() + connectTimeoutNanos;
            connecting.add(back);
          }
          return;
        } catch (IOException e) {
          balancer.failed(backend);
          LOG.fine(() -> "Backend '" + backend + "' of " + vip.endpoint() + " failed: " + e.getMessage());
          if (back != null) {
            back.out = null;
            back.closed = true;
            forget(back);
          }
          if (socket != null) {
            quietly(socket);
          }
          if (attempt >= tries) {
            release(carried);
            closeSide(client);
            return;
          }
          tried = tried == null ? new HashSet<>() : tried;
          tried.add(backend);
          attempt++;
        }
      }
    }

    private void connected(Side back) {
      back.connected = true;
      back.counted = true;
      balancer.connected(back.backend);
      if (back.out != null) {
        flush(back);
      } else if (back.peer.readPending) {
        pump(back.peer);
      }
    }

    private void connectFailed(Side back, String why) {
      balancer.failed(back.backend);
      LOG.fine(() -> "Backend '" + back.backend + "' of " + back.vip.endpoint() + " failed: " + why);
      ByteBuffer carried = back.out;
      back.out = null;
      closeSide(back);
      Side client = back.peer;
      if (client.closed) {
        release(carried);
        return;
      }
      if (back.attempt >= tries) {
        release(carried);
        closeSide(client);
        return;
      }
      Set<BackendAddress> tried = back.tried == null ? new HashSet<>() : back.tried;
      tried.add(back.backend);
      dial(back.vip, client, tried, back.attempt + 1, carried, back.outPos, back.outLimit);
    }

    private void expireConnects(long now) {
      while (!connecting.isEmpty()) {
        Side s = connecting.peek();
        if (s.closed || s.connected) {
          connecting.poll();
        } else if (s.deadline - now <= 0) {
          connecting.poll();
          connectFailed(s, "no connection within the connect timeout");
        } else {
          return;
        }
      }
    }

    /** Moves what {@code a} has to its peer, until {@code a} is empty or the peer cannot take more. */
    private void pump(Side a) {
      Side b = a.peer;
      for (int reads = 0; !a.closed; reads++) {
        if (b.closed) {
          a.readPending = false;
          return;
        }
        if (b.out != null) {
          a.readPending = true;
          return;
        }
        if (reads == READS_PER_TURN) {
          a.readPending = true;
          later.add(a);
          return;
        }
        if (!b.connected) {
          // the backend is still being dialled: keep the first bytes for it
          ByteBuffer held = acquire();
          int n = read(a, held);
          if (n <= 0) {
            release(held);
            if (n == 0) {
              a.readPending = false;
            } else if (n == -1) {
              eof(a);
            } else {
              abort(a);
            }
            return;
          }
          b.out = held;
          b.outPos = 0;
          b.outLimit = n;
          // after the connect, read again: more may wait, or the FIN
          a.readPending = n == BUFFER || a.rdhup;
          return;
        }
        int n = read(a, buffer);
        if (n == 0) {
          a.readPending = false;
          return;
        }
        if (n == -1) {
          eof(a);
          return;
        }
        if (n < 0) {
          abort(a);
          return;
        }
        int w = write(b, buffer, 0, n);
        if (w < 0) {
          abort(b);
          return;
        }
        if (w < n) {
          ByteBuffer rest = acquire();
          rest.put(0, buffer, w, n - w);
          b.out = rest;
          b.outPos = 0;
          b.outLimit = n - w;
          a.readPending = true;
          return;
        }
        if (n < BUFFER) {
          // the socket is empty now; after the peer's FIN that is the end of the stream
          if (a.rdhup) {
            eof(a);
          } else {
            a.readPending = false;
          }
          return;
        }
      }
    }

    /** Writes what waits for {@code b}; once all is written, its peer may be read again. */
    private void flush(Side b) {
      int w = write(b, b.out, b.outPos, b.outLimit);
      if (w < 0) {
        abort(b);
        return;
      }
      b.outPos += w;
      if (b.outPos < b.outLimit) {
        return;
      }
      release(b.out);
      b.out = null;
      if (b.closeAfterFlush) {
        closeSide(b);
        return;
      }
      Side a = b.peer;
      if (a != null && !a.closed && a.readPending) {
        pump(a);
      }
    }

    /**
     * {@code a}'s stream ended: it closes, and its peer once what waits for it is written. A backend
     * that ended has sent all it will, so its socket closes with a reset ({@code SO_LINGER} 0): no
     * FIN and ACK back, no {@code LAST_ACK} state here and no {@code TIME_WAIT} at the backend.
     */
    private void eof(Side a) {
      Side b = a.peer;
      if (a.backend != null) {
        try {
          ((LinuxSocket) a.file).setSoLinger(0);
        } catch (IOException e) {
          // it closes with a FIN then
        }
      }
      closeSide(a);
      if (b == null || b.closed) {
        return;
      }
      if (b.out == null || !b.connected) {
        closeSide(b);
      } else {
        b.closeAfterFlush = true;
      }
    }

    /** An error on {@code s}: both sides close now. */
    private void abort(Side s) {
      closeSide(s);
      if (s.peer != null) {
        closeSide(s.peer);
      }
    }

    private void closeSide(Side s) {
      if (s.closed) {
        return;
      }
      s.closed = true;
      forget(s);
      release(s.out);
      s.out = null;
      quietly(s.file);
      if (s.counted) {
        s.counted = false;
        balancer.closed(s.backend);
      }
      Side peer = s.peer;
      if (peer != null && !peer.connected && !peer.closed) {
        // the client left while its backend was being dialled
        closeSide(peer);
      }
    }

    private int read(Side s, ByteBuffer into) {
      try {
        return s.file.read(into, 0, BUFFER);
      } catch (IOException e) {
        return IO_ERROR;
      }
    }

    private int write(Side s, ByteBuffer from, int pos, int limit) {
      try {
        return s.file.write(from, pos, limit);
      } catch (IOException e) {
        return IO_ERROR;
      }
    }

    private ByteBuffer acquire() {
      ByteBuffer b = spare.poll();
      return b != null ? b : ByteBuffer.allocateDirect(BUFFER);
    }

    private void release(ByteBuffer b) {
      if (b != null && spare.size() < SPARE_BUFFERS) {
        spare.push(b);
      }
    }
  }

  private static void quietly(FileDescriptor fd) {
    try {
      fd.close();
    } catch (IOException e) {
      LOG.log(Level.FINE, "close", e);
    }
  }
}
