package io.mezzo.master.core;

import io.mezzo.mesos.proto.ResourceBag;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.mesos.v1.Protos.TaskState;

/** The master's metrics under Mesos's names ({@code /metrics/snapshot}, GET_METRICS). */
public final class MetricsView {
  private MetricsView() {
  }

  public static Map<String, Double> snapshot(Master master) {
    Map<String, Double> m = new TreeMap<>();
    long now = master.clock.millis();
    m.put("master/elected", 1.0);
    m.put("master/uptime_secs", (now - master.startTime.toEpochMilli()) / 1000.0);
    int active = 0;
    ResourceBag total = ResourceBag.EMPTY;
    ResourceBag used = ResourceBag.EMPTY;
    for (AgentRecord a : master.agents.records()) {
      active += a.active ? 1 : 0;
      total = total.add(a.total);
      used = used.add(a.used());
    }
    m.put("master/slaves_active", (double) active);
    m.put("master/slaves_inactive", (double) (master.agents.count() - active));
    m.put("master/slaves_connected", (double) master.agents.count());
    m.put("master/slaves_disconnected", 0.0);
    m.put("master/slaves_unreachable", (double) master.agents.unreachable().size());
    int fwActive = 0;
    int fwConnected = 0;
    for (FrameworkRecord fw : master.frameworks.values()) {
      fwActive += fw.active ? 1 : 0;
      fwConnected += fw.connected() ? 1 : 0;
    }
    m.put("master/frameworks_active", (double) fwActive);
    m.put("master/frameworks_inactive", (double) (master.frameworks.size() - fwActive));
    m.put("master/frameworks_connected", (double) fwConnected);
    m.put("master/frameworks_disconnected", (double) (master.frameworks.size() - fwConnected));
    Map<TaskState, Integer> counts = StateViews.taskCounts(master);
    for (TaskState s : TaskState.values()) {
      m.put("master/" + s.name().toLowerCase(Locale.ROOT).replace("task_", "tasks_"), (double) counts.getOrDefault(s, 0));
    }
    for (String r : new String[] {"cpus", "mem", "disk", "gpus"}) {
      double t = total.scalar(r);
      double u = used.scalar(r);
      m.put("master/" + r + "_total", t);
      m.put("master/" + r + "_used", u);
      m.put("master/" + r + "_percent", t == 0 ? 0.0 : u / t);
    }
    m.put("master/outstanding_offers", (double) master.offers.size());
    m.put("master/messages_executor_to_framework", (double) master.executorMessages);
    m.put("master/valid_executor_to_framework_messages", (double) master.executorMessagesValid);
    m.put("master/invalid_executor_to_framework_messages", (double) master.executorMessagesInvalid);
    m.put("allocator/mesos/allocation_runs", (double) master.allocationRuns);
    m.put("allocator/mesos/allocation_run_ms", master.lastAllocationMs);
    return m;
  }
}
