package io.mezzo.master.core;

import io.mezzo.mesos.proto.ResourceBag;

/**
 * The resources of the live (non-terminal) tasks of one task map, kept until the map or a task's
 * state changes. Checking costs one pass over the tasks without any resource arithmetic; a state
 * answer over 100,000 tasks then adds bags only for the agents and frameworks that changed.
 */
final class UsedSum {
  private final CountedMap<String, TaskRecord> tasks;
  private long mapChanges = -1;
  private long taskChanges = -1;
  private ResourceBag used;

  UsedSum(CountedMap<String, TaskRecord> tasks) {
    this.tasks = tasks;
  }

  ResourceBag get() {
    long changes = 0;
    for (TaskRecord t : tasks.values()) {
      changes += t.changes;
    }
    if (used == null || changes != taskChanges || tasks.changes() != mapChanges) {
      ResourceBag sum = ResourceBag.EMPTY;
      for (TaskRecord t : tasks.values()) {
        if (!t.terminal()) {
          sum = sum.add(t.resources());
        }
      }
      used = sum;
      taskChanges = changes;
      mapChanges = tasks.changes();
    }
    return used;
  }
}
