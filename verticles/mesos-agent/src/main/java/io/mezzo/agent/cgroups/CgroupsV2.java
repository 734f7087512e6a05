package io.mezzo.agent.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * cgroup v2: one tree, {@code <base>/<root>/<container id>}, with the cpu, memory and pids
 * controllers enabled down to the containers ({@code cgroup.subtree_control}).
 */
public final class CgroupsV2 implements Isolator {
  private final Path base;
  private final String root;

  public CgroupsV2(Path base, String root) {
    this.base = base;
    this.root = root;
  }

  @Override
  public String kind() {
    return "cgroups-v2";
  }

  Path dir(String containerId) {
    return base.resolve(root).resolve(containerId);
  }

  @Override
  public void prepare(String containerId, Limits limits) throws IOException {
    Path parent = base;
    for (Path part : Path.of(root)) {
      enableControllers(parent);
      parent = parent.resolve(part.toString());
      Files.createDirectories(parent);
    }
    enableControllers(parent);
    limit(Files.createDirectories(dir(containerId)), limits);
  }

  @Override
  public void update(String containerId, Limits limits) throws IOException {
    if (Files.isDirectory(dir(containerId))) {
      limit(dir(containerId), limits);
    }
  }

  private static void limit(Path dir, Limits limits) throws IOException {
    CgroupFiles.write(dir.resolve("cpu.weight"), String.valueOf(limits.weight()));
    if (limits.cpus() > 0) {
      CgroupFiles.write(dir.resolve("cpu.max"), limits.quotaUs() + " " + Limits.CFS_PERIOD_US);
    }
    if (limits.memoryBytes() > 0) {
      CgroupFiles.write(dir.resolve("memory.max"), String.valueOf(limits.memoryBytes()));
      if (Files.exists(dir.resolve("memory.swap.max"))) {
        CgroupFiles.write(dir.resolve("memory.swap.max"), "0");
      }
    }
    if (limits.pids() > 0) {
      CgroupFiles.write(dir.resolve("pids.max"), String.valueOf(limits.pids()));
    }
  }

  private static void enableControllers(Path dir) throws IOException {
    Path control = dir.resolve("cgroup.subtree_control");
    String enabled = CgroupFiles.read(control);
    for (String c : List.of("cpu", "memory", "pids")) {
      if (!List.of(enabled.trim().split("\\s+")).contains(c)) {
        try {
          CgroupFiles.write(control, "+" + c);
        } catch (IOException e) {
          throw new IOException("Cannot enable the '" + c + "' controller in " + control + ": " + e.getMessage(), e);
        }
      }
    }
  }

  @Override
  public List<String> joinFiles(String containerId) {
    return List.of(dir(containerId).resolve("cgroup.procs").toString());
  }

  @Override
  public List<Long> pids(String containerId) {
    return CgroupFiles.procs(dir(containerId));
  }

  @Override
  public boolean oomKilled(String containerId) {
    return CgroupFiles.keyed(dir(containerId).resolve("memory.events"), "oom_kill") > 0;
  }

  @Override
  public void destroy(String containerId) throws IOException {
    CgroupFiles.remove(dir(containerId));
  }

  @Override
  public void removeRoot() {
    CgroupFiles.removeEmpty(base, root);
  }

  @Override
  public List<String> existing() {
    return CgroupFiles.children(base.resolve(root));
  }
}
