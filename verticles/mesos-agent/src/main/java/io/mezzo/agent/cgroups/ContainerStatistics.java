package io.mezzo.agent.cgroups;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.ResourceStatistics;

/**
 * Reads a container's resource usage from its cgroup files into Mesos's {@code ResourceStatistics}
 * (the {@code /monitor/statistics} and {@code GET_CONTAINERS} field names). cgroup v1 reads the
 * cpu, cpuacct, memory and pids hierarchies under {@code <base>/<controller>/<root>/<container id>};
 * cgroup v2 reads {@code <base>/<root>/<container id>}. CPU times come from {@code cpuacct.stat} or
 * v2's {@code cpu.stat}; where the container has no cpuacct cgroup they are summed from
 * {@code /proc} over the container's processes (each one's own and its waited-for children's
 * times). Without cgroups (posix isolation) everything comes from {@code /proc}. Every method
 * blocks on file reads: call it from a worker thread.
 */
public final class ContainerStatistics {
  /** Clock ticks per second of {@code /proc/<pid>/stat} and {@code cpuacct.stat} (USER_HZ, 100 on Linux). */
  static final double TICKS = 100.0;
  static final long PAGE = 4096;

  private final String kind;
  private final Path base;
  private final String root;

  /**
   * @param kind the isolator's kind ({@code cgroups-v1}, {@code cgroups-v2} or {@code posix})
   * @param base the cgroup mount ({@code /sys/fs/cgroup})
   * @param root the agent's cgroups root ({@code cgroups_root})
   */
  public ContainerStatistics(String kind, Path base, String root) {
    this.kind = kind;
    this.base = base;
    this.root = root;
  }

  /**
   * The container's usage now, or null when its cgroup is gone.
   *
   * @param pids      the container's processes (for the /proc fall-backs)
   * @param cpusLimit the cpus the container was given, used when no CFS quota is set
   * @param timestamp seconds since the epoch
   */
  public ResourceStatistics read(String containerId, List<Long> pids, double cpusLimit, double timestamp) {
    ResourceStatistics.Builder b = ResourceStatistics.newBuilder().setTimestamp(timestamp);
    switch (kind) {
      case "cgroups-v1" -> {
        Path memory = base.resolve("memory").resolve(root).resolve(containerId);
        if (!Files.isDirectory(memory)) {
          return null;
        }
        v1(b, containerId, memory, pids, cpusLimit);
      }
      case "cgroups-v2" -> {
        Path dir = base.resolve(root).resolve(containerId);
        if (!Files.isDirectory(dir)) {
          return null;
        }
        v2(b, dir, cpusLimit);
      }
      default -> {
        if (pids.isEmpty()) {
          return null;
        }
        procCpu(b, pids);
        long rss = 0;
        for (long pid : pids) {
          String[] statm = CgroupFiles.read(Path.of("/proc", String.valueOf(pid), "statm")).trim().split("\\s+");
          rss += statm.length > 1 ? number(statm[1]) * PAGE : 0;
        }
        b.setMemRssBytes(rss).setProcesses(pids.size());
        if (cpusLimit > 0) {
          b.setCpusLimit(cpusLimit);
        }
      }
    }
    return b.build();
  }

