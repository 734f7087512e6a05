package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.agent.cgroups.ContainerStatistics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ResourceStatistics;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pure parts of the operator API: cgroup v2 and v1 statistics files mapped to Mesos's field
 * names (the CI machine has only v1 mounted, so v2 is checked on files laid out as the kernel
 * writes them), the metrics' counting of ended tasks, and the terminal wrapper of TTY sessions.
 */
class OperatorApiUnitsTest {
  @TempDir
  Path base;

  private void write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  @Test
  void cgroupV2Files_mapToMesosStatistics() throws Exception {
    Path dir = base.resolve("mezzo/c1");
    write(dir.resolve("memory.current"), "52428800\n");
    write(dir.resolve("memory.max"), "134217728\n");
    write(dir.resolve("memory.swap.current"), "0\n");
    write(dir.resolve("memory.stat"), "anon 41943040\nfile 8388608\nkernel 1048576\nfile_mapped 4096\nunevictable 0\n");
    write(dir.resolve("cpu.stat"), "usage_usec 3500000\nuser_usec 2500000\nsystem_usec 1000000\nnr_periods 40\n"
        + "nr_throttled 3\nthrottled_usec 250000\n");
    write(dir.resolve("cpu.max"), "50000 100000\n");
    write(dir.resolve("pids.current"), "2\n");
    write(dir.resolve("cgroup.threads"), "101\n102\n103\n");

    ResourceStatistics s = new ContainerStatistics("cgroups-v2", base, "mezzo").read("c1", List.of(), 9.0, 1234.5);
    assertThat(s.getTimestamp()).isEqualTo(1234.5);
    assertThat(s.getMemTotalBytes()).isEqualTo(52428800L);
    assertThat(s.getMemLimitBytes()).isEqualTo(128L << 20);
    assertThat(s.getMemRssBytes()).isEqualTo(40L << 20);
    assertThat(s.getMemFileBytes()).isEqualTo(8L << 20);
    assertThat(s.getMemMappedFileBytes()).isEqualTo(4096);
    assertThat(s.getCpusUserTimeSecs()).isEqualTo(2.5);
    assertThat(s.getCpusSystemTimeSecs()).isEqualTo(1.0);
    assertThat(s.getCpusLimit()).as("from cpu.max, not the fallback").isEqualTo(0.5);
    assertThat(s.getCpusNrPeriods()).isEqualTo(40);
    assertThat(s.getCpusNrThrottled()).isEqualTo(3);
    assertThat(s.getCpusThrottledTimeSecs()).isEqualTo(0.25);
    assertThat(s.getProcesses()).isEqualTo(2);
    assertThat(s.getThreads()).isEqualTo(3);

    write(dir.resolve("memory.max"), "max\n");
    write(dir.resolve("cpu.max"), "max 100000\n");
    ResourceStatistics unlimited = new ContainerStatistics("cgroups-v2", base, "mezzo").read("c1", List.of(), 0.25, 1.0);
    assertThat(unlimited.hasMemLimitBytes()).isFalse();
    assertThat(unlimited.getCpusLimit()).as("no quota: the cpus the task was given").isEqualTo(0.25);
    assertThat(new ContainerStatistics("cgroups-v2", base, "mezzo").read("gone", List.of(), 1, 1)).isNull();
  }

