package io.mezzo.agent.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * cgroup v1: one directory per controller, {@code <base>/<controller>/<root>/<container id>}, for
 * the cpu (shares and CFS quota), memory (limit, OOM counter) and pids controllers.
 */
public final class CgroupsV1 implements Isolator {
  static final List<String> CONTROLLERS = List.of("cpu", "memory", "pids");

  private final Path base;
  private final String root;

  public CgroupsV1(Path base, String root) {
    this.base = base;
    this.root = root;
  }

  @Override
  public String kind() {
    return "cgroups-v1";
  }

  Path dir(String controller, String containerId) {
    return base.resolve(controller).resolve(root).resolve(containerId);
  }

  @Override
  public void prepare(String containerId, Limits limits) throws IOException {
    for (String c : CONTROLLERS) {
      Files.createDirectories(dir(c, containerId));
    }
    limit(containerId, limits);
  }

  @Override
  public void update(String containerId, Limits limits) throws IOException {
    if (Files.isDirectory(dir("memory", containerId))) {
      limit(containerId, limits);
    }
  }

  private void limit(String containerId, Limits limits) throws IOException {
    Path cpu = dir("cpu", containerId);
    CgroupFiles.write(cpu.resolve("cpu.shares"), String.valueOf(limits.shares()));
    if (limits.cpus() > 0) {
      CgroupFiles.write(cpu.resolve("cpu.cfs_period_us"), String.valueOf(Limits.CFS_PERIOD_US));
      CgroupFiles.write(cpu.resolve("cpu.cfs_quota_us"), String.valueOf(limits.quotaUs()));
    }
    if (limits.memoryBytes() > 0) {
      CgroupFiles.write(dir("memory", containerId).resolve("memory.limit_in_bytes"), String.valueOf(limits.memoryBytes()));
    }
    if (limits.pids() > 0) {
      CgroupFiles.write(dir("pids", containerId).resolve("pids.max"), String.valueOf(limits.pids()));
    }
  }

  @Override
  public List<String> joinFiles(String containerId) {
    List<String> files = new ArrayList<>();
    for (String c : CONTROLLERS) {
      files.add(dir(c, containerId).resolve("cgroup.procs").toString());
    }
    return files;
  }

  @Override
  public List<Long> pids(String containerId) {
    return CgroupFiles.procs(dir("memory", containerId));
  }

  @Override
  public boolean oomKilled(String containerId) {
    // read once: the agent asks this of every running container each second
    String control = CgroupFiles.read(dir("memory", containerId).resolve("memory.oom_control"));
    return CgroupFiles.keyedIn(control, "oom_kill") > 0 || CgroupFiles.keyedIn(control, "under_oom") > 0;
  }

  @Override
  public void destroy(String containerId) throws IOException {
    for (String c : CONTROLLERS) {
      CgroupFiles.remove(dir(c, containerId));
    }
  }

  @Override
  public void removeRoot() {
    for (String c : CONTROLLERS) {
      CgroupFiles.removeEmpty(base.resolve(c), root);
    }
  }

  @Override
  public List<String> existing() {
    return CgroupFiles.children(base.resolve("memory").resolve(root));
  }
}