  private void v1(ResourceStatistics.Builder b, String containerId, Path memory, List<Long> pids, double cpusLimit) {
    Map<String, Long> stat = CgroupFiles.entries(memory.resolve("memory.stat"));
    b.setMemTotalBytes(number(CgroupFiles.read(memory.resolve("memory.usage_in_bytes"))));
    long limit = number(CgroupFiles.read(memory.resolve("memory.limit_in_bytes")));
    if (limit > 0 && limit < Long.MAX_VALUE / 2) {
      b.setMemLimitBytes(limit);
    }
    b.setMemRssBytes(stat.getOrDefault("total_rss", 0L))
        .setMemCacheBytes(stat.getOrDefault("total_cache", 0L))
        .setMemMappedFileBytes(stat.getOrDefault("total_mapped_file", 0L))
        .setMemSwapBytes(stat.getOrDefault("total_swap", 0L))
        .setMemUnevictableBytes(stat.getOrDefault("total_unevictable", 0L))
        .setMemAnonBytes(stat.getOrDefault("total_active_anon", 0L) + stat.getOrDefault("total_inactive_anon", 0L))
        .setMemFileBytes(stat.getOrDefault("total_active_file", 0L) + stat.getOrDefault("total_inactive_file", 0L));
    b.setThreads((int) lines(memory.resolve("tasks")));

    Path cpu = base.resolve("cpu").resolve(root).resolve(containerId);
    Map<String, Long> cpuStat = CgroupFiles.entries(cpu.resolve("cpu.stat"));
    b.setCpusNrPeriods(cpuStat.getOrDefault("nr_periods", 0L).intValue())
        .setCpusNrThrottled(cpuStat.getOrDefault("nr_throttled", 0L).intValue())
        .setCpusThrottledTimeSecs(cpuStat.getOrDefault("throttled_time", 0L) / 1e9);
    long quota = number(CgroupFiles.read(cpu.resolve("cpu.cfs_quota_us")));
    long period = number(CgroupFiles.read(cpu.resolve("cpu.cfs_period_us")));
    b.setCpusLimit(quota > 0 && period > 0 ? (double) quota / period : cpusLimit);

    Path cpuacct = base.resolve("cpuacct").resolve(root).resolve(containerId).resolve("cpuacct.stat");
    Map<String, Long> acct = Files.isRegularFile(cpuacct) ? CgroupFiles.entries(cpuacct) : Map.of();
    if (acct.containsKey("user")) {
      b.setCpusUserTimeSecs(acct.get("user") / TICKS).setCpusSystemTimeSecs(acct.getOrDefault("system", 0L) / TICKS);
    } else {
      procCpu(b, pids);
    }
    Path pidsDir = base.resolve("pids").resolve(root).resolve(containerId);
    String current = CgroupFiles.read(pidsDir.resolve("pids.current")).trim();
    b.setProcesses(current.isEmpty() ? pids.size() : (int) number(current));
  }

  private static void v2(ResourceStatistics.Builder b, Path dir, double cpusLimit) {
    Map<String, Long> stat = CgroupFiles.entries(dir.resolve("memory.stat"));
    b.setMemTotalBytes(number(CgroupFiles.read(dir.resolve("memory.current"))));
    String max = CgroupFiles.read(dir.resolve("memory.max")).trim();
    if (!max.isEmpty() && !max.equals("max")) {
      b.setMemLimitBytes(number(max));
    }
    b.setMemRssBytes(stat.getOrDefault("anon", 0L))
        .setMemAnonBytes(stat.getOrDefault("anon", 0L))
        .setMemFileBytes(stat.getOrDefault("file", 0L))
        .setMemCacheBytes(stat.getOrDefault("file", 0L))
        .setMemMappedFileBytes(stat.getOrDefault("file_mapped", 0L))
        .setMemUnevictableBytes(stat.getOrDefault("unevictable", 0L))
        .setMemSwapBytes(number(CgroupFiles.read(dir.resolve("memory.swap.current"))));
    Map<String, Long> cpu = CgroupFiles.entries(dir.resolve("cpu.stat"));
    b.setCpusUserTimeSecs(cpu.getOrDefault("user_usec", 0L) / 1e6)
        .setCpusSystemTimeSecs(cpu.getOrDefault("system_usec", 0L) / 1e6)
        .setCpusNrPeriods(cpu.getOrDefault("nr_periods", 0L).intValue())
        .setCpusNrThrottled(cpu.getOrDefault("nr_throttled", 0L).intValue())
        .setCpusThrottledTimeSecs(cpu.getOrDefault("throttled_usec", 0L) / 1e6);
    String[] quota = CgroupFiles.read(dir.resolve("cpu.max")).trim().split("\\s+");
    boolean capped = quota.length == 2 && !quota[0].equals("max") && number(quota[1]) > 0;
    b.setCpusLimit(capped ? (double) number(quota[0]) / number(quota[1]) : cpusLimit);
    b.setProcesses((int) number(CgroupFiles.read(dir.resolve("pids.current"))))
        .setThreads((int) lines(dir.resolve("cgroup.threads")));
  }

  /** User and system time of the processes and of the children they waited for, from {@code /proc/<pid>/stat}. */
  private static void procCpu(ResourceStatistics.Builder b, List<Long> pids) {
    long user = 0;
    long system = 0;
    for (long pid : pids) {
      String stat = CgroupFiles.read(Path.of("/proc", String.valueOf(pid), "stat"));
      int close = stat.lastIndexOf(')');
      if (close < 0 || close + 2 >= stat.length()) {
        continue;
      }
      String[] f = stat.substring(close + 2).split(" ");
      if (f.length > 14) {
        user += number(f[11]) + number(f[13]);
        system += number(f[12]) + number(f[14]);
      }
    }
    b.setCpusUserTimeSecs(user / TICKS).setCpusSystemTimeSecs(system / TICKS);
  }

  static long number(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static long lines(Path file) {
    return CgroupFiles.read(file).lines().filter(l -> !l.isBlank()).count();
  }
}
