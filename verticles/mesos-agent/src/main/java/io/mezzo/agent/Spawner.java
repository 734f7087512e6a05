package io.mezzo.agent;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Starts container supervisors through one long-lived {@code /bin/sh}, in a session of its own,
 * that the agent feeds a line per container (see {@link #line}). The shell forks a subshell that is
 * the container's supervisor: it moves itself into the container's cgroups, enters the sandbox,
 * runs the command in a new session and records its exit status. So a launch costs one fork of a
 * small shell plus the command's own fork and execs: no JVM child, no reaper thread, no shell
 * exec'd just to supervise. The supervisor's parent is that shell rather than the agent, and its
 * pid comes back on the shell's stdout, in order. Requests from many threads are pipelined: each
 * waits for its own line. A shell that died is replaced.
 */
final class Spawner implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Spawner.class.getName());
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private Process shell;
  private BufferedWriter input;
  private final Deque<CompletableFuture<Long>> waiting = new ArrayDeque<>();
  private boolean closed;

  /** Single-quotes a word for {@code /bin/sh}. */
  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** {@code setsid}, by absolute path: a task's environment may set its own {@code PATH}. */
  static final String SETSID = executable("setsid");
  /** {@code env}, for variables whose names the shell cannot export. */
  static final String ENV = executable("env");

  /** The absolute path of a program in the usual directories, else its bare name. */
  static String executable(String name) {
    for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
      File f = new File(dir, name);
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    return name;
  }

  /**
   * The line that starts one supervisor, a subshell of the spawner shell:
   * <pre>
   * ( echo 0 >'&lt;cgroup.procs&gt;' &amp;&amp; … &amp;&amp; cd '&lt;sandbox&gt;' || { echo 127 >'&lt;exit status&gt;'; exit 127; }
   *   export NAME='value'; …; trap : TERM INT HUP
   *   /usr/bin/setsid [env 'odd.name=value' …] '&lt;command&gt;' …; s=$?; echo "$s" >'&lt;exit status&gt;'; exit "$s"
   * ) &lt;/dev/null >>'&lt;stdout&gt;' 2>>'&lt;stderr&gt;' &amp; echo $!
   * </pre>
   * Writing 0 to a {@code cgroup.procs} file moves the writing process, so the subshell joins the
   * container's cgroups before anything else runs; the command it forks is born inside them. The
   * command gets a session (and process group) of its own, so a task's {@code kill 0} reaches only
   * itself. The supervisor ignores the SIGTERM/SIGINT/SIGHUP a kill sends to the whole box, so the
   * exit status of a killed command (128 + n for signal n) is still recorded.
   *
   * @param joinFiles the box's {@code cgroup.procs} files (the agent's own ids in their names, never the task's)
   */
  static String line(Map<String, String> environment, Path directory, Path stdout, Path stderr, List<String> joinFiles,
                     Path exitStatus, List<String> command) {
    String status = quote(exitStatus.toString());
    StringBuilder b = new StringBuilder("( ");
    for (String file : joinFiles) {
      b.append("echo 0 >").append(quote(file)).append(" && ");
    }
    b.append("cd ").append(quote(directory.toString())).append(" || { echo 127 >").append(status).append("; exit 127; }; ");
    StringBuilder odd = new StringBuilder();
    for (Map.Entry<String, String> e : environment.entrySet()) {
      if (NAME.matcher(e.getKey()).matches()) {
        b.append("export ").append(e.getKey()).append('=').append(quote(e.getValue())).append("; ");
      } else if (!e.getKey().isEmpty() && !e.getKey().contains("=")) {
        odd.append(' ').append(quote(e.getKey() + "=" + e.getValue()));
      }
    }
    b.append("trap : TERM INT HUP; ").append(quote(SETSID));
    if (odd.length() > 0) {
      b.append(' ').append(quote(ENV)).append(odd);
    }
    for (String a : command) {
      b.append(' ').append(quote(a));
    }
    b.append("; s=$?; echo \"$s\" >").append(status).append("; exit \"$s\" ) </dev/null >>").append(quote(stdout.toString()))
        .append(" 2>>").append(quote(stderr.toString())).append(" & echo $!\n");
    return b.toString();
  }

  /**
   * Starts the command under a supervisor (see {@link #line}); returns the supervisor's pid. Blocks
   * briefly.
   */
  long spawn(Map<String, String> environment, Path directory, Path stdout, Path stderr, List<String> joinFiles,
             Path exitStatus, List<String> command) throws IOException {
    String line = line(environment, directory, stdout, stderr, joinFiles, exitStatus, command);
    CompletableFuture<Long> pid = new CompletableFuture<>();
    synchronized (this) {
      if (closed) {
        throw new IOException("The agent is stopping");
      }
      if (shell == null || !shell.isAlive()) {
        start();
      }
      waiting.addLast(pid);
      try {
        input.write(line);
        input.flush();
      } catch (IOException e) {
        waiting.remove(pid);
        shell.destroyForcibly();
        throw e;
      }
    }
    try {
      return pid.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while starting a container", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("The spawner shell did not start the container: " + e, e);
    }
  }

  private void start() throws IOException {
    // a session of its own: its supervisors are out of reach of the agent's terminal (Ctrl-C, hangup)
    // and a name in ps: the supervisors, its forks, show the same command line
    List<String> command = SETSID.startsWith("/") ? List.of(SETSID, Containerizer.SH, "-s", "mezzo-supervisor")
        : List.of(Containerizer.SH, "-s", "mezzo-supervisor");
    Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE)
        .redirectError(ProcessBuilder.Redirect.DISCARD).directory(new File("/")).start();
    shell = p;
    input = new BufferedWriter(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8));
    Thread reader = new Thread(() -> read(p), "mezzo-agent-spawner");
    reader.setDaemon(true);
    reader.start();
  }

  private void read(Process p) {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
      String line;
      while ((line = out.readLine()) != null) {
        CompletableFuture<Long> next;
        synchronized (this) {
          next = waiting.pollFirst();
        }
        if (next != null) {
          try {
            next.complete(Long.parseLong(line.trim()));
          } catch (NumberFormatException e) {
            next.completeExceptionally(new IOException("Unexpected spawner output '" + line + "'"));
          }
        }
      }
    } catch (IOException e) {
      // the shell went away
    }
    synchronized (this) {
      if (shell == p) {
        shell = null;
      }
      if (!closed) {
        LOG.warning("The agent's spawner shell ended; the next launch starts a new one");
      }
      CompletableFuture<Long> f;
      while ((f = waiting.pollFirst()) != null) {
        f.completeExceptionally(new IOException("The spawner shell ended"));
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (shell != null) {
      try {
        input.close();
      } catch (IOException e) {
        // gone already
      }
      shell.destroy();
    }
  }
}
