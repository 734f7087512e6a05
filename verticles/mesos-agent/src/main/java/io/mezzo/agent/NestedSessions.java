package io.mezzo.agent;

import com.google.protobuf.ByteString;
import io.mezzo.agent.cgroups.Isolator;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ContainerID;
import org.apache.mesos.v1.Protos.DurationInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.TTYInfo;
import org.apache.mesos.v1.agent.Protos.ProcessIO;

/**
 * Command sessions inside running containers ({@code LAUNCH_NESTED_CONTAINER_SESSION}, what
 * {@code task exec} uses): the command runs in the parent container's cgroups, in its sandbox,
 * with its environment and user, its stdout and stderr go to the session's output streams as
 * ProcessIO records, its stdin is fed by {@code ATTACH_CONTAINER_INPUT}. A session ends when its
 * command has exited and its output is drained; it is killed when its launching client goes away.
 * Sessions live on the agent's event loop; the process's pipes are read and written on threads of
 * their own.
 */
final class NestedSessions {
  /** How long a session's output may stay open after its command exited (a child still holding stdout). */
  static final long DRAIN_MS = 2_000;
  static final long HEARTBEAT_MS = 30_000;
  static final int ENDED_KEPT = 1000;
  /** Output chunks (of up to 8 KiB) a session holds for slow readers before it stops reading the command's pipes. */
  static final int CHUNKS_IN_FLIGHT = 16;

