package io.mezzo.agent;

import com.google.protobuf.ByteString;
import io.mezzo.agent.cgroups.Limits;
import io.mezzo.agent.checks.Checks;
import io.mezzo.agent.checks.HealthChecker;
import io.mezzo.agent.checks.Probe;
import io.mezzo.agent.updates.StatusUpdateManager;
import io.mezzo.mesos.proto.ResourceBag;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.time.Duration;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.ContainerID;
import org.apache.mesos.v1.Protos.ContainerStatus;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.HealthCheck;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.executor.Protos.Event;

/**
 * The built-in command executor for every task: launches a {@code CommandInfo} task in its own
 * container, reports TASK_STARTING, TASK_RUNNING and the terminal state through the status update
 * manager, kills with the kill policy's grace period (SIGTERM to the whole container, SIGKILL
 * after), and cleans the container up. All state lives on the agent's event loop; file-system and
 * process work runs on worker threads.
 */
final class TaskManager {
  private static final Logger LOG = Logger.getLogger(TaskManager.class.getName());
  static final long MIN_MEMORY_BYTES = 32L << 20;
  static final int MAX_COMPLETED = 1000;

  /** Who the agent is, for task environments and status updates. */
  interface Identity {
    String agentId();

    /** The agent's AgentInfo, for executors' SUBSCRIBED event. */
    org.apache.mesos.v1.Protos.AgentInfo agentInfo();

    String hostname();

    /** {@code host:port} of the agent's HTTP API. */
    String endpoint();
  }

  private final Vertx vertx;
  private final Clock clock;
  private final AgentConfig config;
  private final Containerizer containerizer;
  private final StatusUpdateManager updates;
  private final Checkpoints checkpoints;
  private final Sandboxes sandboxes;
  private final Identity identity;
  private final Map<String, FrameworkInfo> frameworks = new LinkedHashMap<>();
  private final Map<String, Container> containers = new LinkedHashMap<>();
  private final Map<String, ExecutorRun> executors = new LinkedHashMap<>();
  private final Deque<Container> completed = new ArrayDeque<>();
  /** The agent stopped: processes keep running, but this instance no longer reports or changes anything. */
  private boolean closed;
  private boolean reaping;
  private long reapRound;
  /**
   * Every how many reap rounds (2 s) every container's exit file and supervisor process are looked
   * at: the safety net under the notifications, and how a supervisor that vanished without writing
   * an exit status is found (Mesos's reaper looks at processes that are not its children every second).
   */
  static final int FULL_ROUNDS = 20;
  /** Exits learnt from file notifications; null when the kernel's notifications could not be set up (then only {@link #reap} sees them). */
  private final ExitWatcher exits;
  /** Notifications were dropped: the next {@link #reap} looks at every task's exit file. */
  private volatile boolean missedExits;
  private HttpClient checkHttp;
  private NetClient checkTcp;
  /**
   * Threads for the containers' own file-system work (cgroups, sandboxes, starting supervisors,
   * task checkpoints, destroying). Kept apart from Vert.x's worker pool so that a burst of launches
   * (each waiting on cgroup directories and the spawner shell) does not hold back the status update
   * checkpoints, or the cluster manager's look-ups that sending updates over the event bus needs.
   */
  private final io.vertx.core.WorkerExecutor containerWork;
  /** Counters of ended tasks and executors, counted as they end. */
  private final AgentMetrics metrics = new AgentMetrics();

  TaskManager(Vertx vertx, Clock clock, AgentConfig config, Containerizer containerizer, StatusUpdateManager updates,
              Checkpoints checkpoints, Sandboxes sandboxes, Identity identity) {
    this.vertx = vertx;
    this.clock = clock;
    this.config = config;
    this.containerizer = containerizer;
    this.updates = updates;
    this.checkpoints = checkpoints;
    this.sandboxes = sandboxes;
    this.identity = identity;
    this.containerWork = vertx.createSharedWorkerExecutor("mezzo-agent-containers", CONTAINER_THREADS);
    this.exits = exitWatcher(vertx.getOrCreateContext());
  }

  /** Learns exits of the framework's tasks from notifications from now on (else {@link #reap} looks often). */
  private void watchExits(String frameworkId) {
    if (exits != null && !exits.watching(frameworkId)) {
      try {
        exits.watch(frameworkId, checkpoints.tasksDirectory(frameworkId));
      } catch (IOException e) {
        LOG.warning("Cannot watch the exits of framework '" + frameworkId + "': " + e);
      }
    }
  }

  private ExitWatcher exitWatcher(io.vertx.core.Context context) {
    try {
      return new ExitWatcher(new ExitWatcher.Listener() {
        @Override
        public void exited(String frameworkId, String taskId, int status) {
          context.runOnContext(v -> {
            Container c = containers.get(key(frameworkId, taskId));
            if (c == null || c.exited || c.destroyed || c.executor != null) {
              return;
            }
            if (c.pid > 0) {
              TaskManager.this.exited(c, status);
            } else {
              c.notifiedExit = status; // not adopted yet (the command ended at once): taken by the launch's completion
            }
          });
        }

        @Override
        public void missed() {
          missedExits = true;
        }
      });
    } catch (IOException | RuntimeException e) {
      LOG.warning("File notifications are not available (" + e + "); task exits are found by looking at their files periodically");
      return null;
    }
  }

  /** Threads of {@link #containerWork}: launches mostly wait on the spawner shell and on directory locks in the kernel, so a few suffice. */
  static final int CONTAINER_THREADS = 8;

  private static String key(String frameworkId, String taskId) {
    return frameworkId + "\n" + taskId;
  }

  Collection<Container> containers() {
    return containers.values();
  }

  AgentMetrics metrics() {
    return metrics;
  }

  Collection<Container> completed() {
    return completed;
  }

  Map<String, FrameworkInfo> frameworks() {
    return frameworks;
  }

  Optional<Container> find(String frameworkId, String taskId) {
    return Optional.ofNullable(containers.get(key(frameworkId, taskId)));
  }

  // ---- launch ---------------------------------------------------------------------------------

  void launch(FrameworkInfo framework, TaskInfo task) {
    launch(framework, task, null);
  }

  /**
   * LAUNCH_GROUP: the default executor. The tasks share the executor's sandbox (each runs in
   * {@code <executor sandbox>/tasks/<task id>} in a container of its own, as Mesos's nested
   * containers) and one lifecycle: when one task fails or is killed, the others are killed too.
   */
  void launchGroup(FrameworkInfo framework, org.apache.mesos.v1.Protos.ExecutorInfo executor, List<TaskInfo> tasks) {
    String fid = framework.getId().getValue();
    String eid = executor.getExecutorId().getValue();
    TaskGroup group = new TaskGroup(eid, UUID.randomUUID().toString());
    String problem = !Sandboxes.safeSegment(eid) ? "Executor ID '" + eid + "' cannot be used as a directory name"
        : tasks.isEmpty() ? "The task group is empty" : null;
    for (TaskInfo t : tasks) {
      if (problem == null && t.hasExecutor()) {
        problem = "Task '" + t.getTaskId().getValue() + "' of a task group must not have an executor of its own";
      }
    }
    for (TaskInfo t : tasks) {
      if (problem != null) {
        rememberFramework(framework);
        String taskId = t.getTaskId().getValue();
        if (containers.containsKey(key(fid, taskId))) {
          continue;
        }
        Container c = new Container(fid, t, eid, group.containerId, sandboxes.run(identity.agentId(), fid,
            Sandboxes.safeSegment(eid) ? eid : "invalid", group.containerId), clock.instant());
        c.destroyed = true;
        containers.put(key(fid, taskId), c);
        finish(c, TaskState.TASK_ERROR, TaskStatus.Source.SOURCE_AGENT, TaskStatus.Reason.REASON_TASK_GROUP_INVALID, problem);
      } else {
        launch(framework, t, group);
      }
    }
  }

  /** The tasks of one LAUNCH_GROUP (the default executor's): one sandbox, one lifecycle. */
  static final class TaskGroup {
    final String executorId;
    final String containerId;
    final List<Container> members = new ArrayList<>();
    boolean killing;

    TaskGroup(String executorId, String containerId) {
      this.executorId = executorId;
      this.containerId = containerId;
    }
  }

