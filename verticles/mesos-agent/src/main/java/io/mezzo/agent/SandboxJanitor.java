package io.mezzo.agent;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Sandbox housekeeping, on worker threads: garbage collection of finished runs after
 * {@code gc_delay} (a run directory's modification time is set when its container is destroyed;
 * runs of live containers are never touched, and runs left by an earlier agent run are collected
 * by the same rule) and size-based rotation of running tasks' {@code stdout}/{@code stderr}
 * (copy, then truncate in place, so the task's appending writes go on into the fresh file).
 */
final class SandboxJanitor {
  private static final Logger LOG = Logger.getLogger(SandboxJanitor.class.getName());

  private final Path slaves;
  private final long gcDelayMs;
  private final double headroom;
  private final java.util.function.DoubleSupplier diskUsage;
  private final long maxBytes;
  private final int kept;

  SandboxJanitor(Path slaves, long gcDelayMs, long maxBytes, int kept) {
    this(slaves, gcDelayMs, 0.1, () -> diskUsage(slaves), maxBytes, kept);
  }

  /**
   * @param headroom  share of the disk to keep free (Mesos's {@code gc_disk_headroom})
   * @param diskUsage the used share of the sandboxes' file system, 0 to 1, asked once per collection
   */
  SandboxJanitor(Path slaves, long gcDelayMs, double headroom, java.util.function.DoubleSupplier diskUsage, long maxBytes,
                 int kept) {
    this.slaves = slaves;
    this.gcDelayMs = gcDelayMs;
    this.headroom = headroom;
    this.diskUsage = diskUsage;
    this.maxBytes = maxBytes;
    this.kept = kept;
  }

  /** Marks a run as finished now (its directory's mtime), the start of its gc_delay. */
  static void finished(Path run) {
    try {
      Files.setLastModifiedTime(run, FileTime.from(java.time.Instant.now()));
    } catch (IOException e) {
      // gone already
    }
  }

  /**
   * Removes run directories not in {@code live} whose gc_delay is over; returns how many.
   *
   * @param asOf when {@code live} was taken (runs created later are younger than that, so never removed)
   */
  int collect(Set<Path> live, long asOf) {
    int removed = 0;
    long cutoff = asOf - maxAge(gcDelayMs, headroom, diskUsage.getAsDouble());
    for (Path agent : children(slaves)) {
      for (Path framework : children(agent.resolve("frameworks"))) {
        for (Path executor : children(framework.resolve("executors"))) {
          Path runs = executor.resolve("runs");
          for (Path run : children(runs)) {
            if (live.contains(run)) {
              continue;
            }
            try {
              if (Files.getLastModifiedTime(run, LinkOption.NOFOLLOW_LINKS).toMillis() <= cutoff) {
                Checkpoints.deleteTree(run);
                removed++;
              }
            } catch (IOException e) {
              LOG.warning("Cannot remove sandbox " + run + ": " + e);
            }
          }
          if (children(runs).isEmpty() && olderThan(executor, cutoff)) {
            deleteQuietly(executor);
          }
        }
        if (children(framework.resolve("executors")).isEmpty() && olderThan(framework, cutoff)) {
          deleteQuietly(framework);
        }
      }
    }
    return removed;
  }

  /**
   * How old a finished sandbox may get, Mesos's rule: {@code gc_delay × max(0, 1 − headroom − usage)}.
   * On an empty disk that is almost the whole {@code gc_delay}; once the disk is fuller than
   * {@code 1 − headroom}, every finished sandbox goes at the next collection.
   */
  static long maxAge(long gcDelayMs, double headroom, double usage) {
    double share = Math.max(0.0, 1.0 - headroom - Math.max(0.0, Math.min(1.0, usage)));
    return (long) (gcDelayMs * share);
  }

  /** The used share of the file system holding {@code dir} (0 when it cannot be read). */
  static double diskUsage(Path dir) {
    try {
      java.nio.file.FileStore store = Files.getFileStore(dir);
      long total = store.getTotalSpace();
      return total <= 0 ? 0.0 : 1.0 - (double) store.getUsableSpace() / total;
    } catch (IOException e) {
      return 0.0;
    }
  }

  /** Rotates {@code stdout} and {@code stderr} of each running sandbox that grew beyond the limit. */
  void rotate(Collection<Path> running) {
    if (maxBytes <= 0) {
      return;
    }
    for (Path dir : running) {
      for (String name : List.of("stdout", "stderr")) {
        Path file = dir.resolve(name);
        try {
          if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.size(file) > maxBytes) {
            rotate(file);
          }
        } catch (IOException e) {
          LOG.fine("Cannot rotate " + file + ": " + e);
        }
      }
    }
  }

  private void rotate(Path file) throws IOException {
    Files.deleteIfExists(file.resolveSibling(file.getFileName() + "." + kept));
    for (int i = kept - 1; i >= 1; i--) {
      Path from = file.resolveSibling(file.getFileName() + "." + i);
      if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
        Files.move(from, file.resolveSibling(file.getFileName() + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Files.copy(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
    try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      channel.truncate(0);
    }
  }

  private static boolean olderThan(Path dir, long cutoff) {
    try {
      return Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS).toMillis() <= cutoff;
    } catch (IOException e) {
      return false;
    }
  }

  private static List<Path> children(Path dir) {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
      s.forEach(out::add);
    } catch (IOException e) {
      // listed nothing
    }
    return out;
  }

  private static void deleteQuietly(Path dir) {
    try {
      Checkpoints.deleteTree(dir);
    } catch (IOException e) {
      LOG.fine("Cannot remove " + dir + ": " + e);
    }
  }
}
