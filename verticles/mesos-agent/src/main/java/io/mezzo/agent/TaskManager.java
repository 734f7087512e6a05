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
  private final Deque<Container> completed = new ArrayDeque<>();
  /** The agent stopped: processes keep running, but this instance no longer reports or changes anything. */
  private boolean closed;
  private boolean reaping;
  private long reapRound;
  private HttpClient checkHttp;
  private NetClient checkTcp;

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
  }

  private static String key(String frameworkId, String taskId) {
    return frameworkId + "\n" + taskId;
  }

  Collection<Container> containers() {
    return containers.values();
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
    String fid = framework.getId().getValue();
    String taskId = task.getTaskId().getValue();
    if (containers.containsKey(key(fid, taskId))) {
      LOG.warning("Ignoring a second launch of task '" + taskId + "' of framework '" + fid + "'");
      return;
    }
    frameworks.put(fid, framework);
    vertx.executeBlocking(() -> {
      checkpoints.framework(framework);
      return null;
    });
    String executorId = taskId;
    String containerId = UUID.randomUUID().toString();
    Path dir = sandboxes.run(identity.agentId(), fid, executorId, containerId);
    Container c = new Container(fid, task, executorId, containerId, dir, clock.instant());
    containers.put(key(fid, taskId), c);

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
    Limits limits = new Limits(resources.scalar("cpus"), Math.max(MIN_MEMORY_BYTES, (long) (resources.scalar("mem") * (1 << 20))),
        config.pidsLimit());
    c.environment = environment(c);
    c.user = user;
    Containerizer.Launch launch = new Containerizer.Launch(containerId, dir, task.getCommand(), c.environment, user, limits);

    update(c, TaskState.TASK_STARTING, TaskStatus.Source.SOURCE_EXECUTOR, null, null);
    io(c, () -> {
      sandboxes.create(identity.agentId(), fid, executorId, containerId);
      checkpoints.task(c.toTask(identity.agentId()), c.task, containerId, dir.toString(), 0, -1);
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
    });
  }

  /** The container's supervisor runs: report TASK_RUNNING (or carry out a kill asked for meanwhile) and watch it. */
  private void adopt(Container c, long pid, long startTicks) {
    c.pid = pid;
    c.startTicks = startTicks;
    if (c.killing) {
      signal(c);
    } else {
      if (c.state != TaskState.TASK_RUNNING) {
        update(c, TaskState.TASK_RUNNING, TaskStatus.Source.SOURCE_EXECUTOR, null, null);
      }
      if (c.task.hasHealthCheck()) {
        startHealthCheck(c);
      }
    }
  }

  /**
   * Runs file-system work of one container on a worker thread, after the container's earlier work
   * (so its checkpoint writes keep their order) but in parallel with other containers.
   */
  private <T> Future<T> io(Container c, java.util.concurrent.Callable<T> work) {
    Future<T> next = c.work.transform(ignored -> vertx.executeBlocking(work, false));
    c.work = next.map(x -> (Object) null).otherwiseEmpty();
    return next;
  }

  /** A task this agent cannot run (e.g. one of a task group): it fails at once with the reason. */
  void refuse(FrameworkInfo framework, TaskInfo task, String message) {
    String fid = framework.getId().getValue();
    if (containers.containsKey(key(fid, task.getTaskId().getValue()))) {
      return;
    }
    frameworks.put(fid, framework);
    String taskId = task.getTaskId().getValue();
    Container c = new Container(fid, task, taskId, UUID.randomUUID().toString(),
        sandboxes.run(identity.agentId(), fid, taskId, "none"), clock.instant());
    c.destroyed = true;
    containers.put(key(fid, taskId), c);
    vertx.executeBlocking(() -> {
      checkpoints.framework(framework);
      return null;
    }).onComplete(v -> finish(c, TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_AGENT,
        TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED, message));
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
    return null;
  }

  private static String unsupported(TaskInfo task) {
    if (task.hasExecutor()) {
      return "Custom executors are not supported by this agent yet";
    }
    if (task.hasContainer() && (task.getContainer().hasDocker() || task.getContainer().hasMesos()
        && task.getContainer().getMesos().hasImage())) {
      return "Container images are not supported by this agent yet";
    }
    if (task.getCommand().getUrisCount() > 0) {
      return "Fetching CommandInfo.uris is not supported by this agent yet";
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
    List<Container> live = containers.values().stream().filter(c -> !c.destroyed).toList();
    return vertx.executeBlocking(() -> {
      for (Container c : live) {
        try {
          containerizer.destroy(c.containerId);
        } catch (IOException e) {
          LOG.warning("Failed to destroy container '" + c.containerId + "' on stop: " + e);
        }
      }
      return null;
    });
  }

  /**
   * Checks whether the supervisors of running containers recorded an exit status or disappeared;
   * called periodically. One worker job looks at every container (a file test each, and the
   * process table every fifth round or while a kill is going on).
   */
  void reap() {
    if (reaping || closed) {
      return;
    }
    boolean full = ++reapRound % 5 == 0;
    List<Container> live = containers.values().stream().filter(c -> c.pid > 0 && !c.exited && !c.destroyed).toList();
    if (live.isEmpty()) {
      return;
    }
    reaping = true;
    vertx.executeBlocking(() -> {
      Map<Container, Integer> ended = new LinkedHashMap<>();
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
        ar.result().forEach(this::exited);
      }
    });
  }

  /** The status a supervisor wrote, or null when there is none (yet). Blocks. */
  static Integer exitStatus(Path file) {
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
    vertx.cancelTimer(c.killTimer);
    c.stopChecker();
    vertx.executeBlocking(() -> containerizer.isolator().oomKilled(c.containerId))
        .otherwise(false)
        .compose(oom -> cleanup(c).map(oom))
        .onComplete(ar -> {
          boolean oom = c.memoryLimited || Boolean.TRUE.equals(ar.result());
          String how = exitValue < 0 ? "The task's supervisor process ended without recording the command's exit status"
              : exitValue > 128 ? "Command terminated with signal " + signalName(exitValue - 128)
              : "Command exited with status " + exitValue;
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
        });
  }

  private Future<Void> cleanup(Container c) {
    return vertx.<Void>executeBlocking(() -> {
      containerizer.destroy(c.containerId);
      return null;
    }).onFailure(e -> LOG.log(Level.WARNING, "Failed to destroy container '" + c.containerId + "'", e))
        .otherwiseEmpty()
        .onComplete(v -> c.destroyed = true);
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
    if (running.isEmpty() || closed) {
      return;
    }
    vertx.executeBlocking(() -> running.stream().filter(c -> containerizer.isolator().oomKilled(c.containerId)).toList(), false)
        .onSuccess(limited -> {
          for (Container c : limited) {
            if (!c.memoryLimited && !c.destroyed) {
              c.memoryLimited = true;
              vertx.executeBlocking(() -> containerizer.signal(c.containerId, true, c.pid), false);
            }
          }
        });
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
    Map<String, String> env = new LinkedHashMap<>(c.environment);
    if (check.getCommand().hasEnvironment()) {
      for (Environment.Variable v : check.getCommand().getEnvironment().getVariablesList()) {
        if (v.getType() != Environment.Variable.Type.SECRET) {
          env.put(v.getName(), v.getValue());
        }
      }
    }
    var context = vertx.getOrCreateContext();
    return vertx.executeBlocking(() -> containerizer.exec(c.containerId, c.directory, check.getCommand(), env, c.user), false)
        .compose(process -> {
          Promise<Void> done = Promise.promise();
          long timer = timeout.isZero() ? -1 : vertx.setTimer(Math.max(1, timeout.toMillis()), id -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            done.tryFail("Command timed out after " + timeout.toMillis() + " ms");
          });
          process.onExit().thenAccept(p -> context.runOnContext(v -> {
            vertx.cancelTimer(timer);
            int code = p.exitValue();
            if (code == 0) {
              done.tryComplete();
            } else {
              done.tryFail("Command exited with status " + code);
            }
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
    c.state = state;
    TaskStatus plain = status(c.taskId(), state, source, reason, message, c);
    TaskStatus status = healthy == null ? plain : plain.toBuilder().setHealthy(healthy).build();
    c.statuses.add(status);
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
    // The update is checkpointed (updates.json) before it is sent, then the task's state: after a
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
   * machine rebooted, or a clean stop destroyed it).
   */
  static Map<String, Inspection> inspect(List<Checkpoints.FrameworkCheckpoint> saved, Checkpoints checkpoints,
                                         io.mezzo.agent.cgroups.Isolator isolator) {
    Map<String, Inspection> out = new LinkedHashMap<>();
    for (Checkpoints.FrameworkCheckpoint fw : saved) {
      for (Checkpoints.TaskCheckpoint t : fw.tasks()) {
        if (Container.isTerminal(t.task().getState())) {
          continue;
        }
        String fid = fw.info().getId().getValue();
        Integer status = exitStatus(checkpoints.exitStatus(fid, t.task().getTaskId().getValue()));
        Found found;
        if (status != null) {
          found = Found.EXITED;
        } else if (t.pid() <= 0) {
          found = Found.NEVER_STARTED;
        } else if (Containerizer.ProcStat.alive(t.pid(), t.startTicks())
            && (isolator.kind().equals("posix") || isolator.pids(t.containerId()).contains(t.pid()))) {
          found = Found.RUNNING;
        } else {
          status = exitStatus(checkpoints.exitStatus(fid, t.task().getTaskId().getValue()));
          found = status != null ? Found.EXITED : Found.GONE;
        }
        out.put(t.containerId(), new Inspection(found, status));
      }
    }
    return out;
  }

  /**
   * After a restart: checkpointed tasks become known again and their unacknowledged updates are
   * resent once registered. A running container is re-attached (watched, killed, health-checked
   * as before); one whose command ended while the agent was down reports its real exit status; one
   * that is gone reports TASK_GONE (TASK_LOST for frameworks that are not partition-aware); one
   * the agent died launching is destroyed and fails with REASON_AGENT_RESTARTED.
   */
  void recover(List<Checkpoints.FrameworkCheckpoint> saved, Map<String, Inspection> found) {
    for (Checkpoints.FrameworkCheckpoint fw : saved) {
      String fid = fw.info().getId().getValue();
      frameworks.put(fid, fw.info());
      for (int i = 0; i < fw.tasks().size(); i++) {
        Checkpoints.TaskCheckpoint t = fw.tasks().get(i);
        TaskInfo info = t.info() != null ? t.info() : TaskInfo.newBuilder().setName(t.task().getName())
            .setTaskId(t.task().getTaskId()).setAgentId(t.task().getAgentId()).addAllResources(t.task().getResourcesList()).build();
        String executorId = Path.of(t.directory()).getParent().getParent().getFileName().toString();
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
        if (c.terminal()) {
          c.destroyed = true;
          if (!updates.hasPending(fid, c.taskId())) {
            containers.remove(key(fid, c.taskId()));
            completed.addLast(c);
          }
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
  }

  static boolean hasCapability(FrameworkInfo fw, FrameworkInfo.Capability.Type type) {
    return fw.getCapabilitiesList().stream().anyMatch(c -> c.getType() == type);
  }

  static ByteString uuid() {
    UUID u = UUID.randomUUID();
    return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array());
  }
}
