package io.mezzo.agent;

import io.mezzo.agent.cgroups.Isolator;
import io.mezzo.agent.cgroups.Limits;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.mesos.v1.Protos.CommandInfo;

/**
 * Starts a task's command inside its isolation box and signals every process of the box. The
 * process is started through a small {@code /bin/sh} wrapper that writes its own pid into the box's
 * {@code cgroup.procs} files, starts a new session and, when a user is given, drops to that user
 * before it execs the command, so nothing of the task ever runs outside the box. Every method
 * blocks: call it from a worker thread.
 */
final class Containerizer {
  static final String SH = "/bin/sh";

  private final Isolator isolator;

  Containerizer(Isolator isolator) {
    this.isolator = isolator;
  }

  Isolator isolator() {
    return isolator;
  }

  /** A user to run as: numeric ids, looked up in {@code /etc/passwd}. */
  record User(String name, int uid, int gid) {
    static Optional<User> lookup(String name) {
      try {
        for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
          String[] f = line.split(":");
          if (f.length >= 4 && f[0].equals(name)) {
            return Optional.of(new User(name, Integer.parseInt(f[2]), Integer.parseInt(f[3])));
          }
        }
      } catch (IOException | NumberFormatException e) {
        return Optional.empty();
      }
      return Optional.empty();
    }
  }

  /**
   * @param user the user to switch to, or empty to run as the agent's user
   */
  record Launch(String containerId, Path sandbox, CommandInfo command, Map<String, String> environment,
                Optional<User> user, Limits limits) {
  }

  /** Creates the box and starts the command with stdout and stderr appended to files in the sandbox. */
  Process launch(Launch l) throws IOException {
    isolator.prepare(l.containerId(), l.limits());
    Path stdout = l.sandbox().resolve("stdout");
    Path stderr = l.sandbox().resolve("stderr");
    for (Path p : List.of(stdout, stderr)) {
      if (!Files.exists(p)) {
        Files.createFile(p);
      }
    }
    if (l.user().isPresent()) {
      for (Path p : List.of(l.sandbox(), stdout, stderr)) {
        Files.setAttribute(p, "unix:uid", l.user().get().uid());
        Files.setAttribute(p, "unix:gid", l.user().get().gid());
      }
    }
    ProcessBuilder pb = new ProcessBuilder(argv(isolator.joinFiles(l.containerId()), l.user(), l.command()))
        .directory(l.sandbox().toFile())
        .redirectInput(new File("/dev/null"))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
    pb.environment().putAll(l.environment());
    Process process = pb.start();
    isolator.started(l.containerId(), process.pid());
    return process;
  }

  /**
   * Starts a health-check command inside a running container's box, in its sandbox, with the
   * task's environment and user; its output is discarded.
   */
  Process exec(String containerId, Path sandbox, CommandInfo command, Map<String, String> environment, Optional<User> user)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(argv(isolator.joinFiles(containerId), user, command))
        .directory(sandbox.toFile())
        .redirectInput(new File("/dev/null"))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().putAll(environment);
    return pb.start();
  }

  /**
   * The wrapper's argv: {@code sh -c '<join>; exec setsid -w [setpriv ...] "$@"' mezzo-container <command...>}.
   * Box file names come from the agent (ids it generated), never from the task.
   */
  static List<String> argv(List<String> joinFiles, Optional<User> user, CommandInfo command) {
    StringBuilder script = new StringBuilder();
    for (String file : joinFiles) {
      script.append("echo $$ > '").append(file.replace("'", "")).append("' && ");
    }
    script.append("exec setsid -w \"$@\"");
    List<String> argv = new ArrayList<>(List.of(SH, "-c", script.toString(), "mezzo-container"));
    user.ifPresent(u -> argv.addAll(List.of("setpriv", "--reuid=" + u.uid(), "--regid=" + u.gid(), "--init-groups", "--")));
    if (!command.hasShell() || command.getShell()) {
      argv.addAll(List.of(SH, "-c", command.getValue()));
    } else {
      argv.add(command.getValue());
      if (command.getArgumentsCount() > 1) {
        argv.addAll(command.getArgumentsList().subList(1, command.getArgumentsCount()));
      }
    }
    return argv;
  }

  /** Sends SIGTERM (or SIGKILL when {@code force}) to every process in the box; returns how many were signalled. */
  int signal(String containerId, boolean force) {
    int n = 0;
    for (long pid : isolator.pids(containerId)) {
      Optional<ProcessHandle> h = ProcessHandle.of(pid);
      if (h.isPresent()) {
        boolean sent = force ? h.get().destroyForcibly() : h.get().destroy();
        n += sent ? 1 : 0;
      }
    }
    return n;
  }

  /** SIGKILLs whatever is left in the box until it is empty, then removes the box. */
  void destroy(String containerId) throws IOException {
    for (int round = 0; round < 100 && !isolator.pids(containerId).isEmpty(); round++) {
      signal(containerId, true);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    isolator.destroy(containerId);
  }
}
