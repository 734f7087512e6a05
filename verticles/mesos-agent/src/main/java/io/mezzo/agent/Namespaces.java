package io.mezzo.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The Linux namespaces a task's command gets of its own (the {@code namespaces} agent setting),
 * through util-linux's {@code unshare} at launch and {@code nsenter} for commands run next to the
 * task (health checks, command sessions).
 *
 * <ul>
 *   <li>{@code pid}: the command is PID 1 of a new PID namespace with {@code /proc} mounted anew,
 *       so it sees only its own processes (see {@link #unshare}). This needs a mount namespace of
 *       its own too (for that {@code /proc}), with private propagation.</li>
 *   <li>{@code mount}: {@code unshare --mount --propagation private}: mounts the task makes stay in
 *       its namespace.</li>
 * </ul>
 *
 * The supervisor stays outside the namespaces and records the command's exit status as without
 * them.
 */
record Namespaces(boolean pid, boolean mount) {
  static final Namespaces NONE = new Namespaces(false, false);
  static final List<String> NAMES = List.of("pid", "mount");

  static final String UNSHARE = Spawner.executable("unshare");
  static final String NSENTER = Spawner.executable("nsenter");
  static final String MOUNT = Spawner.executable("mount");

  static Namespaces of(Collection<String> names) {
    return new Namespaces(names.contains("pid"), names.contains("mount"));
  }

  boolean any() {
    return pid || mount;
  }

  /**
   * What goes before the command at launch; empty when no namespace is asked for. With a PID
   * namespace: {@code unshare --pid --mount --propagation private -- /bin/sh -c 'trap : TERM INT HUP;
   * (mount -t proc … proc /proc && exec "$@"); exit $?' mezzo-pid-ns}: the subshell is the first
   * process of the new PID namespace, mounts {@code /proc} for it and becomes the command (PID 1).
   * The shell above it waits and exits with the command's status, 128 + n for a signal, as the
   * supervisor does. ({@code unshare --fork --mount-proc} would do the same, but the util-linux
   * release on this system exits 1 instead of dying the same way when its child is SIGKILLed.)
   * The waiting shell traps SIGTERM/SIGINT/SIGHUP, so a graceful kill does not end it before the
   * command; the command itself starts with the default dispositions.
   */
  List<String> unshare() {
    List<String> argv = new ArrayList<>();
    if (!any()) {
      return argv;
    }
    argv.addAll(List.of(UNSHARE, "--mount", "--propagation", "private"));
    if (pid) {
      argv.add(1, "--pid");
      argv.addAll(List.of("--", Containerizer.SH, "-c", "trap : TERM INT HUP; (" + Spawner.quote(MOUNT)
          + " -t proc -o nosuid,nodev,noexec proc /proc && exec \"$@\"); exit $?", "mezzo-pid-ns"));
    } else {
      argv.add("--");
    }
    return argv;
  }

  /**
   * What goes before a command that must run in the task's namespaces: {@code nsenter --target
   * <pid> --pid --mount -- /bin/sh -c 'cd "$1" && shift && exec "$@"' mezzo-enter <dir>}. {@code
   * nsenter} forks into a PID namespace and ends as the command did. The directory is entered
   * after the mount namespace, so it is the task's view of it (with the task's own mounts); a
   * directory opened before (nsenter's {@code --wd=<dir>}) would still be the host's.
   */
  List<String> enter(long target, Path directory) {
    List<String> argv = new ArrayList<>();
    if (!any()) {
      return argv;
    }
    argv.addAll(List.of(NSENTER, "--target", String.valueOf(target)));
    if (pid) {
      argv.add("--pid");
    }
    argv.addAll(List.of("--mount", "--", Containerizer.SH, "-c", "cd \"$1\" && shift && exec \"$@\"", "mezzo-enter",
        directory.toString()));
    return argv;
  }

  /**
   * A process of the container that is inside the task's namespaces (its PID 1 first when there is
   * a PID namespace), to give {@code nsenter} as target; empty when there is none (the task ended).
   */
  Optional<Long> target(Collection<Long> pids) {
    String ownPid = link("self", "pid");
    String ownMnt = link("self", "mnt");
    Long found = null;
    for (long p : pids) {
      String ps = String.valueOf(p);
      String pidNs = link(ps, "pid");
      String mntNs = link(ps, "mnt");
      if (pidNs == null || mntNs == null || mntNs.equals(ownMnt) || (pid && pidNs.equals(ownPid))) {
        continue;
      }
      if (!pid || isInit(ps)) {
        return Optional.of(p);
      }
      if (found == null) {
        found = p;
      }
    }
    return Optional.ofNullable(found);
  }

  private static boolean isInit(String pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
        if (line.startsWith("NSpid:")) {
          return line.trim().endsWith("\t1") || line.trim().endsWith(" 1");
        }
      }
    } catch (IOException | RuntimeException e) {
      return false;
    }
    return false;
  }

  private static String link(String pid, String ns) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", pid, "ns", ns)).toString();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
