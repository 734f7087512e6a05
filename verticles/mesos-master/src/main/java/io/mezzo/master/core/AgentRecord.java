package io.mezzo.master.core;

import io.mezzo.mesos.proto.ResourceBag;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.DrainInfo;

/** An agent as the master knows it. */
final class AgentRecord {
  final String id;
  AgentInfo info;
  String pid;
  String version;
  ResourceBag total;
  boolean active = true;
  DrainInfo drainInfo;
  int missedPings;
  /** Bumped when the agent's persistent volumes change (kept JSON shows them). */
  int volumesChanged;
  Instant registeredTime;
  Instant reregisteredTime;
  /** Tasks on this agent, keyed by framework id + "/" + task id. */
  final CountedMap<String, TaskRecord> tasks = new CountedMap<>();
  /**
   * The tasks of {@link #tasks} that use persistent volumes, so that finding the volumes in use does
   * not walk every task of the agent (launching N tasks would otherwise cost N squared).
   */
  private final Map<String, TaskRecord> volumeTasks = new HashMap<>();
  /** Resources held by offers, per offer id. */
  final CountedMap<String, ResourceBag> offered = new CountedMap<>();
  private final UsedSum used = new UsedSum(tasks);
  private ResourceBag offeredSum;
  private long offeredChanges = -1;
  /** The agent's JSON in the operator API and in {@code /master/state}, with what they were made from. */
  Object operatorJsonKey;
  org.apache.mesos.v1.master.Protos.Response.GetAgents.Agent operatorView;
  byte[] operatorJson;
  Object legacyJsonKey;
  byte[] legacyJson;

  AgentRecord(String id, AgentInfo info, String pid, ResourceBag total) {
    this.id = id;
    this.info = info;
    this.pid = pid;
    this.total = total;
  }

  static String key(String frameworkId, String taskId) {
    return frameworkId + "/" + taskId;
  }

  /** Adds (or replaces) a task of this agent; use this rather than {@code tasks.put}. */
  void putTask(String key, TaskRecord task) {
    tasks.put(key, task);
    if (task.usesVolumes()) {
      volumeTasks.put(key, task);
    } else {
      volumeTasks.remove(key);
    }
  }

  /** Removes a task of this agent; use this rather than {@code tasks.remove}. */
  void removeTask(String key) {
    tasks.remove(key);
    volumeTasks.remove(key);
  }

  /** The agent's tasks (live or not yet forgotten) that use persistent volumes. */
  Collection<TaskRecord> volumeTasks() {
    return volumeTasks.values();
  }

  /** Resources of the agent's live tasks (kept until its tasks change). */
  ResourceBag used() {
    return used.get();
  }

  /** Resources of the agent's outstanding offers (kept until they change). */
  ResourceBag offeredTotal() {
    if (offeredSum == null || offeredChanges != offered.changes()) {
      ResourceBag sum = ResourceBag.EMPTY;
      for (ResourceBag b : offered.values()) {
        sum = sum.add(b);
      }
      offeredSum = sum;
      offeredChanges = offered.changes();
    }
    return offeredSum;
  }

  Map<String, ResourceBag> usedByFramework() {
    Map<String, ResourceBag> used = new HashMap<>();
    for (TaskRecord t : tasks.values()) {
      if (!t.terminal()) {
        used.merge(t.frameworkId, t.resources(), ResourceBag::add);
      }
    }
    return used;
  }
}