  private void launch(FrameworkInfo framework, TaskInfo task, TaskGroup group) {
    String fid = framework.getId().getValue();
    String taskId = task.getTaskId().getValue();
    if (containers.containsKey(key(fid, taskId))) {
      LOG.warning("Ignoring a second launch of task '" + taskId + "' of framework '" + fid + "'");
      return;
    }
    rememberFramework(framework);
    if (task.hasExecutor()) {
      launchOnExecutor(framework, task);
      return;
    }
    String executorId = group != null ? group.executorId : taskId;
    String containerId = UUID.randomUUID().toString();
    Path dir = group == null ? sandboxes.run(identity.agentId(), fid, executorId, containerId)
        : sandboxes.run(identity.agentId(), fid, executorId, group.containerId).resolve("tasks").resolve(taskId);
    Container c = new Container(fid, task, executorId, containerId, dir, clock.instant());
    containers.put(key(fid, taskId), c);
    if (group != null) {
      c.group = group;
      group.members.add(c);
    }

    String invalid = invalid(task);
    if (invalid != null) {
      finish(c, TaskState.TASK_ERROR, TaskStatus.Source.SOURCE_AGENT, TaskStatus.Reason.REASON_TASK_INVALID, invalid);
      return;
    }
    String unsupported = unsupported(task);
    if (unsupported != null) {
      finish(c, TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_AGENT, TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED, unsupported);
      return;
    }
    String userName = task.getCommand().hasUser() ? task.getCommand().getUser() : framework.getUser();
    Optional<Containerizer.User> user = Optional.empty();
    if (!userName.isEmpty() && !userName.equals(System.getProperty("user.name"))) {
      user = Containerizer.User.lookup(userName);
      if (user.isEmpty()) {
        finish(c, TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_AGENT, TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED,
            "User '" + userName + "' does not exist on this agent");
        return;
      }
    }
    ResourceBag resources = ResourceBag.of(task.getResourcesList());
    Limits limits = limits(resources);
    c.environment = environment(c);
    c.user = user;
    Containerizer.Launch launch = new Containerizer.Launch(containerId, dir, task.getCommand(), c.environment, user, limits);

    update(c, TaskState.TASK_STARTING, TaskStatus.Source.SOURCE_EXECUTOR, null, null);
    io(c, () -> {
      // the TASK_STARTING update above checkpointed the task already (same per-container queue)
      checkpoints.ensureFramework(framework);
      watchExits(fid);
      if (group == null) {
        sandboxes.create(identity.agentId(), fid, executorId, containerId);
      } else {
        sandboxes.create(identity.agentId(), fid, executorId, group.containerId);
        java.nio.file.Files.createDirectories(dir);
      }
      Containerizer.Started started = containerizer.launch(launch, checkpoints.exitStatus(fid, taskId));
      checkpoints.task(c.toTask(identity.agentId()), c.task, containerId, dir.toString(), started.pid(), started.startTicks());
      return started;
    }).onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.failed()) {
        LOG.log(Level.WARNING, "Failed to launch task '" + taskId + "'", ar.cause());
        cleanup(c).onComplete(v -> finish(c, TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_AGENT,
            TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED, "Failed to launch container: " + ar.cause().getMessage()));
        return;
      }
      adopt(c, ar.result().pid(), ar.result().startTicks());
      if (c.notifiedExit != null && !c.exited && !c.destroyed) {
        exited(c, c.notifiedExit);
      }
    });
  }

  /** One task of a group failed or is being killed: every task of the group still running is killed, as Mesos's default executor does. */
  private void killGroup(TaskGroup group) {
    if (group.killing) {
      return;
    }
    group.killing = true;
    for (Container member : group.members) {
      if (!member.terminal() && !member.killing) {
        kill(member.frameworkId, member.taskId(), null);
      }
    }
  }

  /** Keeps the framework's info, checkpointing it when it is new or changed (not once per task). */
  private void rememberFramework(FrameworkInfo framework) {
    FrameworkInfo known = frameworks.put(framework.getId().getValue(), framework);
    if (!framework.equals(known)) {
      vertx.executeBlocking(() -> {
        checkpoints.framework(framework);
        return null;
      });
    }
  }

  /** The container's supervisor runs: report TASK_RUNNING (or carry out a kill asked for meanwhile) and watch it. */
  private void adopt(Container c, long pid, long startTicks) {
    c.pid = pid;
    c.startTicks = startTicks;
    if (c.killing) {
      signal(c);
    } else {
      if (c.task.hasCheck() && c.checkStatus == null) {
        c.checkStatus = io.mezzo.agent.checks.GeneralChecker.initial(c.task.getCheck());
      }
      if (c.state != TaskState.TASK_RUNNING) {
        update(c, TaskState.TASK_RUNNING, TaskStatus.Source.SOURCE_EXECUTOR, null, null);
      }
      if (c.task.hasHealthCheck()) {
        startHealthCheck(c);
      }
      if (c.task.hasCheck()) {
        startCheck(c);
      }
    }
  }

  /**
   * Runs file-system work of one container on a worker thread, after the container's earlier work
   * (so its checkpoint writes keep their order) but in parallel with other containers.
   */
  private <T> Future<T> io(Container c, java.util.concurrent.Callable<T> work) {
    Future<T> next = c.work.transform(ignored -> containerWork.executeBlocking(work, false));
    c.work = next.map(x -> (Object) null).otherwiseEmpty();
    return next;
  }

  private static String invalid(TaskInfo task) {
    if (!Sandboxes.safeSegment(task.getTaskId().getValue())) {
      return "Task ID '" + task.getTaskId().getValue() + "' cannot be used as a directory name";
    }
    if (!task.hasCommand() && !task.hasExecutor()) {
      return "Task '" + task.getTaskId().getValue() + "' has neither a command nor an executor";
    }
    if (task.hasCommand() && task.getCommand().getShell() && !task.getCommand().hasValue()) {
      return "Task '" + task.getTaskId().getValue() + "' has a shell command without a value";
    }
    if (task.hasHealthCheck()) {
      String check = Checks.invalid(task.getHealthCheck());
      if (check != null) {
        return "Task '" + task.getTaskId().getValue() + "' has an invalid health check: " + check;
      }
    }
    if (task.hasCheck()) {
      String check = io.mezzo.agent.checks.GeneralChecker.invalid(task.getCheck());
      if (check != null) {
        return "Task '" + task.getTaskId().getValue() + "' has an invalid check: " + check;
      }
    }
    return null;
  }

  private static String unsupported(TaskInfo task) {
    if (task.hasContainer() && (task.getContainer().hasDocker() || task.getContainer().hasMesos()
        && task.getContainer().getMesos().hasImage())) {
      return "Container images are not supported by this agent yet";
    }
    return null;
  }

  /** The Mesos environment of a command task, then the task's own variables. */
  private Map<String, String> environment(Container c) {
    Map<String, String> env = new LinkedHashMap<>();
    String dir = c.directory.toString();
    env.put("MESOS_SANDBOX", dir);
    env.put("MESOS_DIRECTORY", dir);
    env.put("MESOS_TASK_ID", c.taskId());
    env.put("MESOS_FRAMEWORK_ID", c.frameworkId);
    env.put("MESOS_EXECUTOR_ID", c.executorId);
    env.put("MESOS_CONTAINER_ID", c.containerId);
    env.put("MESOS_AGENT_ID", identity.agentId());
    env.put("MESOS_AGENT_ENDPOINT", identity.endpoint());
    env.put("MESOS_SLAVE_ID", identity.agentId());
    env.put("HOST", identity.hostname());
    List<String> ports = ports(c.task.getResourcesList());
    for (int i = 0; i < ports.size(); i++) {
      env.put("PORT" + i, ports.get(i));
    }
    if (!ports.isEmpty()) {
      env.put("PORT", ports.get(0));
      env.put("PORTS", String.join(",", ports));
    }
    if (c.task.getCommand().hasEnvironment()) {
      for (Environment.Variable v : c.task.getCommand().getEnvironment().getVariablesList()) {
        if (v.getType() != Environment.Variable.Type.SECRET) {
          env.put(v.getName(), v.getValue());
        }
      }
    }
    return env;
  }

  static List<String> ports(List<Resource> resources) {
    List<String> out = new ArrayList<>();
    for (Resource r : resources) {
      if (r.getName().equals("ports") && r.hasRanges()) {
        for (Value.Range range : r.getRanges().getRangeList()) {
          for (long p = range.getBegin(); p <= range.getEnd() && out.size() < 65536; p++) {
            out.add(String.valueOf(p));
          }
        }
      }
    }
    return out;
  }

  // ---- exit and kill --------------------------------------------------------------------------

  /**
   * A clean stop (the agent's verticle is undeployed: Ctrl-C on {@code mezzo up}, {@code systemctl
   * stop}): stops supervising and destroys every live container, as a Mesos agent does when it
   * shuts down, so no task outlives a stopped agent. A crashed agent ({@code kill -9}) never gets
   * here: its tasks keep running and the next agent run re-attaches to them ({@link #recover}).
   */
  Future<Void> close() {
    closed = true;
    if (exits != null) {
      exits.close();
    }
    containers.values().forEach(c -> {
      vertx.cancelTimer(c.killTimer);
      c.stopChecker();
    });
    if (checkHttp != null) {
      checkHttp.close();
    }
    if (checkTcp != null) {
      checkTcp.close();
    }
    List<Container> live = new ArrayList<>(containers.values().stream().filter(c -> !c.destroyed && c.executor == null).toList());
    for (ExecutorRun e : executors.values()) {
      vertx.cancelTimer(e.heartbeatTimer);
      vertx.cancelTimer(e.shutdownTimer);
      vertx.cancelTimer(e.reregisterTimer);
      if (e.stream != null) {
        e.stream.close();
      }
      Container box = new Container(e.frameworkId, TaskInfo.getDefaultInstance(), e.id(), e.containerId, e.directory, clock.instant());
      live.add(box);
    }
    return vertx.<Void>executeBlocking(() -> {
      containerizer.close();
      for (Container c : live) {
        try {
          containerizer.destroy(c.containerId);
        } catch (IOException e) {
          LOG.warning("Failed to destroy container '" + c.containerId + "' on stop: " + e);
        }
      }
      return null;
    }).eventually(() -> containerWork.close());
  }

  /**
   * Checks whether the supervisors of running containers recorded an exit status or disappeared;
   * called every {@link AgentVerticle#REAP_INTERVAL_MS}. Exits are normally learnt at once from file
   * notifications ({@link ExitWatcher}), so one worker job looks here only at containers being
   * killed (their supervisor may be killed with the command and write nothing) and at those whose
   * exits are not notified; every {@link #FULL_ROUNDS} rounds at every container.
   */
  void reap() {
    if (reaping || closed) {
      return;
    }
    long round = ++reapRound;
    boolean full = round % FULL_ROUNDS == 0;
    boolean all = full || missedExits;
    missedExits = false;
    List<Container> live = containers.values().stream().filter(c -> c.pid > 0 && !c.exited && !c.destroyed
        && (all || c.killing || exits == null || !exits.watching(c.frameworkId))).toList();
    List<ExecutorRun> runs = executors.values().stream().filter(e -> e.pid > 0 && !e.exited).toList();
    if (live.isEmpty() && runs.isEmpty()) {
      return;
    }
    reaping = true;
    vertx.executeBlocking(() -> {
      Map<ExecutorRun, Integer> gone = new LinkedHashMap<>();
      for (ExecutorRun e : runs) {
        Path file = checkpoints.executorExitStatus(e.frameworkId, e.id());
        Integer status = exitStatus(file);
        if (status == null && !Containerizer.ProcStat.alive(e.pid, e.startTicks)) {
          status = exitStatus(file);
          gone.put(e, status == null ? -1 : status);
        } else if (status != null) {
          gone.put(e, status);
        }
      }
      Map<Object, Integer> ended = new LinkedHashMap<>(gone);
      for (Container c : live) {
        Path file = checkpoints.exitStatus(c.frameworkId, c.taskId());
        Integer status = exitStatus(file);
        if (status == null && (full || c.killing) && !Containerizer.ProcStat.alive(c.pid, c.startTicks)) {
          status = exitStatus(file);
          ended.put(c, status == null ? -1 : status);
        } else if (status != null) {
          ended.put(c, status);
        }
      }
      return ended;
    }, false).onComplete(ar -> {
      reaping = false;
      if (ar.succeeded()) {
        ar.result().forEach((who, status) -> {
          if (who instanceof Container c) {
            exited(c, status);
          } else {
            executorExited((ExecutorRun) who, status);
          }
        });
      }
    });
  }

  /** The status a supervisor wrote, or null when there is none (yet). Blocks. */
  static Integer exitStatus(Path file) {
    if (!file.toFile().exists()) {
      return null; // java.io's stat: no exception for the common case of a command still running
    }
    try {
      String text = java.nio.file.Files.readString(file).trim();
      return text.isEmpty() ? null : Integer.valueOf(text);
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }

  /** @param exitValue the command's exit status (128 + n for signal n), or -1 when the supervisor vanished without one */
  private void exited(Container c, int exitValue) {
    if (closed || c.exited) {
      return;
    }
    c.exited = true;
    c.exitStatus = exitValue >= 0 ? exitValue : null;
    vertx.cancelTimer(c.killTimer);
    c.stopChecker();
    String[] notFound = new String[1];
    vertx.executeBlocking(() -> {
      if (exitValue == 127) {
        notFound[0] = lastLine(c.directory.resolve("stderr"));
      }
      return containerizer.isolator().oomKilled(c.containerId);
    }, false)
        .otherwise(false)
        .compose(oom -> cleanup(c).map(oom))
        .onComplete(ar -> {
          boolean oom = c.memoryLimited || Boolean.TRUE.equals(ar.result());
          String how = exitValue < 0 ? "The task's supervisor process ended without recording the command's exit status"
              : exitValue > 128 ? "Command terminated with signal " + signalName(exitValue - 128)
              : "Command exited with status " + exitValue + (notFound[0] == null ? "" : " (" + notFound[0] + ")");
          if (oom) {
            long limitMb = (long) ResourceBag.of(c.task.getResourcesList()).scalar("mem");
            finish(c, TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_AGENT, TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY,
                "Memory limit exceeded: Requested: " + limitMb + "MB; the kernel killed the task's processes (" + how + ")");
          } else if (c.killing && c.killedByHealthCheck) {
            update(c, TaskState.TASK_KILLED, TaskStatus.Source.SOURCE_EXECUTOR,
                TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED, how, false);
          } else if (c.killing) {
            finish(c, TaskState.TASK_KILLED, TaskStatus.Source.SOURCE_EXECUTOR, null, how);
          } else if (exitValue == 0) {
            finish(c, TaskState.TASK_FINISHED, TaskStatus.Source.SOURCE_EXECUTOR, null, how);
          } else {
            finish(c, TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_EXECUTOR, null, how);
          }
          if (c.group != null && c.state != TaskState.TASK_FINISHED) {
            killGroup(c.group);
          }
        });
  }

  private Future<Void> cleanup(Container c) {
    return containerWork.<Void>executeBlocking(() -> {
      containerizer.destroy(c.containerId);
      SandboxJanitor.finished(c.directory);
      if (c.group != null) {
        SandboxJanitor.finished(c.directory.getParent().getParent());
      }
      return null;
    }, false).onFailure(e -> LOG.log(Level.WARNING, "Failed to destroy container '" + c.containerId + "'", e))
        .otherwiseEmpty()
        .onComplete(v -> c.destroyed = true);
  }

  /** The last non-empty line of a file's last KiB (the shell's "not found" for status 127), or null. Blocks. */
  static String lastLine(Path file) {
    try (var ch = java.nio.channels.FileChannel.open(file)) {
      long size = ch.size();
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) Math.min(1024, size));
      ch.read(buf, size - buf.capacity());
      String[] lines = new String(buf.array(), java.nio.charset.StandardCharsets.UTF_8).split("\n");
      for (int i = lines.length - 1; i >= 0; i--) {
        if (!lines[i].isBlank()) {
          return lines[i].trim();
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  static String signalName(int signal) {
    return switch (signal) {
      case 1 -> "Hangup";
      case 2 -> "Interrupt";
      case 6 -> "Aborted";
      case 9 -> "Killed";
      case 11 -> "Segmentation fault";
      case 13 -> "Broken pipe";
      case 15 -> "Terminated";
      default -> String.valueOf(signal);
    };
  }

  /**
   * Kills a task: TASK_KILLING first when the framework asked for that state, SIGTERM to every
   * process of the container, SIGKILL once the grace period is over. A task the agent does not
   * know gets TASK_LOST (TASK_DROPPED for partition-aware frameworks), as Mesos answers.
   */
  void kill(String frameworkId, String taskId, Long gracePeriodMs) {
    kill(frameworkId, taskId, gracePeriodMs, true);
  }

  private void kill(String frameworkId, String taskId, Long gracePeriodMs, boolean announce) {
    Container c = containers.get(key(frameworkId, taskId));
    if (c == null) {
      FrameworkInfo fw = frameworks.get(frameworkId);
      boolean partitionAware = fw != null && hasCapability(fw, FrameworkInfo.Capability.Type.PARTITION_AWARE);
      TaskStatus status = status(taskId, partitionAware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST, TaskStatus.Source.SOURCE_AGENT,
          TaskStatus.Reason.REASON_RECONCILIATION, "Task '" + taskId + "' is unknown to the agent", null);
      updates.update(frameworkId, status);
      return;
    }
    if (c.terminal() || c.killing) {
      return;
    }
    if (c.executor != null) {
      killOnExecutor(c, gracePeriodMs);
      return;
    }
    if (c.group != null && !c.group.killing) {
      killGroup(c.group);
      return;
    }
    c.killing = true;
    c.stopChecker();
    c.gracePeriodMs = gracePeriodMs != null ? gracePeriodMs
        : c.task.hasKillPolicy() && c.task.getKillPolicy().hasGracePeriod()
            ? c.task.getKillPolicy().getGracePeriod().getNanoseconds() / 1_000_000 : config.killGracePeriodMs();
    FrameworkInfo fw = frameworks.get(frameworkId);
    if (announce && fw != null && hasCapability(fw, FrameworkInfo.Capability.Type.TASK_KILLING_STATE)) {
      update(c, TaskState.TASK_KILLING, TaskStatus.Source.SOURCE_EXECUTOR, null, null);
    }
    if (c.pid > 0) {
      signal(c);
    }
  }

  private void signal(Container c) {
    boolean force = c.gracePeriodMs <= 0;
    long supervisor = c.pid;
    vertx.executeBlocking(() -> containerizer.signal(c.containerId, force, supervisor), false);
    if (!force) {
      c.killTimer = vertx.setTimer(c.gracePeriodMs, id -> {
        c.killTimer = -1;
        if (!c.destroyed) {
          vertx.executeBlocking(() -> containerizer.signal(c.containerId, true, supervisor), false);
        }
      });
    }
  }

  /** SHUTDOWN_FRAMEWORK: kills the framework's tasks and forgets it; its updates are not sent any more. */
  void shutdownFramework(String frameworkId) {
    updates.dropFramework(frameworkId);
    for (ExecutorRun e : new ArrayList<>(executors.values())) {
      if (e.frameworkId.equals(frameworkId)) {
        shutdownExecutor(e);
      }
    }
    for (Container c : new ArrayList<>(containers.values())) {
      if (c.frameworkId.equals(frameworkId)) {
        if (!c.terminal()) {
          kill(frameworkId, c.taskId(), null);
        }
      }
    }
    frameworks.remove(frameworkId);
  }

  /**
   * Kills the processes of containers whose memory limit was hit (the kernel OOM-killed one of
   * them), so the task ends at once with the memory reason. One worker job checks every container.
   */
  void checkMemory() {
    List<Container> running = containers.values().stream()
        .filter(c -> c.pid > 0 && !c.destroyed && !c.memoryLimited && !c.terminal()).toList();
    List<ExecutorRun> runs = executors.values().stream().filter(e -> e.pid > 0 && !e.exited && !e.memoryLimited).toList();
    if (running.isEmpty() && runs.isEmpty() || closed) {
      return;
    }
    vertx.executeBlocking(() -> {
      List<Object> limited = new ArrayList<>();
      running.stream().filter(c -> containerizer.isolator().oomKilled(c.containerId)).forEach(limited::add);
      runs.stream().filter(e -> containerizer.isolator().oomKilled(e.containerId)).forEach(limited::add);
      return limited;
    }, false).onSuccess(limited -> {
      for (Object who : limited) {
        if (who instanceof Container c && !c.memoryLimited && !c.destroyed) {
          c.memoryLimited = true;
          vertx.executeBlocking(() -> containerizer.signal(c.containerId, true, c.pid), false);
        } else if (who instanceof ExecutorRun e && !e.memoryLimited && !e.exited) {
          // the executor's whole container goes (its supervisor records how the executor ended)
          e.memoryLimited = true;
          vertx.executeBlocking(() -> containerizer.signal(e.containerId, true, e.pid), false);
        }
      }
    });
  }

  // ---- custom executors ---------------------------------------------------------------------

  /**
   * A task with an ExecutorInfo: runs on that executor, which the agent starts in its own container
   * the first time (later tasks of the same executor id join it). The task reaches the executor
   * as a LAUNCH event once it subscribed; the executor reports the task's states itself.
   */
  private void launchOnExecutor(FrameworkInfo framework, TaskInfo task) {
    String fid = framework.getId().getValue();
    String taskId = task.getTaskId().getValue();
    org.apache.mesos.v1.Protos.ExecutorInfo info = task.getExecutor();
    String eid = info.getExecutorId().getValue();
    ExecutorRun run = executors.get(key(fid, eid));
    String containerId = run != null ? run.containerId : UUID.randomUUID().toString();
    // an executor id unusable as a directory name fails the task below; the path is never created then
    Path dir = sandboxes.run(identity.agentId(), fid, Sandboxes.safeSegment(eid) ? eid : "invalid", containerId);
    Container c = new Container(fid, task, eid, containerId, dir, clock.instant());
    containers.put(key(fid, taskId), c);
    String invalid = invalid(task);
    if (invalid == null && !Sandboxes.safeSegment(eid)) {
      invalid = "Executor ID '" + eid + "' cannot be used as a directory name";
    }
    if (invalid == null && (!info.hasCommand() || info.getCommand().getShell() && !info.getCommand().hasValue())) {
      invalid = "Executor '" + eid + "' has no command";
    }
    if (invalid == null && run != null && (run.exited || run.shuttingDown)) {
      invalid = "Executor '" + eid + "' is shutting down";
    }
    if (invalid != null) {
      c.destroyed = true;
      finish(c, TaskState.TASK_ERROR, TaskStatus.Source.SOURCE_AGENT, TaskStatus.Reason.REASON_TASK_INVALID, invalid);
      return;
    }
    String unsupported = unsupported(task);
    if (unsupported != null) {
      c.destroyed = true;
      finish(c, TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_AGENT, TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED, unsupported);
      return;
    }
    boolean running = run != null;
    if (run == null) {
      run = new ExecutorRun(fid, framework, info, containerId, dir);
      executors.put(key(fid, eid), run);
      startExecutor(run, task);
    }
    c.executor = run;
    run.tasks.put(taskId, c);
    if (running) {
      resize(run); // the container grows by the new task's resources, as Mesos's containerizer update does
    }
    io(c, () -> {
      checkpoints.ensureFramework(framework);
      checkpoints.task(c.toTask(identity.agentId()), c.task, containerId, dir.toString(), 0, -1);
      return null;
    });
    if (run.stream != null) {
      run.send(Event.newBuilder().setType(Event.Type.LAUNCH).setLaunch(Event.Launch.newBuilder().setTask(task)).build());
    } else {
      run.queued.add(c);
    }
  }

  /** Starts the executor's command in its container, with the executor environment Mesos gives. */
  private void startExecutor(ExecutorRun run, TaskInfo firstTask) {
    org.apache.mesos.v1.Protos.CommandInfo command = run.info.getCommand();
    String userName = command.hasUser() ? command.getUser() : run.framework.getUser();
    Optional<Containerizer.User> user = Optional.empty();
    if (!userName.isEmpty() && !userName.equals(System.getProperty("user.name"))) {
      user = Containerizer.User.lookup(userName);
      if (user.isEmpty()) {
        executorExited(run, -2, "User '" + userName + "' does not exist on this agent");
        return;
      }
    }
    ResourceBag resources = ResourceBag.of(run.info.getResourcesList()).add(ResourceBag.of(firstTask.getResourcesList()));
    Limits limits = limits(resources);
    Map<String, String> env = new LinkedHashMap<>();
    String dir = run.directory.toString();
    env.put("MESOS_FRAMEWORK_ID", run.frameworkId);
    env.put("MESOS_EXECUTOR_ID", run.id());
    env.put("MESOS_CONTAINER_ID", run.containerId);
    env.put("MESOS_DIRECTORY", dir);
    env.put("MESOS_SANDBOX", dir);
    env.put("MESOS_AGENT_ID", identity.agentId());
    env.put("MESOS_SLAVE_ID", identity.agentId());
    env.put("MESOS_AGENT_ENDPOINT", identity.endpoint());
    // the agent checkpoints every executor, so each one is told to reconnect after losing the agent, as the Mesos
    // executor library does for checkpointing frameworks: retrying for MESOS_RECOVERY_TIMEOUT, waiting at most
    // MESOS_SUBSCRIPTION_BACKOFF_MAX between tries (half the re-registration timeout, so a retry falls inside it)
    env.put("MESOS_CHECKPOINT", "1");
    env.put("MESOS_RECOVERY_TIMEOUT", "15mins");
    env.put("MESOS_SUBSCRIPTION_BACKOFF_MAX", mesosDuration(Math.max(1, config.executorReregistrationTimeoutMs() / 2)));
    env.put("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", (EXECUTOR_SHUTDOWN_GRACE_MS / 1000) + "secs");
    env.put("HOST", identity.hostname());
    if (command.hasEnvironment()) {
      for (Environment.Variable v : command.getEnvironment().getVariablesList()) {
        if (v.getType() != Environment.Variable.Type.SECRET) {
          env.put(v.getName(), v.getValue());
        }
      }
    }
    Containerizer.Launch launch = new Containerizer.Launch(run.containerId, run.directory, command, env, user, limits);
    vertx.executeBlocking(() -> {
      checkpoints.ensureFramework(run.framework);
      // checkpointed before the supervisor starts: an agent dying meanwhile still finds the container to remove
      checkpoints.executor(run.frameworkId, run.info, run.containerId, run.directory.toString(), 0, -1);
      sandboxes.create(identity.agentId(), run.frameworkId, run.id(), run.containerId);
      Containerizer.Started started = containerizer.launch(launch, checkpoints.executorExitStatus(run.frameworkId, run.id()));
      checkpoints.executor(run.frameworkId, run.info, run.containerId, run.directory.toString(), started.pid(), started.startTicks());
      return started;
    }, false).onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.failed()) {
        LOG.log(Level.WARNING, "Failed to launch executor '" + run.id() + "'", ar.cause());
        executorExited(run, -2, "Failed to launch executor: " + ar.cause().getMessage());
        return;
      }
      run.pid = ar.result().pid();
      run.startTicks = ar.result().startTicks();
    });
  }

  /** A duration as Mesos writes one in an executor's environment ({@code 2secs}, {@code 500ms}). */
  static String mesosDuration(long ms) {
    return ms % 1000 == 0 ? (ms / 1000) + "secs" : ms + "ms";
  }

  static final long EXECUTOR_SHUTDOWN_GRACE_MS = 5_000;
  static final long EXECUTOR_HEARTBEAT_MS = 30_000;

  /** Null when the executor is known (and may call), else why not. */
  String knownExecutor(String frameworkId, String executorId) {
    ExecutorRun run = executors.get(key(frameworkId, executorId));
    if (run == null || run.exited) {
      return "Executor '" + executorId + "' of framework '" + frameworkId + "' is not running on this agent";
    }
    return null;
  }

  /**
   * SUBSCRIBE: the executor's event stream opened; SUBSCRIBED, then a LAUNCH for every task waiting
   * for it. An executor subscribing again (after the agent restarted, or after it lost its
   * connection) lists the tasks and updates it has no acknowledgement for: as Mesos does, a task
   * the recovered agent had launched that the executor neither lists nor reported on never reached
   * it (TASK_DROPPED, TASK_LOST for frameworks that are not partition-aware, REASON_AGENT_RESTARTED),
   * and each listed update is taken like a new UPDATE (one the agent has already is not taken twice).
   */
  void executorSubscribed(String frameworkId, String executorId, ExecutorRun.Stream stream,
                          org.apache.mesos.v1.executor.Protos.Call.Subscribe subscribe) {
    ExecutorRun run = executors.get(key(frameworkId, executorId));
    boolean recovered = run.recovering;
    if (recovered) {
      run.recovering = false;
      vertx.cancelTimer(run.reregisterTimer);
      run.reregisterTimer = -1;
      LOG.info("Executor '" + executorId + "' of framework '" + frameworkId + "' subscribed again with "
          + subscribe.getUnacknowledgedTasksCount() + " unacknowledged task(s) and " + subscribe.getUnacknowledgedUpdatesCount()
          + " unacknowledged update(s)");
    }
    if (run.stream != null) {
      run.stream.close();
    }
    run.stream = stream;
    stream.send(Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed.newBuilder()
        .setExecutorInfo(run.info).setFrameworkInfo(run.framework).setAgentInfo(identity.agentInfo())
        .setContainerId(ContainerID.newBuilder().setValue(run.containerId))).build());
    for (Container c : run.queued) {
      if (!c.terminal()) {
        stream.send(Event.newBuilder().setType(Event.Type.LAUNCH).setLaunch(Event.Launch.newBuilder().setTask(c.task)).build());
      }
    }
    run.queued.clear();
    if (recovered) {
      java.util.Set<String> known = new java.util.HashSet<>();
      subscribe.getUnacknowledgedTasksList().forEach(t -> known.add(t.getTaskId().getValue()));
      subscribe.getUnacknowledgedUpdatesList().forEach(u -> known.add(u.getStatus().getTaskId().getValue()));
      boolean partitionAware = hasCapability(run.framework, FrameworkInfo.Capability.Type.PARTITION_AWARE);
      for (Container c : new ArrayList<>(run.tasks.values())) {
        if (c.state == TaskState.TASK_STAGING && !known.contains(c.taskId())) {
          update(c, partitionAware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST, TaskStatus.Source.SOURCE_AGENT,
              TaskStatus.Reason.REASON_AGENT_RESTARTED, "Task launched during agent restart");
        }
      }
    }
    for (org.apache.mesos.v1.executor.Protos.Call.Update u : subscribe.getUnacknowledgedUpdatesList()) {
      if (u.hasStatus() && u.getStatus().hasUuid() && u.getStatus().getState() != TaskState.TASK_STAGING) {
        String problem = executorUpdate(frameworkId, executorId, u.getStatus());
        if (problem != null) {
          LOG.warning("Ignoring an unacknowledged update of executor '" + executorId + "': " + problem);
        }
      }
    }
    for (Event kill : run.pendingKills.values()) {
      stream.send(kill);
    }
    run.pendingKills.clear();
    if (run.shuttingDown) {
      stream.send(Event.newBuilder().setType(Event.Type.SHUTDOWN).build());
    }
    vertx.cancelTimer(run.heartbeatTimer);
    run.heartbeatTimer = vertx.setPeriodic(EXECUTOR_HEARTBEAT_MS, id -> run.send(Event.newBuilder().setType(Event.Type.HEARTBEAT).build()));
  }

  void executorDisconnected(String frameworkId, String executorId, ExecutorRun.Stream stream) {
    ExecutorRun run = executors.get(key(frameworkId, executorId));
    if (run != null && run.stream == stream) {
      run.stream = null;
      vertx.cancelTimer(run.heartbeatTimer);
    }
  }

  /** UPDATE from an executor: the status goes through the status update manager like the agent's own. */
  String executorUpdate(String frameworkId, String executorId, TaskStatus status) {
    String unknown = knownExecutor(frameworkId, executorId);
    if (unknown != null) {
      return unknown;
    }
    ExecutorRun run = executors.get(key(frameworkId, executorId));
    Container c = run.tasks.get(status.getTaskId().getValue());
    if (c == null) {
      return "Task '" + status.getTaskId().getValue() + "' is not a task of executor '" + executorId + "'";
    }
    boolean repeated = c.statuses.stream().anyMatch(s -> s.getUuid().equals(status.getUuid()));
    if (repeated && updates.pending(frameworkId, c.taskId()).stream().noneMatch(p -> p.getUuid().equals(status.getUuid()))) {
      // the framework acknowledged it already, but the executor did not hear (it is sending it again): tell it
      run.send(Event.newBuilder().setType(Event.Type.ACKNOWLEDGED).setAcknowledged(Event.Acknowledged.newBuilder()
          .setTaskId(c.task.getTaskId()).setUuid(status.getUuid())).build());
    }
    if (c.terminal() || repeated) {
      return null; // a late or repeated update: nothing changes
    }
    TaskStatus.Builder s = status.toBuilder().setAgentId(AgentID.newBuilder().setValue(identity.agentId()))
        .setExecutorId(ExecutorID.newBuilder().setValue(executorId)).setSource(TaskStatus.Source.SOURCE_EXECUTOR)
        .setContainerStatus(ContainerStatus.newBuilder().setContainerId(ContainerID.newBuilder().setValue(run.containerId))
            .setExecutorPid((int) run.pid));
    if (!status.hasTimestamp()) {
      s.setTimestamp(clock.millis() / 1000.0);
    }
    record(c, s.build());
    if (c.terminal() && !run.exited) {
      resize(run); // and shrinks when a task is over
    }
    return null;
  }

  /** A container's limits for these resources: cpus as given, mem in MB (at least the minimum), the configured pids limit. */
  private Limits limits(ResourceBag resources) {
    return new Limits(resources.scalar("cpus"), Math.max(MIN_MEMORY_BYTES, (long) (resources.scalar("mem") * (1 << 20))),
        config.pidsLimit());
  }

  /**
   * Sets an executor's container limits to the executor's resources plus those of its tasks that
   * are not over, as Mesos updates a container when tasks join or leave it (the first task's are
   * part of the limits the container starts with).
   */
  private void resize(ExecutorRun run) {
    ResourceBag resources = ResourceBag.of(run.info.getResourcesList());
    for (Container t : run.tasks.values()) {
      if (!t.terminal()) {
        resources = resources.add(ResourceBag.of(t.task.getResourcesList()));
      }
    }
    Limits limits = limits(resources);
    String containerId = run.containerId;
    vertx.executeBlocking(() -> {
      containerizer.isolator().update(containerId, limits);
      return null;
    }, true).onFailure(e -> LOG.warning("Failed to update the limits of executor '" + run.id() + "': " + e));
  }

  /**
   * MESSAGE from an executor to its framework: sent on to the master (best effort, as in Mesos),
   * which hands it to the framework as a MESSAGE event.
   */
  String executorMessage(String frameworkId, String executorId, ByteString data) {
    String unknown = knownExecutor(frameworkId, executorId);
    if (unknown == null) {
      MasterLink.executorMessage(vertx, identity.agentId(), frameworkId, executorId, data.toByteArray());
    }
    return unknown;
  }

  /** FRAMEWORK_MESSAGE from the master: a MESSAGE event to the executor. */
  void frameworkMessage(String frameworkId, String executorId, ByteString data) {
    ExecutorRun run = executors.get(key(frameworkId, executorId));
    if (run != null) {
      run.send(Event.newBuilder().setType(Event.Type.MESSAGE).setMessage(Event.Message.newBuilder().setData(data)).build());
    }
  }

  private void killOnExecutor(Container c, Long gracePeriodMs) {
    ExecutorRun run = c.executor;
    if (run.queued.remove(c) || run.exited) {
      c.killing = true;
      update(c, TaskState.TASK_KILLED, TaskStatus.Source.SOURCE_AGENT, null, "Killed before the executor received the task");
      return;
    }
    Event.Kill.Builder kill = Event.Kill.newBuilder().setTaskId(c.task.getTaskId());
    if (gracePeriodMs != null) {
      kill.setKillPolicy(org.apache.mesos.v1.Protos.KillPolicy.newBuilder()
          .setGracePeriod(org.apache.mesos.v1.Protos.DurationInfo.newBuilder().setNanoseconds(gracePeriodMs * 1_000_000)));
    } else if (c.task.hasKillPolicy()) {
      kill.setKillPolicy(c.task.getKillPolicy());
    }
    Event event = Event.newBuilder().setType(Event.Type.KILL).setKill(kill).build();
    if (run.stream == null) {
      run.pendingKills.put(c.taskId(), event); // sent once the executor (re)subscribes
    } else {
      run.send(event);
    }
  }

  /** SHUTDOWN to the executor; its container is destroyed if it is still there after the grace period. */
  void shutdownExecutor(String frameworkId, String executorId) {
    ExecutorRun run = executors.get(key(frameworkId, executorId));
    if (run != null) {
      shutdownExecutor(run);
    }
  }

  private void shutdownExecutor(ExecutorRun run) {
    if (run.shuttingDown || run.exited) {
      return;
    }
    run.shuttingDown = true;
    run.send(Event.newBuilder().setType(Event.Type.SHUTDOWN).build());
    run.shutdownTimer = vertx.setTimer(EXECUTOR_SHUTDOWN_GRACE_MS, id -> {
      if (!run.exited) {
        vertx.executeBlocking(() -> containerizer.signal(run.containerId, true, -1), false);
      }
    });
  }

  private void executorExited(ExecutorRun run, int exitValue) {
    String how = exitValue < 0 ? "its supervisor ended without recording an exit status"
        : exitValue > 128 ? "terminated with signal " + signalName(exitValue - 128) : "exited with status " + exitValue;
    executorExited(run, exitValue, "Executor '" + run.id() + "' " + how);
  }

  private void executorExited(ExecutorRun run, int exitValue, String message) {
    executorEnded(run, exitValue, null, TaskStatus.Reason.REASON_EXECUTOR_TERMINATED, message);
  }

  /**
   * The executor is gone (or is to go): its container is destroyed and its unfinished tasks end in
   * {@code state} with {@code reason}; a null state means TASK_FAILED (TASK_KILLED when being
   * killed). When the kernel OOM-killed a process of the container, the tasks fail with
   * REASON_CONTAINER_LIMITATION_MEMORY instead, as command tasks do.
   */
  private void executorEnded(ExecutorRun run, int exitValue, TaskState state, TaskStatus.Reason reason, String message) {
    if (run.exited || closed) {
      return;
    }
    run.exited = true;
    run.exitStatus = exitValue >= 0 ? exitValue : null;
    metrics.executorEnded();
    vertx.cancelTimer(run.heartbeatTimer);
    vertx.cancelTimer(run.shutdownTimer);
    if (run.stream != null) {
      run.stream.close();
      run.stream = null;
    }
    vertx.cancelTimer(run.reregisterTimer);
    executors.remove(key(run.frameworkId, run.id()));
    run.queued.clear();
    run.pendingKills.clear();
    vertx.<Boolean>executeBlocking(() -> {
      boolean oom = run.memoryLimited || containerizer.isolator().oomKilled(run.containerId);
      containerizer.destroy(run.containerId);
      SandboxJanitor.finished(run.directory);
      Checkpoints.deleteTree(checkpoints.executorExitStatus(run.frameworkId, run.id()).getParent());
      return oom;
    }, false).onFailure(e -> LOG.log(Level.WARNING, "Failed to destroy executor container '" + run.containerId + "'", e))
        .onComplete(ar -> {
          boolean oom = Boolean.TRUE.equals(ar.result());
          for (Container c : run.tasks.values()) {
            c.destroyed = true;
            if (c.terminal()) {
              continue;
            }
            if (oom) {
              update(c, TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_AGENT, TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY,
                  "Memory limit exceeded: Requested: " + executorMemoryMb(run) + "MB; the kernel killed the executor's processes ("
                      + message + ")");
            } else {
              update(c, state != null ? state : c.killing ? TaskState.TASK_KILLED : TaskState.TASK_FAILED,
                  TaskStatus.Source.SOURCE_AGENT, reason, message);
            }
          }
        });
  }

  /** The memory the executor's container was given: the executor's own and its first task's (see startExecutor). */
  private static long executorMemoryMb(ExecutorRun run) {
    ResourceBag bag = ResourceBag.of(run.info.getResourcesList());
    Container first = run.tasks.values().stream().findFirst().orElse(null);
    if (first != null) {
      bag = bag.add(ResourceBag.of(first.task.getResourcesList()));
    }
    return (long) bag.scalar("mem");
  }

  // ---- sandboxes ------------------------------------------------------------------------------

  /** Run directories of containers that are not over (never garbage-collected). */
  java.util.Set<Path> liveRuns() {
    java.util.Set<Path> live = new java.util.HashSet<>();
    for (Container c : containers.values()) {
      live.add(c.group != null ? c.directory.getParent().getParent() : c.directory);
    }
    for (ExecutorRun e : executors.values()) {
      live.add(e.directory);
    }
    return live;
  }

  /** Sandboxes whose command runs, for log rotation. */
  List<Path> runningSandboxes() {
    List<Path> out = new ArrayList<>();
    for (Container c : containers.values()) {
      if (c.pid > 0 && !c.destroyed) {
        out.add(c.directory);
      }
    }
    for (ExecutorRun e : executors.values()) {
      if (e.pid > 0 && !e.exited) {
        out.add(e.directory);
      }
    }
    return out;
  }

  // ---- health checks --------------------------------------------------------------------------

  /**
   * Starts the task's health checker, as Mesos's command executor does once the task runs: each
   * change of health is a TASK_RUNNING update with {@code healthy} and
   * REASON_TASK_HEALTH_CHECK_STATUS_UPDATED; enough consecutive failures kill the task.
   */
  private void startHealthCheck(Container c) {
    HealthCheck check = c.task.getHealthCheck();
    Probe probe = switch (check.getType()) {
      case HTTP -> Checks.http(httpClient(), check.getHttp());
      case TCP -> Checks.tcp(tcpClient(), check.getTcp());
      default -> timeout -> commandCheck(c, check, timeout);
    };
    c.checker = new HealthChecker(vertx, clock, check, probe, (healthy, kill, message) -> {
      if (c.terminal() || c.killing || closed) {
        return;
      }
      c.healthy = healthy;
      update(c, TaskState.TASK_RUNNING, TaskStatus.Source.SOURCE_EXECUTOR, TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED,
          message, healthy);
      if (kill) {
        LOG.info("Killing task '" + c.taskId() + "' of framework '" + c.frameworkId + "': " + message);
        c.killedByHealthCheck = true;
        kill(c.frameworkId, c.taskId(), null);
      }
    });
    c.checker.start();
  }

  /**
   * Starts the task's general check: each change of its result is a TASK_RUNNING update with
   * {@code check_status} and REASON_TASK_CHECK_STATUS_UPDATED (the health, if any, as last reported).
   */
  private void startCheck(Container c) {
    org.apache.mesos.v1.Protos.CheckInfo check = c.task.getCheck();
    c.generalChecker = new io.mezzo.agent.checks.GeneralChecker(vertx, check, timeout -> switch (check.getType()) {
      case COMMAND -> commandCheck(c, check.getCommand().getCommand(), timeout)
          .map(code -> org.apache.mesos.v1.Protos.CheckStatusInfo.newBuilder().setType(check.getType())
              .setCommand(org.apache.mesos.v1.Protos.CheckStatusInfo.Command.newBuilder().setExitCode(code)).build());
      case HTTP -> {
        String path = check.getHttp().getPath().startsWith("/") ? check.getHttp().getPath() : "/" + check.getHttp().getPath();
        io.vertx.core.http.RequestOptions options = new io.vertx.core.http.RequestOptions().setHost("127.0.0.1")
            .setPort(check.getHttp().getPort()).setURI(path).setFollowRedirects(false);
        if (!timeout.isZero()) {
          options.setTimeout(Math.max(1, timeout.toMillis()));
        }
        yield httpClient().request(options).compose(req -> req.send()).compose(resp -> resp.body().map(b -> resp.statusCode()))
            .map(code -> org.apache.mesos.v1.Protos.CheckStatusInfo.newBuilder().setType(check.getType())
                .setHttp(org.apache.mesos.v1.Protos.CheckStatusInfo.Http.newBuilder().setStatusCode(code)).build());
      }
      default -> {
        Future<io.vertx.core.net.NetSocket> connect = tcpClient().connect(check.getTcp().getPort(), "127.0.0.1");
        if (!timeout.isZero()) {
          connect = connect.timeout(Math.max(1, timeout.toMillis()), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        yield connect.compose(socket -> socket.close().otherwiseEmpty()).map(true).otherwise(false)
            .map(ok -> org.apache.mesos.v1.Protos.CheckStatusInfo.newBuilder().setType(check.getType())
                .setTcp(org.apache.mesos.v1.Protos.CheckStatusInfo.Tcp.newBuilder().setSucceeded(ok)).build());
      }
    }, result -> {
      if (c.terminal() || c.killing || closed) {
        return;
      }
      c.checkStatus = result;
      update(c, TaskState.TASK_RUNNING, TaskStatus.Source.SOURCE_EXECUTOR, TaskStatus.Reason.REASON_TASK_CHECK_STATUS_UPDATED,
          null, c.healthy);
    });
    c.generalChecker.start();
  }

  private HttpClient httpClient() {
    if (checkHttp == null) {
      checkHttp = vertx.createHttpClient(new HttpClientOptions().setTrustAll(true).setVerifyHost(false).setKeepAlive(false));
    }
    return checkHttp;
  }

  private NetClient tcpClient() {
    if (checkTcp == null) {
      checkTcp = vertx.createNetClient(new NetClientOptions());
    }
    return checkTcp;
  }

  /** Runs the check's command in the task's box with the task's environment (then the check's own); exit 0 is healthy. */
  private Future<Void> commandCheck(Container c, HealthCheck check, Duration timeout) {
    return commandCheck(c, check.getCommand(), timeout).compose(code -> code == 0 ? Future.<Void>succeededFuture()
        : Future.failedFuture("Command exited with status " + code));
  }

  /** Runs a check command in the task's box with the task's environment (then the command's own); yields its exit code. */
  private Future<Integer> commandCheck(Container c, org.apache.mesos.v1.Protos.CommandInfo command, Duration timeout) {
    Map<String, String> env = new LinkedHashMap<>(c.environment);
    if (command.hasEnvironment()) {
      for (Environment.Variable v : command.getEnvironment().getVariablesList()) {
        if (v.getType() != Environment.Variable.Type.SECRET) {
          env.put(v.getName(), v.getValue());
        }
      }
    }
    var context = vertx.getOrCreateContext();
    return vertx.executeBlocking(() -> containerizer.exec(c.containerId, c.directory, command, env, c.user), false)
        .compose(process -> {
          Promise<Integer> done = Promise.promise();
          long timer = timeout.isZero() ? -1 : vertx.setTimer(Math.max(1, timeout.toMillis()), id -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            done.tryFail("Command timed out after " + timeout.toMillis() + " ms");
          });
          process.onExit().thenAccept(p -> context.runOnContext(v -> {
            vertx.cancelTimer(timer);
            done.tryComplete(p.exitValue());
          }));
          return done.future();
        });
  }

  // ---- status updates -------------------------------------------------------------------------

  private void finish(Container c, TaskState state, TaskStatus.Source source, TaskStatus.Reason reason, String message) {
    update(c, state, source, reason, message);
  }

  private void update(Container c, TaskState state, TaskStatus.Source source, TaskStatus.Reason reason, String message) {
    update(c, state, source, reason, message, null);
  }

  private void update(Container c, TaskState state, TaskStatus.Source source, TaskStatus.Reason reason, String message,
                      Boolean healthy) {
    if (c.terminal() || closed) {
      return;
    }
    TaskStatus plain = status(c.taskId(), state, source, reason, message, c);
    record(c, healthy == null ? plain : plain.toBuilder().setHealthy(healthy).build());
  }

  /** Takes a task's new status: its state changes, the update goes to the status update manager and the task is checkpointed. */
  private void record(Container c, TaskStatus status) {
    if (c.terminal() || closed) {
      return;
    }
    c.state = status.getState();
    c.statuses.add(status);
    if (c.terminal()) {
      metrics.taskEnded(c.state, status.getReason(), c.executor == null && c.pid > 0);
    }
    if (!frameworks.containsKey(c.frameworkId)) {
      // shut down: nobody acknowledges; forget the task once it is over
      if (c.terminal()) {
        containers.remove(key(c.frameworkId, c.taskId()));
        vertx.executeBlocking(() -> {
          checkpoints.removeTask(c.frameworkId, c.taskId());
          return null;
        });
      }
      return;
    }
    // The update is checkpointed (a U record in task.records) before it is sent, then the task's state: after a
    // crash in between, recovery takes the newer state from the pending updates.
    updates.update(c.frameworkId, status);
    Task snapshot = c.toTask(identity.agentId());
    long pid = c.pid;
    long start = c.startTicks;
    io(c, () -> {
      checkpoints.task(snapshot, c.task, c.containerId, c.directory.toString(), pid, start);
      return null;
    });
  }

  private TaskStatus status(String taskId, TaskState state, TaskStatus.Source source, TaskStatus.Reason reason, String message,
                            Container c) {
    TaskStatus.Builder s = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId)).setState(state)
        .setSource(source).setAgentId(AgentID.newBuilder().setValue(identity.agentId()))
        .setTimestamp(clock.millis() / 1000.0).setUuid(uuid());
    if (reason != null) {
      s.setReason(reason);
    }
    if (message != null) {
      s.setMessage(message);
    }
    if (c != null) {
      if (c.checkStatus != null) {
        s.setCheckStatus(c.checkStatus);
      }
      s.setExecutorId(ExecutorID.newBuilder().setValue(c.executorId));
      ContainerStatus.Builder cs = ContainerStatus.newBuilder().setContainerId(ContainerID.newBuilder().setValue(c.containerId));
      if (c.pid > 0) {
        cs.setExecutorPid((int) c.pid);
      }
      s.setContainerStatus(cs);
    }
    return s.build();
  }

  /** The framework acknowledged an update; a terminal task whose updates are all acknowledged is completed. */
  void acknowledged(String frameworkId, String taskId, ByteString uuid) {
    if (!updates.acknowledge(frameworkId, taskId, uuid)) {
      return;
    }
    Container c = containers.get(key(frameworkId, taskId));
    if (c != null && c.executor != null) {
      c.executor.send(Event.newBuilder().setType(Event.Type.ACKNOWLEDGED).setAcknowledged(Event.Acknowledged.newBuilder()
          .setTaskId(c.task.getTaskId()).setUuid(uuid)).build());
    }
    if (c != null && c.terminal() && !updates.hasPending(frameworkId, taskId)) {
      containers.remove(key(frameworkId, taskId));
      completed.addLast(c);
      while (completed.size() > MAX_COMPLETED) {
        completed.removeFirst();
      }
      vertx.executeBlocking(() -> {
        checkpoints.removeTask(frameworkId, taskId);
        return null;
      });
    }
  }

  /** What recovery found of a checkpointed container whose task was not over. */
  enum Found { RUNNING, EXITED, GONE, NEVER_STARTED }

  /** The state of a checkpointed container on this machine now, with the exit status when it ended. */
  record Inspection(Found found, Integer exitStatus) {
  }

  /**
   * Looks at every checkpointed container whose task was not over (blocks: call it from a worker):
   * its supervisor still runs when the pid exists, is not a zombie, has the checkpointed start
   * time and (with cgroups) sits in the container's cgroup; otherwise the exit status the
   * supervisor recorded tells how the command ended; without one the container is gone (the
   * machine rebooted, or a clean stop destroyed it). Every checkpointed custom executor is looked
   * at the same way (keyed by its container id, which its tasks share).
   */
  static Map<String, Inspection> inspect(List<Checkpoints.FrameworkCheckpoint> saved, List<Checkpoints.ExecutorCheckpoint> runs,
                                         Checkpoints checkpoints, io.mezzo.agent.cgroups.Isolator isolator) {
    Map<String, Inspection> out = new LinkedHashMap<>();
    for (Checkpoints.FrameworkCheckpoint fw : saved) {
      for (Checkpoints.TaskCheckpoint t : fw.tasks()) {
        if (Container.isTerminal(t.task().getState())) {
          continue;
        }
        String fid = fw.info().getId().getValue();
        out.put(t.containerId(), inspect(checkpoints.exitStatus(fid, t.task().getTaskId().getValue()), t.pid(), t.startTicks(),
            t.containerId(), isolator));
      }
    }
    for (Checkpoints.ExecutorCheckpoint e : runs) {
      // its tasks share its container id: the executor's state is the one that counts
      out.put(e.containerId(), inspect(checkpoints.executorExitStatus(e.frameworkId(), e.info().getExecutorId().getValue()),
          e.pid(), e.startTicks(), e.containerId(), isolator));
    }
    return out;
  }

  /** One supervisor's state: its exit status file, its checkpointed pid and start time, its container's cgroup. Blocks. */
  private static Inspection inspect(Path exitFile, long pid, long startTicks, String containerId,
                                    io.mezzo.agent.cgroups.Isolator isolator) {
    Integer status = exitStatus(exitFile);
    Found found;
    if (status != null) {
      found = Found.EXITED;
    } else if (pid <= 0) {
      found = Found.NEVER_STARTED;
    } else if (Containerizer.ProcStat.alive(pid, startTicks)
        && (isolator.kind().equals("posix") || isolator.pids(containerId).contains(pid))) {
      found = Found.RUNNING;
    } else {
      status = exitStatus(exitFile); // it may have ended between the two looks
      found = status != null ? Found.EXITED : Found.GONE;
    }
    return new Inspection(found, status);
  }

  /**
   * After a restart: checkpointed tasks become known again and their unacknowledged updates are
   * resent once registered. A running container is re-attached (watched, killed, health-checked
   * as before); one whose command ended while the agent was down reports its real exit status; one
   * that is gone reports TASK_GONE (TASK_LOST for frameworks that are not partition-aware); one
   * the agent died launching is destroyed and fails with REASON_AGENT_RESTARTED.
   */
  void recover(List<Checkpoints.FrameworkCheckpoint> saved, List<Checkpoints.ExecutorCheckpoint> savedRuns,
               Map<String, Inspection> found) {
    for (Checkpoints.FrameworkCheckpoint fw : saved) {
      frameworks.put(fw.info().getId().getValue(), fw.info());
    }
    Map<String, ExecutorRun> runs = new LinkedHashMap<>();
    for (Checkpoints.ExecutorCheckpoint e : savedRuns) {
      FrameworkInfo fw = frameworks.getOrDefault(e.frameworkId(), FrameworkInfo.newBuilder()
          .setId(org.apache.mesos.v1.Protos.FrameworkID.newBuilder().setValue(e.frameworkId())).setUser("").setName("").build());
      ExecutorRun run = new ExecutorRun(e.frameworkId(), fw, e.info(), e.containerId(), Path.of(e.directory()));
      run.pid = e.pid();
      run.startTicks = e.startTicks();
      runs.put(key(e.frameworkId(), run.id()), run);
      executors.put(key(e.frameworkId(), run.id()), run);
    }
    Map<String, TaskGroup> groups = new LinkedHashMap<>();
    for (Checkpoints.FrameworkCheckpoint fw : saved) {
      String fid = fw.info().getId().getValue();
      watchExits(fid);
      for (int i = 0; i < fw.tasks().size(); i++) {
        Checkpoints.TaskCheckpoint t = fw.tasks().get(i);
        TaskInfo info = t.info() != null ? t.info() : TaskInfo.newBuilder().setName(t.task().getName())
            .setTaskId(t.task().getTaskId()).setAgentId(t.task().getAgentId()).addAllResources(t.task().getResourcesList()).build();
        String executorId = executorOf(Path.of(t.directory()), t.task().getTaskId().getValue());
        Container c = new Container(fid, info, executorId, t.containerId(), Path.of(t.directory()), clock.instant());
        c.state = t.task().getState();
        c.statuses.addAll(t.task().getStatusesList());
        List<TaskStatus> pending = fw.updates().get(i);
        for (TaskStatus p : pending) {
          if (c.statuses.stream().noneMatch(s -> s.getUuid().equals(p.getUuid()))) {
            c.statuses.add(p);
            c.state = p.getState();
          }
        }
        containers.put(key(fid, c.taskId()), c);
        updates.recover(fid, c.taskId(), pending);
        ExecutorRun run = t.info() != null && t.info().hasExecutor()
            ? runs.get(key(fid, t.info().getExecutor().getExecutorId().getValue())) : null;
        if (run != null && run.containerId.equals(c.containerId)) {
          // a custom executor's task: it lives and ends with its executor, recovered below
          c.executor = run;
          c.killing = c.state == TaskState.TASK_KILLING;
          run.tasks.put(c.taskId(), c);
        }
        Path parent = c.directory.getParent();
        if (c.executor == null && t.info() != null && t.info().hasCommand() && parent != null && parent.getParent() != null
            && parent.getFileName().toString().equals("tasks")) {
          // a task of a group (<executor sandbox>/tasks/<task id>): the group's lifecycle applies again
          String groupContainer = parent.getParent().getFileName().toString();
          TaskGroup group = groups.computeIfAbsent(key(fid, executorId + "\n" + groupContainer),
              k -> new TaskGroup(executorId, groupContainer));
          c.group = group;
          group.members.add(c);
        }
        if (c.terminal()) {
          c.destroyed = true;
          if (!updates.hasPending(fid, c.taskId())) {
            containers.remove(key(fid, c.taskId()));
            completed.addLast(c);
          }
          continue;
        }
        if (c.executor != null) {
          continue;
        }
        Inspection seen = found.getOrDefault(c.containerId, new Inspection(Found.GONE, null));
        LOG.info("Recovering task '" + c.taskId() + "' of framework '" + fid + "' (" + c.state + "): container "
            + c.containerId + " " + seen.found() + (seen.exitStatus() == null ? "" : ", exit status " + seen.exitStatus()));
        if (t.info() != null && t.info().hasCommand()) {
          c.environment = environment(c);
          String user = t.info().getCommand().hasUser() ? t.info().getCommand().getUser() : fw.info().getUser();
          if (!user.isEmpty() && !user.equals(System.getProperty("user.name"))) {
            c.user = Containerizer.User.lookup(user);
          }
        }
        switch (seen.found()) {
          case RUNNING -> {
            containerizer.isolator().started(c.containerId, t.pid());
            if (c.state == TaskState.TASK_KILLING) {
              c.pid = t.pid();
              c.startTicks = t.startTicks();
              kill(fid, c.taskId(), null, false); // resume the kill; TASK_KILLING was reported already
            } else {
              adopt(c, t.pid(), t.startTicks());
            }
          }
          case EXITED -> {
            c.pid = t.pid();
            c.startTicks = t.startTicks();
            c.killing = c.state == TaskState.TASK_KILLING;
            exited(c, seen.exitStatus());
          }
          case GONE -> {
            boolean partitionAware = hasCapability(fw.info(), FrameworkInfo.Capability.Type.PARTITION_AWARE);
            cleanup(c).onComplete(v -> update(c, partitionAware ? TaskState.TASK_GONE : TaskState.TASK_LOST,
                TaskStatus.Source.SOURCE_AGENT, TaskStatus.Reason.REASON_EXECUTOR_TERMINATED,
                "The task's container was gone when the agent recovered (the machine rebooted or the agent was stopped)",
                null));
          }
          default -> cleanup(c).onComplete(v -> update(c, TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_AGENT,
              TaskStatus.Reason.REASON_AGENT_RESTARTED, "The agent restarted while launching the task; its container was destroyed"));
        }
      }
    }
    for (TaskGroup group : groups.values()) {
      // a task of the group failed or was killed before the agent died: the rest of the group goes too
      if (group.members.stream().anyMatch(m -> m.terminal() && m.state != TaskState.TASK_FINISHED)) {
        killGroup(group);
      }
    }
    for (ExecutorRun run : runs.values()) {
      Inspection seen = found.getOrDefault(run.containerId, new Inspection(Found.GONE, null));
      LOG.info("Recovering executor '" + run.id() + "' of framework '" + run.frameworkId + "' with " + run.tasks.size()
          + " task(s): container " + run.containerId + " " + seen.found()
          + (seen.exitStatus() == null ? "" : ", exit status " + seen.exitStatus()));
      switch (seen.found()) {
        case RUNNING -> {
          containerizer.isolator().started(run.containerId, run.pid);
          run.recovering = true; // waits for the executor's SUBSCRIBE; see startReregistrationTimers
        }
        case EXITED -> executorExited(run, seen.exitStatus());
        case GONE -> executorEnded(run, -1, hasCapability(run.framework, FrameworkInfo.Capability.Type.PARTITION_AWARE)
                ? TaskState.TASK_GONE : TaskState.TASK_LOST, TaskStatus.Reason.REASON_EXECUTOR_TERMINATED,
            "The executor's container was gone when the agent recovered (the machine rebooted or the agent was stopped)");
        default -> executorEnded(run, -1, TaskState.TASK_FAILED, TaskStatus.Reason.REASON_AGENT_RESTARTED,
            "The agent restarted while launching executor '" + run.id() + "'; its container was destroyed");
      }
    }
  }

  /**
   * Once the agent serves {@code /api/v1/executor} again: every executor found running gets
   * {@code executor_reregistration_timeout_ms} to SUBSCRIBE; one that does not is killed (its whole
   * container) and its unfinished tasks end TASK_GONE (TASK_LOST for frameworks that are not
   * partition-aware) with REASON_EXECUTOR_REREGISTRATION_TIMEOUT, as Mesos reports them.
   */
  void startReregistrationTimers() {
    for (ExecutorRun run : executors.values()) {
      if (run.recovering && run.reregisterTimer < 0) {
        run.reregisterTimer = vertx.setTimer(config.executorReregistrationTimeoutMs(), id -> {
          run.reregisterTimer = -1;
          if (!run.recovering || run.exited || closed) {
            return;
          }
          run.recovering = false;
          String message = "Executor did not reregister within " + mesosDuration(config.executorReregistrationTimeoutMs());
          LOG.info("Killing executor '" + run.id() + "' of framework '" + run.frameworkId + "': " + message);
          executorEnded(run, -1, hasCapability(run.framework, FrameworkInfo.Capability.Type.PARTITION_AWARE)
              ? TaskState.TASK_GONE : TaskState.TASK_LOST, TaskStatus.Reason.REASON_EXECUTOR_REREGISTRATION_TIMEOUT, message);
        });
      }
    }
  }

  /** The executor id in a sandbox path ({@code …/executors/<id>/runs/…}). */
  static String executorOf(Path directory, String fallback) {
    for (int i = 0; i + 1 < directory.getNameCount(); i++) {
      if (directory.getName(i).toString().equals("executors")) {
        return directory.getName(i + 1).toString();
      }
    }
    return fallback;
  }

  static boolean hasCapability(FrameworkInfo fw, FrameworkInfo.Capability.Type type) {
    return fw.getCapabilitiesList().stream().anyMatch(c -> c.getType() == type);
  }

  static ByteString uuid() {
    UUID u = UUID.randomUUID();
    return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array());
  }

  // ---- read-only views for the agent API ----

  /** The custom executors the agent runs (started, subscribed or shutting down); read-only. */
  Collection<ExecutorRun> executorRuns() {
    return java.util.Collections.unmodifiableCollection(executors.values());
  }
}
