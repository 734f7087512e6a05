package io.mezzo.agent.cgroups;

/**
 * What a container may use.
 *
 * @param cpus        CPU share and hard cap (cores); 0 for none
 * @param memoryBytes memory limit; 0 for none
 * @param pids        most processes; 0 for none
 */
public record Limits(double cpus, long memoryBytes, int pids) {
  public static final long CFS_PERIOD_US = 100_000;
  public static final long MIN_CFS_QUOTA_US = 1_000;

  /** cgroup v1 {@code cpu.shares}: 1024 per cpu, at least 2. */
  public long shares() {
    return Math.max(2, Math.round(1024 * cpus));
  }

  /** The CFS quota per {@link #CFS_PERIOD_US}: cpus × 100 ms, at least 1 ms. */
  public long quotaUs() {
    return Math.max(MIN_CFS_QUOTA_US, Math.round(cpus * CFS_PERIOD_US));
  }

  /** cgroup v2 {@code cpu.weight} (1..10000) for the same share as {@link #shares()}. */
  public long weight() {
    return 1 + ((shares() - 2) * 9_999) / 262_142;
  }
}
