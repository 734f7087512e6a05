package io.mezzo.agent;

import io.mezzo.mesos.proto.ResourceBag;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;

/**
 * The agent's metrics under Mesos's names ({@code slave/tasks_running}, {@code slave/cpus_total},
 * ...), for {@code /metrics/snapshot} and {@code GET_METRICS}. Gauges are computed from the live
 * tasks when asked; the counters of ended tasks and executors are counted by the task manager at
 * the moment a task reaches its terminal state ({@link #taskEnded}) or an executor ends
 * ({@link #executorEnded}), so each is counted once. Only what the agent really tracks is listed.
 * Used on the agent's event loop only.
 */
final class AgentMetrics {
  private final Map<TaskState, Long> ended = new LinkedHashMap<>();
  private long launchErrors;
  private long executorsTerminated;

  /**
   * A task reached {@code state}, a terminal one.
   *
   * @param commandExecutorEnded the task ran under the agent's command executor, which ends with it
   */
  void taskEnded(TaskState state, TaskStatus.Reason reason, boolean commandExecutorEnded) {
    ended.merge(state, 1L, Long::sum);
    if (reason == TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED) {
      launchErrors++;
    }
    if (commandExecutorEnded) {
      executorsTerminated++;
    }
  }

  /** A custom executor ended. */
  void executorEnded() {
    executorsTerminated++;
  }

  /** What the agent knows now, for one snapshot. */
  record Inputs(AgentInfo info, boolean registered, double uptimeSecs, int frameworks, Collection<Container> live,
                Collection<ExecutorRun> runs) {
  }

  /** Every metric by name, in a stable order. */
  Map<String, Double> snapshot(Inputs in) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("slave/uptime_secs", in.uptimeSecs());
    m.put("slave/registered", in.registered() ? 1.0 : 0.0);
    m.put("slave/frameworks_active", (double) in.frameworks());

    Map<TaskState, Long> now = new LinkedHashMap<>();
    ResourceBag used = ResourceBag.of(List.of());
    for (Container c : in.live()) {
      if (!c.terminal()) {
        now.merge(c.state, 1L, Long::sum);
        used = used.add(ResourceBag.of(c.task.getResourcesList()));
      }
    }
    for (TaskState s : List.of(TaskState.TASK_STAGING, TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_KILLING)) {
      m.put("slave/" + name(s), (double) now.getOrDefault(s, 0L));
    }
    for (TaskState s : List.of(TaskState.TASK_FINISHED, TaskState.TASK_FAILED, TaskState.TASK_KILLED, TaskState.TASK_LOST,
        TaskState.TASK_GONE)) {
      m.put("slave/" + name(s), (double) ended.getOrDefault(s, 0L));
    }

    long commandExecutors = in.live().stream().filter(c -> c.executor == null && !c.destroyed && c.pid > 0).count();
    long registering = 0;
    long terminating = 0;
    long running = commandExecutors;
    for (ExecutorRun run : in.runs()) {
      if (run.exited) {
        continue;
      }
      if (run.shuttingDown) {
        terminating++;
      } else if (run.stream == null) {
        registering++;
      } else {
        running++;
      }
    }
    m.put("slave/executors_registering", (double) registering);
    m.put("slave/executors_running", (double) running);
    m.put("slave/executors_terminating", (double) terminating);
    m.put("slave/executors_terminated", (double) executorsTerminated);
    m.put("slave/container_launch_errors", (double) launchErrors);

    ResourceBag total = ResourceBag.of(in.info().getResourcesList());
    for (String r : List.of("cpus", "mem", "disk")) {
      double t = total.scalar(r);
      double u = used.scalar(r);
      m.put("slave/" + r + "_total", t);
      m.put("slave/" + r + "_used", u);
      m.put("slave/" + r + "_percent", t > 0 ? u / t : 0.0);
    }

    m.put("system/cpus_total", (double) Runtime.getRuntime().availableProcessors());
    String[] load = procFile("loadavg").trim().split("\\s+");
    if (load.length >= 3) {
      m.put("system/load_1min", parse(load[0]));
      m.put("system/load_5min", parse(load[1]));
      m.put("system/load_15min", parse(load[2]));
    }
    Map<String, Long> mem = meminfo();
    if (mem.containsKey("MemTotal")) {
      m.put("system/mem_total_bytes", (double) (mem.get("MemTotal") * 1024));
      m.put("system/mem_free_bytes", (double) (mem.getOrDefault("MemFree", 0L) * 1024));
    }
    return m;
  }

  private static String name(TaskState s) {
    return "tasks_" + s.name().substring("TASK_".length()).toLowerCase();
  }

  private static double parse(String s) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return 0.0;
    }
  }

  private static String procFile(String name) {
    try {
      return Files.readString(Path.of("/proc", name));
    } catch (IOException e) {
      return "";
    }
  }

  private static Map<String, Long> meminfo() {
    Map<String, Long> out = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        String[] parts = line.split(":\\s*");
        if (parts.length == 2) {
          out.put(parts[0], (long) parse(parts[1].replace("kB", "").trim()));
        }
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }
}
