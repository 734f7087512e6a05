package io.mezzo.agent.cgroups;

import java.io.IOException;
import java.util.List;

/**
 * Puts a container's processes in a box with limits, finds them again and tells why they died.
 * Every method blocks on file-system calls: call it from a worker thread. Container ids are the
 * agent's own (UUIDs), never user input.
 */
public interface Isolator {

  /** A short name for logs and {@code /state}: {@code cgroups-v1}, {@code cgroups-v2} or {@code posix}. */
  String kind();

  /** Creates the container's box with its limits. */
  void prepare(String containerId, Limits limits) throws IOException;

  /** Sets new limits on a container's box; nothing when the box is gone (the container was destroyed). */
  void update(String containerId, Limits limits) throws IOException;

  /**
   * The files the launch wrapper writes its own pid into before it execs the task, so that the task
   * and all its children start inside the box. Empty for an isolator without cgroups.
   */
  List<String> joinFiles(String containerId);

  /** The container's top process, once started (used by isolators that cannot list a box). */
  default void started(String containerId, long pid) {
  }

  /** The pids of every process still in the container; empty once all are gone. */
  List<Long> pids(String containerId);

  /** Whether the kernel killed a process of the container for exceeding its memory limit. */
  boolean oomKilled(String containerId);

  /** Removes the box; the container must have no process left. No-op for an unknown container. */
  void destroy(String containerId) throws IOException;

  /** Removes the parent cgroup of all containers when no container is left in it (on a clean stop). */
  default void removeRoot() {
  }

  /** Container ids whose boxes exist under the root (left by an earlier run of the agent). */
  List<String> existing();
}
