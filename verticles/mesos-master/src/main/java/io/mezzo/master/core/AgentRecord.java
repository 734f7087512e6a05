package io.mezzo.master.core;

import io.mezzo.mesos.proto.ResourceBag;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
  Instant registeredTime;
  Instant reregisteredTime;
  /** Tasks on this agent, keyed by framework id + "/" + task id. */
  final Map<String, TaskRecord> tasks = new LinkedHashMap<>();
  /** Resources held by offers, per offer id. */
  final Map<String, ResourceBag> offered = new HashMap<>();

  AgentRecord(String id, AgentInfo info, String pid, ResourceBag total) {
    this.id = id;
    this.info = info;
    this.pid = pid;
    this.total = total;
  }

  static String key(String frameworkId, String taskId) {
    return frameworkId + "/" + taskId;
  }

  ResourceBag used() {
    ResourceBag used = ResourceBag.EMPTY;
    for (TaskRecord t : tasks.values()) {
      if (!t.terminal()) {
        used = used.add(ResourceBag.of(t.info.getResourcesList()));
      }
    }
    return used;
  }

  ResourceBag offeredTotal() {
    ResourceBag sum = ResourceBag.EMPTY;
    for (ResourceBag b : offered.values()) {
      sum = sum.add(b);
    }
    return sum;
  }

  Map<String, ResourceBag> usedByFramework() {
    Map<String, ResourceBag> used = new HashMap<>();
    for (TaskRecord t : tasks.values()) {
      if (!t.terminal()) {
        used.merge(t.frameworkId, ResourceBag.of(t.info.getResourcesList()), ResourceBag::add);
      }
    }
    return used;
  }
}
