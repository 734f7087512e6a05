package io.mezzo.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Mesos's sandbox layout: {@code <work_dir>/slaves/<agent>/frameworks/<fw>/executors/<executor>/runs/<container>},
 * with {@code slaves/latest} and {@code runs/latest} symlinks to the newest agent and run.
 */
final class Sandboxes {
  private final Path root;
  /** {@code executors} directories already made or seen (see {@link #spread}). */
  private final java.util.Set<Path> spread = java.util.concurrent.ConcurrentHashMap.newKeySet();

  Sandboxes(Path workDir) {
    this.root = workDir.resolve("slaves");
  }

  /** {@code <work_dir>/slaves}: every sandbox lies below it. */
  Path root() {
    return root;
  }

  Path run(String agentId, String frameworkId, String executorId, String containerId) {
    return root.resolve(agentId).resolve("frameworks").resolve(frameworkId).resolve("executors").resolve(executorId)
        .resolve("runs").resolve(containerId);
  }

  /** Creates the run directory (mode 0755) and points both {@code latest} links at it. Blocks. */
  Path create(String agentId, String frameworkId, String executorId, String containerId) throws IOException {
    Path run = run(agentId, frameworkId, executorId, containerId);
    spread(run.getParent().getParent().getParent());
    Files.createDirectories(run);
    link(root.resolve("latest"), agentId);
    link(run.getParent().resolve("latest"), containerId);
    return run;
  }

  /**
   * Creates a framework's {@code executors} directory once and marks it as the top of a directory
   * hierarchy ({@code chattr +T}, ext2/3/4's TOPDIR flag), so that the file system spreads the
   * sandboxes below it over its block groups instead of packing every one into the group of their
   * parent. Without a journal, ext4 does not reuse an inode freed in the last minutes and walks past
   * every such inode of a group for each new name; with thousands of sandboxes created and removed
   * in one group, each new name then costs about half a millisecond of kernel time instead of a few
   * microseconds (docs/benchmarks.md, "Agent"). Other file systems refuse or ignore the flag; that is
   * harmless. Blocks.
   */
  private void spread(Path executors) throws IOException {
    if (spread.contains(executors)) {
      return;
    }
    boolean made = false;
    if (!Files.isDirectory(executors)) {
      Files.createDirectories(executors.getParent());
      try {
        Files.createDirectory(executors);
        made = true;
      } catch (java.nio.file.FileAlreadyExistsException raced) {
        // another launch of the same framework made it
      }
    }
    if (made) {
      try {
        Process p = new ProcessBuilder("chattr", "+T", executors.toString()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (IOException e) {
        // no chattr here: the sandboxes still work, only without the spreading
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    spread.add(executors);
  }

  /**
   * Points {@code link} at {@code target} atomically; safe when several launches relink at once. A
   * missing link is created in place; an existing one is replaced through a temporary link and a
   * rename.
   */
  private static void link(Path link, String target) throws IOException {
    try {
      if (Files.readSymbolicLink(link).toString().equals(target)) {
        return;
      }
    } catch (IOException | UnsupportedOperationException e) {
      // no link yet: most runs are the first of their executor, so try to create it in place
      try {
        Files.createSymbolicLink(link, Path.of(target));
        return;
      } catch (java.nio.file.FileAlreadyExistsException raced) {
        // another launch made it meanwhile: replace it below
      }
    }
    Path tmp = link.resolveSibling(".latest-" + java.util.UUID.randomUUID());
    Files.createSymbolicLink(tmp, Path.of(target));
    Files.move(tmp, link, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** An id is usable as one path segment. */
  static boolean safeSegment(String id) {
    return !id.isEmpty() && !id.equals(".") && !id.equals("..") && !id.contains("/") && !id.contains("\0");
  }
}
