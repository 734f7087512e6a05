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
    Path run = Files.createDirectories(run(agentId, frameworkId, executorId, containerId));
    link(root.resolve("latest"), agentId);
    link(run.getParent().resolve("latest"), containerId);
    return run;
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
