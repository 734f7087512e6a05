package io.mezzo.agent.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/** Picks the isolator for this machine: cgroup v2 when {@code cgroup.controllers} is at the base, else v1, else posix. */
public final class Isolators {
  private static final Logger LOG = Logger.getLogger(Isolators.class.getName());
  public static final Path CGROUP_BASE = Path.of("/sys/fs/cgroup");

  private Isolators() {
  }

  /**
   * @param mode {@code auto}, {@code cgroups} (fail when cgroups are unusable) or {@code posix}
   * @throws IOException when {@code cgroups} was asked for and cannot be used
   */
  public static Isolator detect(String mode, Path base, String root) throws IOException {
    if (mode.equals("posix")) {
      return new PosixIsolator();
    }
    Isolator cgroups = null;
    Path probe = null;
    if (Files.exists(base.resolve("cgroup.controllers"))) {
      cgroups = new CgroupsV2(base, root);
      probe = base.resolve(root);
    } else if (Files.isDirectory(base.resolve("memory")) && Files.isDirectory(base.resolve("cpu"))
        && Files.isDirectory(base.resolve("pids"))) {
      cgroups = new CgroupsV1(base, root);
      probe = base.resolve("memory").resolve(root);
    }
    String problem = null;
    if (cgroups == null) {
      problem = "no cgroup v2 or v1 (cpu, memory, pids) hierarchy under " + base;
    } else {
      try {
        Files.createDirectories(probe);
      } catch (IOException e) {
        problem = "cannot create " + probe + ": " + e;
      }
    }
    if (problem == null) {
      return cgroups;
    }
    if (mode.equals("cgroups")) {
      throw new IOException("cgroups isolation unavailable: " + problem);
    }
    LOG.warning("Tasks run without cgroups isolation: " + problem);
    return new PosixIsolator();
  }
}
