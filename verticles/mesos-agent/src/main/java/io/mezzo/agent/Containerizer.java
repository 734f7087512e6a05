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
 * Starts a task's command inside its isolation box and signals every process of the box. A
 * task's command runs under a supervisor that joins the box's {@code cgroup.procs} files before it
 * starts anything (see {@link Spawner#line}); a check's command runs through a small {@code /bin/sh}
 * wrapper that does the same and starts a new session (see {@link #argv}). When a user is given,
 * {@code setpriv} drops to that user before the command is exec'd, so nothing of the task ever
 * runs outside the box. Every method blocks: call it from a worker thread.
 */
final class Containerizer {
  static final String SH = "/bin/sh";

  private final Isolator isolator;
  private final Spawner spawner = new Spawner();
  private final Fetcher fetcher;
  private final Namespaces namespaces;

  /** @param namespaces what each container's command gets of its own ({@link Namespaces#NONE} for nothing) */
  Containerizer(Isolator isolator, Path fetchCache, Namespaces namespaces) {
    this.isolator = isolator;
    this.fetcher = new Fetcher(fetchCache);
    this.namespaces = namespaces;
  }

  /** Stops the spawner shell (running containers are not affected). */
  void close() {
    spawner.close();
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

  /** A container's supervisor process: its pid and start time (clock ticks after boot, from {@code /proc}). */
  record Started(long pid, long startTicks) {
  }

  /**
   * Creates the box and starts the command, detached from the agent, with stdout and stderr
   * appended to files in the sandbox. The command runs under a supervisor, a subshell of the
   * {@link Spawner} shell (so not the agent's child, and the task survives the agent's death), that
   * joins the box first, runs the command in a session of its own and writes its exit status
   * (128 + n for a signal) to {@code exitStatus}; it ignores SIGTERM/SIGINT/SIGHUP sent to the
   * whole box, so a graceful kill is still recorded. Returns the supervisor's pid.
   */
  Started launch(Launch l, Path exitStatus) throws IOException {
    isolator.prepare(l.containerId(), l.limits());
    Path stdout = l.sandbox().resolve("stdout");
    Path stderr = l.sandbox().resolve("stderr");
    for (Path p : List.of(stdout, stderr)) {
      try {
        Files.createFile(p);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // a task of the same group, or a relaunch: keep appending
      }
    }
    if (l.user().isPresent()) {
      for (Path p : List.of(l.sandbox(), stdout, stderr)) {
        Files.setAttribute(p, "unix:uid", l.user().get().uid());
        Files.setAttribute(p, "unix:gid", l.user().get().gid());
      }
    }
    Files.createDirectories(exitStatus.getParent());
    Files.deleteIfExists(exitStatus);
    if (l.command().getUrisCount() > 0) {
      fetcher.fetch(l.command().getUrisList(), l.sandbox(), l.user());
    }
    List<String> argv = namespaces.unshare();
    argv.addAll(commandArgv(l.user(), l.command()));
    long pid = spawner.spawn(l.environment(), l.sandbox(), stdout, stderr, isolator.joinFiles(l.containerId()), exitStatus, argv);
    isolator.started(l.containerId(), pid);
    long start = ProcStat.of(pid).map(ProcStat::startTicks).orElse(-1L);
    return new Started(pid, start);
  }

  /** The command as the supervisor runs it: {@code [setpriv …] /bin/sh -c <value>}, or {@code <value> <arguments[1..]>}. */
  static List<String> commandArgv(Optional<User> user, CommandInfo command) {
    List<String> argv = new ArrayList<>();
    user.ifPresent(u -> argv.addAll(List.of("setpriv", "--reuid=" + u.uid(), "--regid=" + u.gid(), "--init-groups", "--")));
    if (!command.hasShell() || command.getShell()) {
      argv.addAll(List.of(SH, "-c", execIfSimple(command.getValue())));
    } else {
      argv.add(command.getValue());
      if (command.getArgumentsCount() > 1) {
        argv.addAll(command.getArgumentsList().subList(1, command.getArgumentsCount()));
      }
    }
    return argv;
  }

  /** One simple command of plain words: no quotes, operators, redirections, globs, comments or newlines. */
  private static final java.util.regex.Pattern SIMPLE =
      java.util.regex.Pattern.compile("[A-Za-z0-9_./:,+@%-]+( +[A-Za-z0-9_./:,+@%={}$-]+)*");
  /** The shell's built-in commands and reserved words: {@code exec} would not run these the same way. */
  private static final java.util.Set<String> BUILT_IN = java.util.Set.of(".", ":", "[", "alias", "bg", "break", "cd", "chdir",
      "command", "continue", "echo", "eval", "exec", "exit", "export", "false", "fc", "fg", "getopts", "hash", "jobs", "kill",
      "local", "printf", "pwd", "read", "readonly", "return", "set", "shift", "test", "times", "trap", "true", "type", "ulimit",
      "umask", "unalias", "unset", "wait", "if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until",
      "for", "in", "function", "select");

  /**
   * A shell command that is a single external program with plain arguments (the common
   * {@code sleep 3600}, {@code ./server --port $PORT0}) as {@code exec <command>}: {@code sh -c}
   * then becomes the program instead of forking it (this system's dash does not do that by itself),
   * one process and one fork less per task, with the same words, expansions and exit status.
   * Anything else is left as it is.
   */
  static String execIfSimple(String value) {
    String v = value.strip();
    if (!SIMPLE.matcher(v).matches()) {
      return value;
    }
    String first = v.split(" +", 2)[0];
    return first.startsWith("-") || BUILT_IN.contains(first) ? value : "exec " + v;
  }

  /** A process as {@code /proc/<pid>/stat} shows it: its state letter and start time in clock ticks after boot. */
  record ProcStat(char state, long startTicks) {
    static Optional<ProcStat> of(long pid) {
      try {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Optional.of(new ProcStat(f[0].charAt(0), Long.parseLong(f[19])));
      } catch (IOException | RuntimeException e) {
        return Optional.empty();
      }
    }

    /** Whether the process with this pid is the one started at {@code startTicks} and has not exited. */
    static boolean alive(long pid, long startTicks) {
      return of(pid).filter(s -> s.state() != 'Z' && s.state() != 'X' && (startTicks < 0 || s.startTicks() == startTicks))
          .isPresent();
    }
  }

  /**
   * Starts a health-check command inside a running container's box, in its sandbox, with the
   * task's environment and user; its output is discarded.
   */
  Process exec(String containerId, Path sandbox, CommandInfo command, Map<String, String> environment, Optional<User> user)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(argv(isolator.joinFiles(containerId), enter(containerId, sandbox), user, command))
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
    return argv(joinFiles, List.of(), user, command);
  }

  /**
   * What enters a running container's namespaces ({@link Namespaces#enter}) before a command run
   * next to its task; empty without namespaces.
   *
   * @throws IOException when the container has no process left in its namespaces
   */
  List<String> enter(String containerId, Path directory) throws IOException {
    return enter(namespaces, isolator, containerId, directory);
  }

  /** As {@link #enter(String, Path)}, for a caller that holds the isolator and the namespaces. */
  static List<String> enter(Namespaces namespaces, Isolator isolator, String containerId, Path directory) throws IOException {
    if (!namespaces.any()) {
      return List.of();
    }
    long target = namespaces.target(isolator.pids(containerId))
        .orElseThrow(() -> new IOException("The container's namespaces are gone (its task has ended)"));
    return namespaces.enter(target, directory);
  }

  /** As {@link #argv(List, Optional, CommandInfo)}, with {@code enter} ({@code nsenter …}) before the command. */
  static List<String> argv(List<String> joinFiles, List<String> enter, Optional<User> user, CommandInfo command) {
    StringBuilder script = new StringBuilder();
    for (String file : joinFiles) {
      script.append("echo $$ > '").append(file.replace("'", "")).append("' && ");
    }
    script.append("exec setsid -w \"$@\"");
    List<String> argv = new ArrayList<>(List.of(SH, "-c", script.toString(), "mezzo-container"));
    argv.addAll(enter);
    argv.addAll(commandArgv(user, command));
    return argv;
  }

  /** Sends SIGTERM (or SIGKILL when {@code force}) to every process in the box; returns how many were signalled. */
  int signal(String containerId, boolean force) {
    return signal(containerId, force, -1);
  }

  /** As {@link #signal(String, boolean)}, sparing {@code spare} (the supervisor, which records the exit status). */
  int signal(String containerId, boolean force, long spare) {
    int n = 0;
    for (long pid : isolator.pids(containerId)) {
      if (pid == spare) {
        continue;
      }
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
    for (int round = 0; round < 500 && !isolator.pids(containerId).isEmpty(); round++) {
      signal(containerId, true);
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    isolator.destroy(containerId);
  }
}
