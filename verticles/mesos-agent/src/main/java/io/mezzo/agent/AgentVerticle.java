package io.mezzo.agent;

import com.google.protobuf.ByteString;
import io.mezzo.agent.cgroups.ContainerStatistics;
import io.mezzo.agent.cgroups.Isolator;
import io.mezzo.agent.cgroups.Isolators;
import io.mezzo.agent.files.FilesHttp;
import io.mezzo.agent.files.SandboxFiles;
import io.mezzo.agent.files.SandboxPaths;
import io.mezzo.agent.updates.StatusUpdateManager;
import io.mezzo.common.component.ComponentContext;
import io.mezzo.common.config.ConfigBinder;
import io.mezzo.common.health.HealthReporter;
import io.mezzo.common.http.Routes;
import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.protocol.AgentProtocol;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskStatus;

/**
 * The Mesos agent: registers with the leading master over the event bus, runs the tasks it is
 * sent as processes in their own containers, delivers their status updates until acknowledged, and
 * serves the sandboxes and its state over HTTP. All agent state lives on this verticle's event loop.
 */
public final class AgentVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(AgentVerticle.class.getName());

  private final ComponentContext node;
  private final Clock clock = Clock.systemUTC();
  private final String pid = UUID.randomUUID().toString();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private final List<Long> timers = new ArrayList<>();
  private AgentConfig config;
  private Path workDir;
  private String hostname;
  private AgentInfo info;
  private Checkpoints checkpoints;
  private StatusUpdateManager updates;
  private TaskManager tasks;
  private MasterLink link;
  private HttpServer server;
  private HealthReporter health;
  private Isolator isolator;
  private Sandboxes sandboxes;
  private NestedSessions sessions;
  private ContainerApi containerApi;
  private final Map<String, Future<Void>> saving = new java.util.HashMap<>();
  /** How often the supervisors' exit-status files are looked at. */
  static final long REAP_INTERVAL_MS = 100;
  /** How often running tasks' stdout/stderr sizes are looked at when rotation is on. */
  static final long LOG_ROTATE_INTERVAL_MS = 1_000;
  private double startTime;

  public AgentVerticle(ComponentContext node) {
    this.node = node;
  }

  /** Resolved once the agent is registered with a master: its agent id. */
  public String agentId() {
    return link == null ? null : link.agentId();
  }

  public boolean registered() {
    return link != null && link.registered();
  }

  /** The agent's event-bus address suffix for this run. */
  public String pid() {
    return pid;
  }

  public int port() {
    return server == null ? -1 : server.actualPort();
  }

  @Override
  public Future<?> start() {
    config = ConfigBinder.bindOverDefaults(config(), AgentConfig.DEFAULTS, AgentConfig.class, "mesos-agent");
    workDir = config.workDir().isEmpty() ? node.workDir("agent") : Path.of(config.workDir());
    hostname = config.hostname().isEmpty() ? node.cluster().host() : config.hostname();
    startTime = clock.millis() / 1000.0;
    checkpoints = new Checkpoints(workDir);
    sandboxes = new Sandboxes(workDir);
    boolean isPublic = config.publicAgent() || "agent-public".equals(node.cluster().role());
    String role = isPublic ? AgentConfig.PUBLIC_ROLE : "*";

    record Loaded(String agentId, List<Checkpoints.FrameworkCheckpoint> saved, List<Checkpoints.ExecutorCheckpoint> runs,
                  Map<String, TaskManager.Inspection> found, Isolator isolator, AgentInfo.Builder info) {
    }
    return vertx.executeBlocking(() -> {
      Files.createDirectories(workDir);
      Isolator isolator = Isolators.detect(config.isolation(), Isolators.CGROUP_BASE, config.cgroupsRoot());
      AgentInfo.Builder b = AgentInfo.newBuilder().setHostname(hostname)
          .addAllResources(ResourceDetector.resolve(config.resources(), role, ResourceDetector.Machine.probe(workDir)))
          .addAllAttributes(Attributes.parse(config.attributes()));
      List<Checkpoints.FrameworkCheckpoint> saved = checkpoints.load();
      List<Checkpoints.ExecutorCheckpoint> runs = checkpoints.executors();
      return new Loaded(checkpoints.agentId().orElse(null), saved, runs, TaskManager.inspect(saved, runs, checkpoints, isolator),
          isolator, b);
    }).compose(loaded -> {
      LOG.info("Agent work dir " + workDir + ", isolation " + loaded.isolator().kind()
          + (loaded.agentId() == null ? "" : ", checkpointed agent id '" + loaded.agentId() + "'"));
      updates = new StatusUpdateManager(clock, Duration.ofMillis(config.statusUpdateRetryMs()),
          Duration.ofMillis(config.statusUpdateRetryMaxMs()), new Transport(), this::saveUpdates);
      link = new MasterLink(vertx, config.registrationBackoffFactorMs(), config.registrationBackoffMaxMs(), loaded.agentId(),
          this::registerMessage, this::reregisterMessage, new Linked());
      tasks = new TaskManager(vertx, clock, config, new Containerizer(loaded.isolator(), workDir.resolve("fetch-cache"),
          Namespaces.of(config.namespaces())), updates, checkpoints, sandboxes,
          new TaskManager.Identity() {
            @Override
            public String agentId() {
              return link.agentId();
            }

            @Override
            public AgentInfo agentInfo() {
              return currentInfo();
            }

            @Override
            public String hostname() {
              return hostname;
            }

            @Override
            public String endpoint() {
              return node.cluster().host() + ":" + port();
            }
          });
      isolator = loaded.isolator();
      tasks.recover(loaded.saved(), loaded.runs(), loaded.found());

      Router router = Routes.router(vertx);
      SandboxPaths paths = new SandboxPaths(sandboxes.root(), link::agentId);
      new FilesHttp(vertx, paths).mount(router);
      sessions = new NestedSessions(vertx, tasks, loaded.isolator(), Namespaces.of(config.namespaces()));
      containerApi = new ContainerApi(vertx, clock, tasks, loaded.isolator(),
          new ContainerStatistics(loaded.isolator().kind(), Isolators.CGROUP_BASE, config.cgroupsRoot()), sessions);
      new AgentHttp(vertx, () -> snapshot(loaded.isolator()), this::metricsSnapshot, containerApi, new SandboxFiles(paths), sessions)
          .mount(router);
      new ExecutorHttp(tasks).mount(router);
      return Routes.listen(vertx, router, "mesos-agent", node.cluster().host(), config.port()).map(s -> {
        server = s;
        node.bound("mesos-agent", s.actualPort());
        tasks.startReregistrationTimers(); // recovered executors can reach /api/v1/executor from now on
        info = loaded.info().setPort(s.actualPort()).build();
        return s;
      });
    }).compose(s -> {
      MessageConsumer<JsonObject> own = vertx.eventBus().consumer(AgentProtocol.agentAddress(pid), this::onMessage);
      MessageConsumer<JsonObject> leaders = vertx.eventBus().consumer(AgentProtocol.LEADER_ELECTED,
          m -> link.leaderElected(m.body().getString("master_id")));
      consumers.add(own);
      consumers.add(leaders);
      return Future.all(own.completion(), leaders.completion());
    }).onSuccess(v -> {
      long tick = Math.max(20, Math.min(1_000, config.statusUpdateRetryMs() / 4));
      timers.add(vertx.setPeriodic(tick, id -> updates.tick()));
      timers.add(vertx.setPeriodic(1_000, id -> tasks.checkMemory()));
      timers.add(vertx.setPeriodic(REAP_INTERVAL_MS, id -> tasks.reap()));
      Path slaves = sandboxes.root();
      SandboxJanitor janitor = new SandboxJanitor(slaves, config.gcDelayMs(), config.gcDiskHeadroom(),
          () -> SandboxJanitor.diskUsage(slaves), config.logMaxBytes(), config.logFilesKept());
      long gcEvery = Math.max(250, Math.min(60_000, config.gcDelayMs() / 2));
      timers.add(vertx.setPeriodic(1, gcEvery, id -> {
        var live = tasks.liveRuns();
        long asOf = clock.millis();
        vertx.executeBlocking(() -> janitor.collect(live, asOf), false)
            .onSuccess(n -> {
              if (n > 0) {
                LOG.info("Removed " + n + " sandbox" + (n == 1 ? "" : "es") + " past gc_delay (shortened as the disk fills: gc_disk_headroom)");
              }
            });
      }));
      if (config.logMaxBytes() > 0) {
        timers.add(vertx.setPeriodic(LOG_ROTATE_INTERVAL_MS, id -> {
          var running = tasks.runningSandboxes();
          vertx.executeBlocking(() -> {
            janitor.rotate(running);
            return null;
          }, false);
        }));
      }
      health = new HealthReporter(vertx, "mesos-agent", "Mesos Agent", node.nodeId(), node.cluster().host(),
          node.cluster().role(), this::healthStatus);
      link.connect();
    });
  }

  @Override
  public Future<?> stop() {
    if (link != null) {
      link.stop();
    }
    List<Future<?>> closing = new ArrayList<>();
    if (sessions != null) {
      sessions.close();
    }
    if (tasks != null) {
      Isolator box = isolator;
      closing.add(tasks.close().compose(v -> vertx.executeBlocking(() -> {
        box.removeRoot();
        return null;
      })));
    }
    timers.forEach(vertx::cancelTimer);
    if (health != null) {
      health.close();
    }
    consumers.forEach(c -> closing.add(c.unregister()));
    if (server != null) {
      closing.add(server.close());
    }
    return Future.join(closing);
  }

  private HealthReporter.Status healthStatus() {
    if (link.isGone()) {
      return new HealthReporter.Status(false, "Agent '" + link.agentId() + "' was marked gone by the master");
    }
    return link.registered() ? HealthReporter.Status.ok() : new HealthReporter.Status(false, "Not registered with a master");
  }

  // ---- master link ----------------------------------------------------------------------------

  private AgentInfo currentInfo() {
    AgentInfo.Builder b = info.toBuilder();
    if (link.agentId() != null) {
      b.setId(AgentID.newBuilder().setValue(link.agentId()));
    }
    return b.build();
  }

  private JsonObject registerMessage() {
    return new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.REGISTER).put("agent_pid", pid)
        .put("agent_info", new JsonObject(MesosJson.print(currentInfo()))).put("version", AgentViews.VERSION);
  }

  /**
   * REREGISTER: the live tasks (and those whose last update is not acknowledged yet) in the compact
   * protobuf form, the tasks that ended here (most recent last) so a new leading master lists them
   * as completed, and the frameworks.
   */
  private JsonObject reregisterMessage() {
    String agentId = link.agentId();
    List<org.apache.mesos.v1.Protos.Task> live = new ArrayList<>();
    tasks.containers().forEach(c -> live.add(c.toTask(agentId)));
    JsonArray completed = new JsonArray();
    tasks.completed().forEach(c -> completed.add(new JsonObject(MesosJson.print(c.toTask(agentId)))));
    JsonArray fws = new JsonArray();
    tasks.frameworks().values().forEach(f -> fws.add(new JsonObject(MesosJson.print(f))));
    return new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.REREGISTER).put("agent_id", agentId)
        .put("agent_pid", pid).put(AgentProtocol.AGENT_INFO_PROTOBUF, AgentProtocol.encodeAgentInfo(currentInfo()))
        .put("version", AgentViews.VERSION).put(AgentProtocol.TASKS_PROTOBUF, AgentProtocol.encodeTasks(live))
        .put(AgentProtocol.COMPLETED_TASKS, completed).put("frameworks", fws);
  }

  private final class Linked implements MasterLink.Listener {
    @Override
    public void registered(String agentId, String masterId, boolean firstTime) {
      vertx.executeBlocking(() -> {
        checkpoints.agentId(agentId);
        return null;
      }).onFailure(e -> LOG.log(Level.SEVERE, "Cannot checkpoint agent id '" + agentId + "'", e));
      updates.flush();
      if (health != null) {
        health.reportNow();
      }
    }

    @Override
    public void gone(String agentId, String message) {
      if (health != null) {
        health.reportNow();
      }
    }
  }

  private final class Transport implements StatusUpdateManager.Transport {
    @Override
    public boolean connected() {
      return link.registered();
    }

    @Override
    public void send(String frameworkId, TaskStatus status) {
      JsonObject msg = new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.STATUS_UPDATE).put("agent_id", link.agentId())
          .put("framework_id", frameworkId).put(AgentProtocol.STATUS_PROTOBUF, AgentProtocol.encode(status));
      vertx.eventBus().request(AgentProtocol.MASTER_ADDRESS, msg, new DeliveryOptions().setSendTimeout(10_000))
          .onFailure(e -> {
            if (e instanceof ReplyException re && re.failureCode() == AgentProtocol.UNKNOWN_AGENT) {
              link.unknownToMaster();
            }
          });
    }
  }

  /** Each task's update checkpoints are written in order; different tasks' in parallel. */
  private Future<Void> saveUpdates(String frameworkId, String taskId, List<TaskStatus> pending) {
    String key = frameworkId + "\n" + taskId;
    Future<Void> previous = saving.getOrDefault(key, Future.succeededFuture());
    Future<Void> next = previous.transform(ignored -> vertx.<Void>executeBlocking(() -> {
      checkpoints.updates(frameworkId, taskId, pending);
      return null;
    }, false));
    saving.put(key, next);
    next.onComplete(ar -> saving.remove(key, next));
    return next;
  }

  // ---- messages from the master ---------------------------------------------------------------

  /** Sent by the master for a framework's SHUTDOWN call (not in AgentProtocol's constants). */
  static final String SHUTDOWN_EXECUTOR = "SHUTDOWN_EXECUTOR";

  private void onMessage(Message<JsonObject> message) {
    JsonObject body = message.body();
    String type = body == null ? "" : body.getString(AgentProtocol.TYPE, "");
    try {
      switch (type) {
        case AgentProtocol.RUN_TASK -> tasks.launch(
            body.containsKey(AgentProtocol.FRAMEWORK_PROTOBUF) ? AgentProtocol.decode(body.getString(AgentProtocol.FRAMEWORK_PROTOBUF),
                FrameworkInfo.parser(), AgentProtocol.FRAMEWORK_PROTOBUF) : parse(body.getJsonObject("framework"), FrameworkInfo.getDefaultInstance()),
            body.containsKey(AgentProtocol.TASK_PROTOBUF) ? AgentProtocol.decode(body.getString(AgentProtocol.TASK_PROTOBUF),
                TaskInfo.parser(), AgentProtocol.TASK_PROTOBUF) : parse(body.getJsonObject("task"), TaskInfo.getDefaultInstance()));
        case AgentProtocol.RUN_TASK_GROUP -> {
          FrameworkInfo fw = parse(body.getJsonObject("framework"), FrameworkInfo.getDefaultInstance());
          List<TaskInfo> group = new ArrayList<>();
          for (Object t : body.getJsonObject("task_group").getJsonArray("tasks")) {
            group.add(parse((JsonObject) t, TaskInfo.getDefaultInstance()));
          }
          tasks.launchGroup(fw, parse(body.getJsonObject("executor"), org.apache.mesos.v1.Protos.ExecutorInfo.getDefaultInstance()),
              group);
        }
        case AgentProtocol.KILL_TASK -> {
          JsonObject policy = body.getJsonObject("kill_policy");
          Long grace = null;
          if (policy != null && policy.getJsonObject("grace_period") != null) {
            grace = policy.getJsonObject("grace_period").getLong("nanoseconds", 0L) / 1_000_000;
          }
          tasks.kill(body.getString("framework_id"), body.getString("task_id"), grace);
        }
        case AgentProtocol.ACKNOWLEDGE -> tasks.acknowledged(body.getString("framework_id"), body.getString("task_id"),
            ByteString.copyFrom(Base64.getDecoder().decode(body.getString("uuid"))));
        case AgentProtocol.SHUTDOWN_FRAMEWORK -> tasks.shutdownFramework(body.getString("framework_id"));
        case AgentProtocol.FRAMEWORK_MESSAGE -> tasks.frameworkMessage(body.getString("framework_id"), body.getString("executor_id"),
            ByteString.copyFrom(Base64.getDecoder().decode(body.getString("data", ""))));
        case SHUTDOWN_EXECUTOR -> tasks.shutdownExecutor(body.getString("framework_id"), body.getString("executor_id"));
        case AgentProtocol.PING -> link.leaderSeen(body.getString("master_id"));
        default -> LOG.fine("Ignoring master message '" + type + "'");
      }
    } catch (RuntimeException e) {
      message.fail(AgentProtocol.BAD_MESSAGE, "Malformed '" + type + "' message: " + e.getMessage());
      return;
    }
    message.reply(new JsonObject());
  }

  private static <M extends com.google.protobuf.Message> M parse(JsonObject json, M prototype) {
    return MesosJson.parse(json.encode(), prototype);
  }

  // ---- views ----------------------------------------------------------------------------------

  private AgentViews.Snapshot snapshot(Isolator isolator) {
    Map<String, String> flags = new LinkedHashMap<>();
    ConfigBinder.tree(config).fields().forEachRemaining(e -> {
      if (e.getValue().isArray()) {
        // a list as Mesos writes one in a flag: comma separated
        List<String> items = new java.util.ArrayList<>();
        e.getValue().forEach(v -> items.add(v.asText()));
        flags.put(e.getKey(), String.join(",", items));
      } else {
        flags.put(e.getKey(), e.getValue().asText());
      }
    });
    flags.put("work_dir", workDir.toString());
    flags.put("hostname", hostname);
    flags.put("isolation", isolator.kind());
    return new AgentViews.Snapshot(currentInfo(), "slave(1)@" + node.cluster().host() + ":" + port(), link.masterId(), startTime,
        tasks.frameworks(), new ArrayList<>(tasks.containers()), new ArrayList<>(tasks.completed()), flags);
  }

  private Map<String, Double> metricsSnapshot() {
    return tasks.metrics().snapshot(new AgentMetrics.Inputs(currentInfo(), link.registered(), clock.millis() / 1000.0 - startTime,
        tasks.frameworks().size(), tasks.containers(), tasks.executorRuns()));
  }
}
