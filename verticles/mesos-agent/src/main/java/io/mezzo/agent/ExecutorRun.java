package io.mezzo.agent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.executor.Protos.Event;

/**
 * A custom executor the agent runs for a framework: its own container (started like a task's,
 * from {@code ExecutorInfo.command}), the tasks it was given and, once it subscribed through
 * {@code /api/v1/executor}, the event stream to it. Owned by the agent's event loop.
 */
final class ExecutorRun {
  /** Where events go: the executor's SUBSCRIBE response, one RecordIO record per event. */
  interface Stream {
    void send(Event event);

    void close();
  }

  final String frameworkId;
  final FrameworkInfo framework;
  final ExecutorInfo info;
  final String containerId;
  final Path directory;
  /** The executor's tasks by task id, including those not yet handed to it. */
  final Map<String, Container> tasks = new LinkedHashMap<>();
  /** Tasks waiting for the executor to subscribe. */
  final List<Container> queued = new ArrayList<>();
  Stream stream;
  long pid;
  long startTicks = -1;
  boolean exited;
  /** The executor's exit status (128 + n for signal n) once it ended, or null when unknown. */
  Integer exitStatus;
  boolean shuttingDown;
  long heartbeatTimer = -1;
  long shutdownTimer = -1;
  /**
   * Found running by a restarted agent: waiting for the executor to SUBSCRIBE again (within
   * {@code executor_reregistration_timeout_ms}) with the tasks and updates it has no
   * acknowledgement for.
   */
  boolean recovering;
  long reregisterTimer = -1;
  /** The kernel killed a process of the executor's container for exceeding its memory limit. */
  boolean memoryLimited;
  /** KILL events for tasks the executor has, asked for while it had no event stream; sent once it subscribes. */
  final Map<String, Event> pendingKills = new LinkedHashMap<>();

  ExecutorRun(String frameworkId, FrameworkInfo framework, ExecutorInfo info, String containerId, Path directory) {
    this.frameworkId = frameworkId;
    this.framework = framework;
    this.info = info;
    this.containerId = containerId;
    this.directory = directory;
  }

  String id() {
    return info.getExecutorId().getValue();
  }

  void send(Event event) {
    if (stream != null) {
      stream.send(event);
    }
  }
}
