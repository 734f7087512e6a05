package io.mezzo.agent.cgroups;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control-file values written for a container, against a directory standing in for /sys/fs/cgroup. */
class CgroupsTest {
  @TempDir
  Path base;

  @Test
  void limits_followMesosFormulas() {
    Limits l = new Limits(0.5, 64L << 20, 100);
    assertThat(l.shares()).isEqualTo(512);
    assertThat(l.quotaUs()).isEqualTo(50_000);
    assertThat(new Limits(0.001, 0, 0).quotaUs()).isEqualTo(Limits.MIN_CFS_QUOTA_US);
    assertThat(new Limits(0.001, 0, 0).shares()).isEqualTo(2);
    assertThat(new Limits(1, 0, 0).weight()).isEqualTo(39);
  }

  @Test
  void v1_writesEachControllerAndListsJoinFiles() throws Exception {
    for (String c : CgroupsV1.CONTROLLERS) {
      Files.createDirectories(base.resolve(c));
    }
    CgroupsV1 v1 = new CgroupsV1(base, "mezzo");
    v1.prepare("c1", new Limits(2, 128L << 20, 50));
    assertThat(Files.readString(base.resolve("cpu/mezzo/c1/cpu.shares"))).isEqualTo("2048");
    assertThat(Files.readString(base.resolve("cpu/mezzo/c1/cpu.cfs_quota_us"))).isEqualTo("200000");
    assertThat(Files.readString(base.resolve("cpu/mezzo/c1/cpu.cfs_period_us"))).isEqualTo("100000");
    assertThat(Files.readString(base.resolve("memory/mezzo/c1/memory.limit_in_bytes"))).isEqualTo(String.valueOf(128L << 20));
    assertThat(Files.readString(base.resolve("pids/mezzo/c1/pids.max"))).isEqualTo("50");
    assertThat(v1.joinFiles("c1")).containsExactly(base + "/cpu/mezzo/c1/cgroup.procs", base + "/memory/mezzo/c1/cgroup.procs",
        base + "/pids/mezzo/c1/cgroup.procs");
    assertThat(v1.existing()).containsExactly("c1");

    Files.writeString(base.resolve("memory/mezzo/c1/memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
    assertThat(v1.oomKilled("c1")).isFalse();
    Files.writeString(base.resolve("memory/mezzo/c1/memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
    assertThat(v1.oomKilled("c1")).isTrue();
  }

  @Test
  void v2_enablesControllersDownTheTreeAndWritesOneDirectory() throws Exception {
    CgroupsV2 v2 = new CgroupsV2(base, "mezzo/agent");
    v2.prepare("c1", new Limits(0.5, 64L << 20, 10));
    assertThat(Files.readString(base.resolve("cgroup.subtree_control"))).isNotEmpty();
    assertThat(Files.exists(base.resolve("mezzo/agent/cgroup.subtree_control"))).isTrue();
    Path dir = base.resolve("mezzo/agent/c1");
    assertThat(Files.readString(dir.resolve("cpu.max"))).isEqualTo("50000 100000");
    assertThat(Files.readString(dir.resolve("cpu.weight"))).isEqualTo(String.valueOf(new Limits(0.5, 0, 0).weight()));
    assertThat(Files.readString(dir.resolve("memory.max"))).isEqualTo(String.valueOf(64L << 20));
    assertThat(Files.readString(dir.resolve("pids.max"))).isEqualTo("10");
    assertThat(v2.joinFiles("c1")).containsExactly(dir + "/cgroup.procs");
    Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\n");
    assertThat(v2.oomKilled("c1")).isTrue();
  }

  @Test
  void detection_prefersV2WhenControllersFileExists() throws Exception {
    Files.writeString(base.resolve("cgroup.controllers"), "cpu memory pids");
    assertThat(Isolators.detect("auto", base, "mezzo").kind()).isEqualTo("cgroups-v2");
    assertThat(Isolators.detect("posix", base, "mezzo").kind()).isEqualTo("posix");
  }

  @Test
  void detection_fallsBackToPosixWithoutHierarchy_orFailsWhenCgroupsRequired() throws Exception {
    assertThat(Isolators.detect("auto", base, "mezzo").kind()).isEqualTo("posix");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Isolators.detect("cgroups", base, "mezzo"))
        .hasMessageContaining("cgroups isolation unavailable");
  }

  @Test
  void posix_findsTheTopProcessAndItsDescendants() throws Exception {
    PosixIsolator posix = new PosixIsolator();
    Process p = new ProcessBuilder("/bin/sh", "-c", "sleep 30 & wait").start();
    try {
      posix.started("c1", p.pid());
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> posix.pids("c1").size() == 2);
      assertThat(posix.pids("c1")).startsWith(p.pid());
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor();
    }
    assertThat(posix.pids("c1")).isEmpty();
    posix.destroy("c1");
    assertThat(posix.pids("c1")).isEmpty();
  }
}
