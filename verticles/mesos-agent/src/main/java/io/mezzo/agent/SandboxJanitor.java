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
  private final long maxBytes;
  private final int kept;

  SandboxJanitor(Path slaves, long gcDelayMs, long maxBytes, int kept) {
    this.slaves = slaves;
    this.gcDelayMs = gcDelayMs;
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
    long cutoff = asOf - gcDelayMs;
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