  @Test
  void cgroupV1Files_mapToMesosStatistics_withCpuacctWhenItHoldsTheContainer() throws Exception {
    Path memory = base.resolve("memory/mezzo/c1");
    write(memory.resolve("memory.usage_in_bytes"), "60000000\n");
    write(memory.resolve("memory.limit_in_bytes"), "67108864\n");
    write(memory.resolve("memory.stat"), "cache 1\nrss 2\ntotal_cache 8192\ntotal_rss 40960\ntotal_mapped_file 4096\n"
        + "total_swap 0\ntotal_active_anon 30000\ntotal_inactive_anon 10960\ntotal_active_file 4096\ntotal_inactive_file 4096\n");
    write(memory.resolve("tasks"), "11\n12\n");
    write(base.resolve("cpu/mezzo/c1/cpu.stat"), "nr_periods 10\nnr_throttled 1\nthrottled_time 500000000\n");
    write(base.resolve("cpu/mezzo/c1/cpu.cfs_quota_us"), "25000\n");
    write(base.resolve("cpu/mezzo/c1/cpu.cfs_period_us"), "100000\n");
    write(base.resolve("cpuacct/mezzo/c1/cpuacct.stat"), "user 150\nsystem 50\n");
    write(base.resolve("pids/mezzo/c1/pids.current"), "2\n");

    ResourceStatistics s = new ContainerStatistics("cgroups-v1", base, "mezzo").read("c1", List.of(), 1.0, 7.0);
    assertThat(s.getMemRssBytes()).as("the hierarchy's total, not the cgroup's own").isEqualTo(40960);
    assertThat(s.getMemCacheBytes()).isEqualTo(8192);
    assertThat(s.getMemAnonBytes()).isEqualTo(40960);
    assertThat(s.getMemFileBytes()).isEqualTo(8192);
    assertThat(s.getMemLimitBytes()).isEqualTo(64L << 20);
    assertThat(s.getMemTotalBytes()).isEqualTo(60000000L);
    assertThat(s.getCpusLimit()).isEqualTo(0.25);
    assertThat(s.getCpusThrottledTimeSecs()).isEqualTo(0.5);
    assertThat(s.getCpusUserTimeSecs()).isEqualTo(1.5);
    assertThat(s.getCpusSystemTimeSecs()).isEqualTo(0.5);
    assertThat(s.getProcesses()).isEqualTo(2);
    assertThat(s.getThreads()).isEqualTo(2);
  }

  @Test
  void cgroupV1WithoutCpuacct_takesCpuTimesFromProc() throws Exception {
    write(base.resolve("memory/mezzo/c1/memory.stat"), "total_rss 4096\n");
    long self = ProcessHandle.current().pid();
    ResourceStatistics s = new ContainerStatistics("cgroups-v1", base, "mezzo").read("c1", List.of(self), 1.0, 7.0);
    assertThat(s.getCpusUserTimeSecs()).as("this JVM has run for a while").isPositive();
  }

  private static Container task(String id, TaskState state, TaskStatus.Reason reason) {
    Container c = new Container("fw", TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id))
        .setAgentId(org.apache.mesos.v1.Protos.AgentID.newBuilder().setValue("agent")).setCommand(CommandInfo.newBuilder().setValue("true")).build(), id, "c-" + id, Path.of("/tmp"), Instant.EPOCH);
    c.state = state;
    TaskStatus.Builder st = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setState(state);
    if (reason != null) {
      st.setReason(reason);
    }
    c.statuses.add(st.build());
    return c;
  }

  @Test
  void metrics_countEndedTasksAndTheirCommandExecutors() {
    AgentMetrics metrics = new AgentMetrics();
    Container running = task("a", TaskState.TASK_RUNNING, null);
    running.pid = 10;
    Container failed = task("b", TaskState.TASK_FAILED, TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    List<Container> live = new ArrayList<>(List.of(running));
    metrics.taskEnded(failed.state, TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED, false); // never started
    running.state = TaskState.TASK_FINISHED;
    running.destroyed = true;
    metrics.taskEnded(running.state, null, true);

    Map<String, Double> m = metrics.snapshot(new AgentMetrics.Inputs(AgentInfo.newBuilder().setHostname("h").build(), true, 5, 1,
        live, List.of()));
    assertThat(m.get("slave/tasks_failed")).isEqualTo(1.0);
    assertThat(m.get("slave/tasks_finished")).isEqualTo(1.0);
    assertThat(m.get("slave/tasks_running")).isZero();
    assertThat(m.get("slave/container_launch_errors")).isEqualTo(1.0);
    assertThat(m.get("slave/executors_terminated")).as("the running task's command executor ended").isEqualTo(1.0);
    assertThat(m.get("slave/uptime_secs")).isEqualTo(5.0);
  }

  @Test
  void ttySession_runsItsCommandUnderScript() {
    CommandInfo shell = NestedSessions.withTerminal(CommandInfo.newBuilder().setValue("echo $HOME").build(), Path.of("/usr/bin/script"));
    assertThat(shell.getShell()).isFalse();
    assertThat(shell.getValue()).isEqualTo("/usr/bin/script");
    assertThat(shell.getArgumentsList()).containsExactly("script", "-qefc", "echo $HOME", "/dev/null");
    CommandInfo argv = NestedSessions.withTerminal(CommandInfo.newBuilder().setShell(false).setValue("/bin/echo")
        .addArguments("echo").addArguments("it's").build(), Path.of("/usr/bin/script"));
    assertThat(argv.getArguments(2)).isEqualTo("'/bin/echo' 'it'\\''s'");
  }
}