  private final Vertx vertx;
  private final TaskManager tasks;
  private final Isolator isolator;
  private final Namespaces namespaces;
  private final Map<String, Session> sessions = new LinkedHashMap<>();
  private final Map<String, Integer> ended = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
      return size() > ENDED_KEPT;
    }
  };

  /** A refused call: the HTTP status and Mesos's plain-text answer. */
  static final class Refused extends RuntimeException {
    final int status;

    Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  /** Where a session's output goes: one ProcessIO record at a time, then the end. */
  interface Sink {
    void send(ProcessIO record);

    void end();

    /** Whether the sink holds as much unsent output as it should. */
    default boolean full() {
      return false;
    }

    /** Runs {@code then} once the sink is no longer full, or has gone away. */
    default void whenWritable(Runnable then) {
      then.run();
    }
  }

  /** @param namespaces the tasks' namespaces, which a session's command enters */
  NestedSessions(Vertx vertx, TaskManager tasks, Isolator isolator, Namespaces namespaces) {
    this.vertx = vertx;
    this.tasks = tasks;
    this.isolator = isolator;
    this.namespaces = namespaces;
  }

  /** One running command session. */
  final class Session {
    private final ContainerID id;
    private final Process process;
    private final List<Sink> sinks = new ArrayList<>();
    private final ExecutorService input;
    private final Promise<Integer> exit = Promise.promise();
    /** Output chunks read from the pipes and not yet taken by every output stream. */
    private final Semaphore chunks = new Semaphore(CHUNKS_IN_FLIGHT);
    private volatile boolean finished;
    private int openStreams = 2;
    private Integer status;
    private long heartbeat = -1;
    private long drainTimer = -1;
    private boolean inputClosed;

    private Session(ContainerID id, Process process) {
      this.id = id;
      this.process = process;
      this.input = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mezzo-agent-session-input");
        t.setDaemon(true);
        return t;
      });
    }

    ContainerID id() {
      return id;
    }

    long pid() {
      return process.pid();
    }

    /** Adds an output stream; records from now on reach it. */
    void attach(Sink sink) {
      sinks.add(sink);
    }

    void detach(Sink sink) {
      sinks.remove(sink);
    }

    /** Writes to the command's stdin, in order; empty data closes stdin (end of input). */
    Future<Void> write(ByteString data) {
      if (inputClosed || finished) {
        return Future.succeededFuture();
      }
      if (data.isEmpty()) {
        inputClosed = true;
      }
      Promise<Void> written = Promise.promise();
      Context context = vertx.getOrCreateContext();
      OutputStream stdin = process.getOutputStream();
      input.execute(() -> {
        try {
          if (data.isEmpty()) {
            stdin.close();
          } else {
            data.writeTo(stdin);
            stdin.flush();
          }
        } catch (IOException e) {
          // the command closed its stdin or ended: input is dropped, as a pipe would
        }
        context.runOnContext(v -> written.complete());
      });
      return written.future();
    }

    /** The input stream ended without an explicit end of input: stdin is closed. */
    void inputEnded() {
      write(ByteString.EMPTY);
    }

    private void send(ProcessIO record) {
      for (Sink s : new ArrayList<>(sinks)) {
        s.send(record);
      }
    }

    /** Sends a chunk; its permit goes back once no output stream is full, so a slow reader slows the command down. */
    private void output(ProcessIO.Data.Type type, byte[] bytes, int n) {
      send(ProcessIO.newBuilder().setType(ProcessIO.Type.DATA).setData(ProcessIO.Data.newBuilder().setType(type)
          .setData(ByteString.copyFrom(bytes, 0, n))).build());
      releaseWhenWritable();
    }

    private void releaseWhenWritable() {
      Sink full = sinks.stream().filter(Sink::full).findFirst().orElse(null);
      if (full == null) {
        chunks.release();
      } else {
        full.whenWritable(this::releaseWhenWritable);
      }
    }

    private void streamEnded() {
      openStreams--;
      maybeFinish();
    }

    private void exited(int value) {
      status = value;
      if (openStreams > 0) {
        drainTimer = vertx.setTimer(DRAIN_MS, t -> {
          openStreams = 0;
          maybeFinish();
        });
      }
      maybeFinish();
    }

    private void maybeFinish() {
      if (status == null || openStreams > 0 || !sessions.remove(id.getValue(), this)) {
        return;
      }
      vertx.cancelTimer(heartbeat);
      vertx.cancelTimer(drainTimer);
      input.shutdownNow();
      finished = true;
      process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      ended.put(id.getValue(), status);
      for (Sink s : new ArrayList<>(sinks)) {
        s.end();
      }
      sinks.clear();
      exit.complete(status);
    }

    /** Signals the command and everything it started. */
    void signal(int signal) {
      List<Long> pids = new ArrayList<>();
      process.toHandle().descendants().forEach(h -> pids.add(h.pid()));
      pids.add(process.pid());
      vertx.executeBlocking(() -> {
        ContainerApi.signal(pids, signal);
        return null;
      }, false);
    }
  }

  /** The parent's sandbox, environment and user, captured on the event loop. */
  private record Parent(String containerId, Path sandbox, Map<String, String> environment, Optional<Containerizer.User> user) {
  }

  private Parent parent(ContainerID parent) {
    for (Container c : tasks.containers()) {
      if (c.executor == null && c.containerId.equals(parent.getValue()) && c.pid > 0 && !c.exited && !c.destroyed) {
        return new Parent(c.containerId, c.directory, c.environment, c.user);
      }
    }
    for (ExecutorRun run : tasks.executorRuns()) {
      if (run.containerId.equals(parent.getValue()) && run.pid > 0 && !run.exited) {
        return new Parent(run.containerId, run.directory, Map.of("MESOS_SANDBOX", run.directory.toString(),
            "MESOS_CONTAINER_ID", run.containerId), Optional.empty());
      }
    }
    return null;
  }

  /**
   * Starts a command session in a running container.
   *
   * @param tty  a terminal for the command (its output then all comes as STDOUT, as from a terminal), or null
   * @throws Refused 400 for a container id without a parent, one in use, a missing command, a TTY without
   *                 {@code script}; 404 for an unknown parent
   */
  Future<Session> launch(ContainerID id, CommandInfo command, TTYInfo tty, Sink first) {
    if (!id.hasParent() || id.getValue().isEmpty()) {
      throw new Refused(400, "Expecting 'launch_nested_container_session.container_id.parent' to be present");
    }
    if (sessions.containsKey(id.getValue()) || ended.containsKey(id.getValue())) {
      throw new Refused(400, "Container " + id.getValue() + " already exists");
    }
    if (!command.hasValue() && command.getArgumentsCount() == 0) {
      throw new Refused(400, "Expecting 'launch_nested_container_session.command.value' to be present");
    }
    Path script = null;
    if (tty != null) {
      script = onPath("script");
      if (script == null) {
        throw new Refused(400, "A TTY needs util-linux's 'script' on the agent's PATH");
      }
    }
    if (id.getParent().hasParent()) {
      throw new Refused(400, "Sessions can be started only in a task's or executor's own container");
    }
    Parent p = parent(id.getParent());
    if (p == null) {
      throw new Refused(404, "Parent container " + id.getParent().getValue() + " cannot be found");
    }
    Map<String, String> env = new LinkedHashMap<>(p.environment());
    if (command.hasEnvironment()) {
      for (Environment.Variable v : command.getEnvironment().getVariablesList()) {
        if (v.getType() != Environment.Variable.Type.SECRET) {
          env.put(v.getName(), v.getValue());
        }
      }
    }
    if (tty != null) {
      env.putIfAbsent("TERM", "xterm");
      env.put("SHELL", Containerizer.SH);
      if (tty.hasWindowSize()) {
        env.put("COLUMNS", String.valueOf(tty.getWindowSize().getColumns()));
        env.put("LINES", String.valueOf(tty.getWindowSize().getRows()));
      }
      command = withTerminal(command, script);
    }
    CommandInfo sessionCommand = command;
    Context context = vertx.getOrCreateContext();
    return vertx.executeBlocking(() -> {
      List<String> argv = Containerizer.argv(isolator.joinFiles(p.containerId()),
          Containerizer.enter(namespaces, isolator, p.containerId(), p.sandbox()), p.user(), sessionCommand);
      ProcessBuilder pb = new ProcessBuilder(argv).directory(p.sandbox().toFile());
      pb.environment().putAll(env);
      return pb.start();
    }, false).map(process -> {
      Session s = new Session(id, process);
      sessions.put(id.getValue(), s);
      s.attach(first);
      pump(context, s, process.getInputStream(), ProcessIO.Data.Type.STDOUT);
      pump(context, s, process.getErrorStream(), ProcessIO.Data.Type.STDERR);
      process.onExit().thenAccept(done -> context.runOnContext(v -> s.exited(done.exitValue())));
      s.heartbeat = vertx.setPeriodic(HEARTBEAT_MS, t -> s.send(heartbeat()));
      return s;
    });
  }

  /**
   * The command under util-linux's {@code script}, which gives it a pseudo-terminal fed by our stdin
   * and copied to our stdout, and exits with the command's status ({@code -e}).
   */
  static CommandInfo withTerminal(CommandInfo command, Path script) {
    String line;
    if (!command.hasShell() || command.getShell()) {
      line = command.getValue();
    } else {
      StringBuilder b = new StringBuilder(quote(command.getValue()));
      for (int i = 1; i < command.getArgumentsCount(); i++) {
        b.append(' ').append(quote(command.getArguments(i)));
      }
      line = b.toString();
    }
    return CommandInfo.newBuilder().setShell(false).setValue(script.toString())
        .addAllArguments(List.of("script", "-qefc", line, "/dev/null")).build();
  }

  private static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  private static Path onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (java.nio.file.Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  static ProcessIO heartbeat() {
    return ProcessIO.newBuilder().setType(ProcessIO.Type.CONTROL).setControl(ProcessIO.Control.newBuilder()
        .setType(ProcessIO.Control.Type.HEARTBEAT).setHeartbeat(ProcessIO.Control.Heartbeat.newBuilder()
            .setInterval(DurationInfo.newBuilder().setNanoseconds(HEARTBEAT_MS * 1_000_000)))).build();
  }

  private static void pump(Context context, Session s, InputStream in, ProcessIO.Data.Type type) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buf)) > 0) {
          while (!s.chunks.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            if (s.finished) {
              return;
            }
          }
          byte[] copy = java.util.Arrays.copyOf(buf, n);
          int len = n;
          context.runOnContext(v -> s.output(type, copy, len));
        }
      } catch (IOException e) {
        // the pipe closed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      context.runOnContext(v -> s.streamEnded());
    }, "mezzo-agent-session-" + type.name().toLowerCase());
    t.setDaemon(true);
    t.start();
  }

  Session find(ContainerID id) {
    return sessions.get(id.getValue());
  }

  List<Session> all() {
    return new ArrayList<>(sessions.values());
  }

  /** Signals a running session; false when there is none with this id. */
  boolean kill(ContainerID id, int signal) {
    Session s = sessions.get(id.getValue());
    if (s == null) {
      return false;
    }
    s.signal(signal);
    return true;
  }

  /** The session's exit status once it ended; null for an id never seen here. */
  Future<Integer> exit(ContainerID id) {
    Session s = sessions.get(id.getValue());
    if (s != null) {
      return s.exit.future();
    }
    Integer status = ended.get(id.getValue());
    return status == null ? null : Future.succeededFuture(status);
  }

  /** Kills every session (the agent stops). */
  void close() {
    for (Session s : all()) {
      s.process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      s.process.destroyForcibly();
      vertx.cancelTimer(s.heartbeat);
      s.input.shutdownNow();
    }
  }
}
