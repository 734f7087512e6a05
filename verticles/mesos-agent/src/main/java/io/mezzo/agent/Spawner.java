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
 * Starts container supervisors through one long-lived {@code /bin/sh} that the agent feeds a line
 * per container: {@code ( export …; cd <sandbox> && exec setsid <argv> ) <redirections> & echo $!}.
 * The shell forks (no new JVM child, no helper exec per task), the supervisor's parent is that
 * shell rather than the agent, and its pid comes back on the shell's stdout, in order. Requests
 * from many threads are pipelined: each waits for its own line. A shell that died is replaced.
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

  /** The line that starts one supervisor. */
  static String line(Map<String, String> environment, Path directory, Path stdout, Path stderr, List<String> argv) {
    StringBuilder b = new StringBuilder("( ");
    StringBuilder odd = new StringBuilder();
    for (Map.Entry<String, String> e : environment.entrySet()) {
      if (NAME.matcher(e.getKey()).matches()) {
        b.append("export ").append(e.getKey()).append('=').append(quote(e.getValue())).append("; ");
      } else if (!e.getKey().isEmpty() && !e.getKey().contains("=")) {
        odd.append(quote(e.getKey() + "=" + e.getValue())).append(' ');
      }
    }
    b.append("cd ").append(quote(directory.toString())).append(" && exec ");
    if (odd.length() > 0) {
      b.append("env ").append(odd);
    }
    b.append("setsid");
    for (String a : argv) {
      b.append(' ').append(quote(a));
    }
    b.append(" ) </dev/null >>").append(quote(stdout.toString())).append(" 2>>").append(quote(stderr.toString()))
        .append(" & echo $!\n");
    return b.toString();
  }

  /** Starts the command; returns the pid of the process that became {@code argv[0]}. Blocks briefly. */
  long spawn(Map<String, String> environment, Path directory, Path stdout, Path stderr, List<String> argv) throws IOException {
    String line = line(environment, directory, stdout, stderr, argv);
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
    Process p = new ProcessBuilder(Containerizer.SH).redirectInput(ProcessBuilder.Redirect.PIPE)
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
