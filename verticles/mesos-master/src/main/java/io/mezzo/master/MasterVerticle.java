package io.mezzo.master;

import io.mezzo.common.component.ComponentContext;
import io.mezzo.common.config.ConfigBinder;
import io.mezzo.common.health.HealthReporter;
import io.mezzo.common.http.Routes;
import io.mezzo.master.allocator.AllocatorOptions;
import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.master.core.LegacyState;
import io.mezzo.master.core.Master;
import io.mezzo.master.core.MasterAgents;
import io.mezzo.master.core.MasterOptions;
import io.mezzo.master.core.MetricsView;
import io.mezzo.master.core.Outbox;
import io.mezzo.master.core.RegistryRecord;
import io.mezzo.master.http.Leadership;
import io.mezzo.master.http.MesosHttp;
import io.mezzo.master.http.OperatorHttp;
import io.mezzo.master.http.SchedulerHttp;
import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.proto.MesosJsonException;
import io.mezzo.mesos.protocol.AgentProtocol;
import io.mezzo.state.LeaderElection;
import io.mezzo.state.LeaderListener;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Logger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.mesos.v1.Protos.Address;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskStatus;

/**
 * The mesos-master component: takes part in the election; the leader recovers the registry, runs
 * the {@link Master} logic on this event loop, listens for agents on the event bus and serves the
 * scheduler, operator and legacy HTTP APIs. Followers answer with 307 to the leader.
 */
public final class MasterVerticle extends VerticleBase implements Leadership, LeaderListener, Outbox {
  private static final Logger LOG = Logger.getLogger(MasterVerticle.class.getName());

  private final ComponentContext node;
  private MasterConfig config;
  private String host;
  private int port;
  private LeaderElection election;
  private CuratorFramework curator;
  private MasterRegistry registry;
  private OperatorHttp operator;
  private HttpServer server;
  private HealthReporter health;

  private Master master;
  private boolean recovering;
  private String leaderAddress;
  private MessageConsumer<JsonObject> agentConsumer;
  private MessageConsumer<JsonObject> leaders;
  private final List<Long> leaderTimers = new ArrayList<>();
  private long followerTimer = -1;
  private boolean stopping;
  private boolean allocationPending;
  /** How long allocation may wait for the registry's agents after a failover. */
  static final Duration RECOVERY_ALLOCATION_HOLDOFF = Duration.ofSeconds(10);
  /** While non-zero: the System.nanoTime() at which allocation resumes even if agents are missing. */
  private long recoveryHoldoffEnds;
  private long recoveryStartNanos;

  public MasterVerticle(ComponentContext node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    config = ConfigBinder.bind(config(), MasterConfig.class, "mesos-master");
    host = config.hostname().isEmpty() ? node.cluster().host() : config.hostname();
    CuratorFramework curator = node.service(CuratorFramework.class)
        .orElseThrow(() -> new IllegalStateException("mesos-master needs the node's ZooKeeper client"));
    registry = new MasterRegistry(vertx, curator, config.zkPath());
    operator = new OperatorHttp(vertx, this, flags());

    Router router = Routes.router(vertx);
    SchedulerHttp scheduler = new SchedulerHttp(this);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxRequestBytes());
    // ordered before the router's JSON failure handler, so that Mesos routes fail in plain text
    // ordered before the router's JSON failure handler, so that Mesos routes fail in plain text;
    // anything but POST is answered (307, 503 or 405) before the body handler reads a body
    router.route("/api/v1/scheduler").order(-2).handler((io.vertx.ext.web.handler.PlatformHandler) this::postOnly).handler(body).handler(scheduler::handle)
        .failureHandler(MesosHttp.failures(config.maxRequestBytes()));
    router.route("/api/v1").order(-1).handler((io.vertx.ext.web.handler.PlatformHandler) this::postOnly).handler(body).handler(operator::handle)
        .failureHandler(MesosHttp.failures(config.maxRequestBytes()));
    for (String path : List.of("/master/state", "/state", "/state.json", "/master/state.json")) {
      router.get(path).handler(ctx -> leaderOnlyBuffer(ctx, m -> LegacyState.stateJson(m, pid(), flags(), config.cluster())));
    }
    router.get("/master/state-summary").handler(ctx -> leaderOnly(ctx, m -> LegacyState.summary(m, pid(), config.cluster())));
    router.get("/master/frameworks").handler(ctx -> leaderOnly(ctx, m -> LegacyState.frameworksAnswer(m)));
    router.get("/master/slaves").handler(ctx -> leaderOnly(ctx, m -> new JsonObject().put("slaves", LegacyState.slaves(m))));
    router.get("/master/tasks").handler(ctx -> leaderOnly(ctx, m -> new JsonObject().put("tasks", LegacyState.tasks(m))));
    router.get("/master/flags").handler(ctx -> json(ctx, new JsonObject().put("flags", new JsonObject(new LinkedHashMap<>(flags())))));
    for (String path : List.of("/master/health", "/health")) {
      router.get(path).handler(ctx -> ctx.response().setStatusCode(200).end());
    }
    router.get("/master/redirect").handler(this::redirect);
    legacyMaintenance(router);
    router.get("/version").handler(ctx -> json(ctx, new JsonObject().put("version", Master.VERSION).put("build_user", "mezzo")));
    router.get("/metrics/snapshot").handler(ctx -> {
      JsonObject metrics = new JsonObject();
      if (master != null) {
        MetricsView.snapshot(master).forEach(metrics::put);
      } else {
        metrics.put("master/elected", 0.0);
      }
      json(ctx, metrics);
    });

    return Routes.listen(vertx, router, "mesos-master", node.cluster().host(), config.port())
        .compose(s -> {
          server = s;
          port = s.actualPort();
          node.bound("mesos-master", port);
          this.curator = curator;
          election = newElection();
          health = new HealthReporter(vertx, "mesos-master", "Mesos Master", node.nodeId(), host, node.cluster().role(),
              () -> new HealthReporter.Status(true, master != null ? "leading" : "following " + (leaderAddress == null ? "(no leader)" : leaderAddress)));
          followerTimer = vertx.setPeriodic(1, 500, id -> refreshLeader());
          leaders = vertx.eventBus().consumer(AgentProtocol.LEADER_ELECTED, this::otherLeader);
          registry.follow();
          return leaders.completion().compose(v -> election.start());
        });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(followerTimer);
    if (leaders != null) {
      leaders.unregister();
    }
    if (health != null) {
      health.close();
    }
    registry.stopFollowing();
    Future<Void> step = Future.succeededFuture();
    if (master != null) {
      step = abdicate();
    }
    return step.compose(v -> election == null ? Future.succeededFuture() : election.stop())
        .compose(v -> server == null ? Future.succeededFuture() : server.close());
  }

  private LeaderElection newElection() {
    return new LeaderElection(vertx, curator, config.zkPath() + "/leader", host + ":" + port).addListener(this);
  }

  /** Leaves the election and joins it again with a new contender (a Curator latch cannot be restarted). */
  private Future<Void> rejoin() {
    LeaderElection old = election;
    return old.stop().compose(v -> {
      if (election != old) {
        return Future.succeededFuture();
      }
      if (!stopping) {
        registry.follow();
      }
      election = newElection();
      return election.start();
    });
  }

  private Map<String, String> flags() {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("port", Integer.toString(config.port()));
    flags.put("hostname", host);
    flags.put("cluster", config.cluster());
    flags.put("zk", node.cluster().zk() + config.zkPath());
    flags.put("agent_ping_timeout", config.agentPingTimeoutSeconds() + "secs");
    flags.put("max_agent_ping_timeouts", Integer.toString(config.maxAgentPingTimeouts()));
    flags.put("allocation_interval", config.allocationIntervalMs() + "ms");
    flags.put("agent_reregister_timeout", config.agentReregisterTimeoutSeconds() + "secs");
    flags.put("work_dir", node.workDir("mesos-master").toString());
    flags.put("version", "false");
    return flags;
  }

  private String pid() {
    return "master@" + (leaderAddress == null ? host + ":" + port : leaderAddress);
  }

  // ---- Leadership ---------------------------------------------------------------------------------

  @Override
  public Optional<Master> leading() {
    return recovering ? Optional.empty() : Optional.ofNullable(master);
  }

  @Override
  public boolean recovering() {
    return recovering;
  }

  @Override
  public Optional<String> leaderAddress() {
    return Optional.ofNullable(leaderAddress);
  }

  private void refreshLeader() {
    if (election == null || master != null) {
      return;
    }
    election.leaderId().onSuccess(id -> leaderAddress = id.orElse(null));
  }

  @Override
  public void elected() {
    LOG.info("Elected leading master at " + host + ":" + port);
    leaderAddress = host + ":" + port;
    recovering = true;
    String id = Master.newMasterId();
    MasterInfo info = MasterInfo.newBuilder().setId(id).setIp(ipv4(host)).setPort(port).setHostname(host)
        .setPid("master@" + host + ":" + port).setVersion(Master.VERSION)
        .setAddress(Address.newBuilder().setHostname(host).setIp(host).setPort(port)).build();
    MasterOptions options = new MasterOptions(Duration.ofSeconds(config.heartbeatIntervalSeconds()), config.maxAgentPingTimeouts(),
        Duration.ofSeconds(config.agentReregisterTimeoutSeconds()), MasterOptions.DEFAULTS.maxCompletedTasksPerFramework(),
        MasterOptions.DEFAULTS.maxCompletedFrameworks(), MasterOptions.DEFAULTS.defaultRefuse());
    Master fresh = new Master(Clock.systemUTC(), new DrfAllocator(Clock.systemUTC(), new Random(), AllocatorOptions.defaults()),
        this, options, info);
    master = fresh;
    long electedNanos = System.nanoTime();
    registry.load().compose(contents -> {
      if (master != fresh) {
        return Future.succeededFuture();
      }
      fresh.recover(contents.frameworks(), contents.agents(), contents.gone(), contents.unreachable());
      if (contents.maintenance() != null) {
        fresh.restoreMaintenance(contents.maintenance());
      }
      fresh.agents().restoreStates(contents.agentStates());
      fresh.restoreCompletedFrameworks(contents.completedFrameworks());
      recoveryStartNanos = electedNanos;
      applyBusyNanos = 0;
      decodeBusyNanos.set(0);
      recoveryHoldoffEnds = contents.agents().isEmpty() ? 0 : electedNanos + RECOVERY_ALLOCATION_HOLDOFF.toNanos();
      LOG.info(String.format("Recovered registry: %d agents, %d frameworks, in %d ms (%s)", contents.agents().size(),
          contents.frameworks().size(), (System.nanoTime() - electedNanos) / 1_000_000,
          contents.standby() ? "standby copy brought up to date" : "read whole"));
      agentConsumer = vertx.eventBus().consumer(AgentProtocol.MASTER_ADDRESS, this::onAgentMessage);
      return agentConsumer.completion().compose(v -> registry.publishLeader(info)).onSuccess(v -> {
        recovering = false;
        startLeaderTimers();
        health.reportNow();
        vertx.eventBus().publish(AgentProtocol.LEADER_ELECTED, new JsonObject().put("master_id", id).put("address", host + ":" + port)
            .put("zk_path", config.zkPath()));
      });
    }).onFailure(e -> {
      LOG.severe("Recovery as leader failed: " + e + "; giving up leadership");
      abdicate().compose(v -> rejoin()).onFailure(x -> LOG.warning("Could not rejoin the election: " + x));
    });
  }

  /**
   * Another master announced that it leads. If this one still believes it leads, its ZooKeeper
   * session is gone without it having heard (a partition, or a pause): it steps down at once instead
   * of answering agents and frameworks as a second leader, and joins the election again.
   */
  private void otherLeader(Message<JsonObject> announcement) {
    if (announcement.body() == null || !config.zkPath().equals(announcement.body().getString("zk_path", config.zkPath()))) {
      return; // another cluster's election (a different zk_path on the same event bus)
    }
    String id = announcement.body().getString("master_id");
    Master m = master;
    if (m == null && id != null) {
      // a follower redirects to the new leader at once, without waiting for its next look at the election
      leaderAddress = announcement.body().getString("address", leaderAddress);
    }
    if (m == null || id == null || id.equals(m.info().getId())) {
      return;
    }
    LOG.warning("Master '" + id + "' announced itself as leader; stepping down");
    abdicate().compose(v -> rejoin()).onFailure(e -> LOG.warning("Could not rejoin the election: " + e));
  }

  @Override
  public void revoked() {
    LOG.warning("Lost leadership; dropping the master state");
    abdicate().onComplete(ar -> {
      if (master == null && !stopping) {
        registry.follow();
      }
    });
  }

  private Future<Void> abdicate() {
    leaderTimers.forEach(vertx::cancelTimer);
    leaderTimers.clear();
    Master old = master;
    master = null;
    recovering = false;
    recoveryHoldoffEnds = 0;
    leaderAddress = null;
    operator.closeAll();
    if (old != null) {
      old.closeStreams();
    }
    Future<Void> unregistered = agentConsumer == null ? Future.succeededFuture() : agentConsumer.unregister();
    agentConsumer = null;
    return unregistered.compose(v -> registry.withdrawLeader());
  }

  private void startLeaderTimers() {
    leaderTimers.add(vertx.setPeriodic(config.allocationIntervalMs(), id -> allocate()));
    leaderTimers.add(vertx.setPeriodic(config.heartbeatIntervalSeconds() * 1000L, id -> {
      master.heartbeat();
      operator.heartbeat();
    }));
    leaderTimers.add(vertx.setPeriodic(config.agentPingTimeoutSeconds() * 1000L, id -> pingAgents()));
    leaderTimers.add(vertx.setPeriodic(1000, id -> master.tick()));
  }

  private void allocate() {
    allocationPending = false;
    if (master != null && !recovering && !holdingAllocation()) {
      master.allocate();
    }
  }

  /**
   * After a failover, allocation waits until every agent of the registry has re-registered (or
   * {@link #RECOVERY_ALLOCATION_HOLDOFF} has passed), as Mesos's allocator pauses during recovery:
   * offers made from a partial view would be rescinded again as agents come back, and allocating
   * after each of 10,000 re-registrations would slow them down.
   */
  private boolean holdingAllocation() {
    if (recoveryHoldoffEnds == 0) {
      return false;
    }
    if (!master.agents().recovering().isEmpty() && System.nanoTime() < recoveryHoldoffEnds) {
      return true;
    }
    recoveryHoldoffEnds = 0;
    LOG.info(String.format("Agent recovery ended %d ms after the election (%d agents still missing; event loop busy %d ms "
            + "applying agent messages, workers %d ms decoding re-registrations); allocating",
        (System.nanoTime() - recoveryStartNanos) / 1_000_000, master.agents().recovering().size(), applyBusyNanos / 1_000_000,
        decodeBusyNanos.get() / 1_000_000));
    return false;
  }

  /** Allocation soon after a change (new framework, agent or freed resources), batched. */
  private void allocateSoon() {
    if (master != null && holdingAllocation()) {
      return;
    }
    if (!allocationPending) {
      allocationPending = true;
      vertx.setTimer(Math.min(50, config.allocationIntervalMs()), id -> allocate());
    }
  }

  private void pingAgents() {
    Master m = master;
    if (m == null) {
      return;
    }
    DeliveryOptions timeout = new DeliveryOptions().setSendTimeout(config.agentPingTimeoutSeconds() * 1000L);
    JsonObject ping = new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.PING).put("master_id", m.info().getId());
    m.agents().pids().forEach((agentId, pid) -> vertx.eventBus().request(AgentProtocol.agentAddress(pid), ping, timeout)
        .onComplete(ar -> {
          if (master != m) {
            return;
          }
          if (ar.succeeded()) {
            m.agents().pingAnswered(agentId);
          } else {
            m.agents().pingMissed(agentId);
          }
        }));
  }

  // ---- agents -------------------------------------------------------------------------------------

  /**
   * Agent messages waiting to be applied, in arrival order. A re-registration is decoded (AgentInfo
   * and tasks) on a worker thread while it waits, and the event loop applies the messages at the
   * head in slices of at most {@link #APPLY_SLICE_NANOS}, yielding to I/O between slices: after a
   * failover, 10,000 agents re-register at once, and a framework's re-subscription or an operator's
   * request must not wait until all of them are done. Other messages queue behind them while the
   * queue is not empty, so each agent's messages keep their order.
   */
  private final ArrayDeque<Inbound> inbound = new ArrayDeque<>();
  private final ConcurrentLinkedQueue<Inbound> toDecode = new ConcurrentLinkedQueue<>();
  /** Workers decoding at the moment; at most {@link #DECODERS}. */
  private final java.util.concurrent.atomic.AtomicInteger decoding = new java.util.concurrent.atomic.AtomicInteger();
  /** Re-registrations are decoded by up to two workers at once (each entry is applied in arrival order all the same). */
  static final int DECODERS = 2;
  /** A slice of the inbound queue is due (a timer is set, or a slice runs). */
  private boolean applying;
  static final long APPLY_SLICE_NANOS = 10_000_000;
  /** Time the event loop spent applying queued agent messages, and workers decoding them (logged after a failover). */
  private long applyBusyNanos;
  private final java.util.concurrent.atomic.AtomicLong decodeBusyNanos = new java.util.concurrent.atomic.AtomicLong();

  /** One agent message: its master (the leader it reached) and, for a re-registration, what the worker decoded. */
  private static final class Inbound {
    final Message<JsonObject> message;
    final Master master;
    volatile boolean ready;
    Decoded decoded;
    RuntimeException failure;

    Inbound(Message<JsonObject> message, Master master) {
      this.message = message;
      this.master = master;
    }
  }

  /** The parts of a re-registration that are costly to read. */
  private record Decoded(AgentInfo info, List<Task> tasks, List<Task> completed, MasterAgents.Prepared prepared) {
  }

  /**
   * Reads a re-registration's AgentInfo and tasks; with {@code prepare} (on a worker) also the
   * agent's record parts that {@link MasterAgents#prepare} builds.
   */
  private static Decoded decode(JsonObject body, boolean prepare) {
    List<Task> tasks = body.getValue(AgentProtocol.TASKS_PROTOBUF) != null
        ? AgentProtocol.decodeTasks(body.getString(AgentProtocol.TASKS_PROTOBUF))
        : AgentMessages.list(body.getJsonArray("tasks"), Task.getDefaultInstance());
    AgentInfo info = agentInfo(body);
    String agentId = body.getString("agent_id");
    return new Decoded(info, tasks, AgentMessages.list(body.getJsonArray(AgentProtocol.COMPLETED_TASKS), Task.getDefaultInstance()),
        prepare && agentId != null ? MasterAgents.prepare(agentId, info, tasks) : null);
  }

  private void onAgentMessage(Message<JsonObject> message) {
    Master m = master;
    if (m == null || recovering) {
      message.fail(AgentProtocol.NOT_LEADER, "Not the leading master");
      return;
    }
    JsonObject body = message.body();
    boolean reregister = body != null && AgentProtocol.REREGISTER.equals(body.getValue(AgentProtocol.TYPE));
    if (!reregister && inbound.isEmpty()) {
      apply(m, message, null);
      return;
    }
    Inbound entry = new Inbound(message, m);
    inbound.add(entry);
    if (reregister) {
      toDecode.add(entry);
      startDecoder();
    } else {
      entry.ready = true;
      applySoon();
    }
  }

  private void startDecoder() {
    if (reserveDecoder()) {
      vertx.executeBlocking(this::decodeWaiting, false);
    }
  }

  /** On a worker thread: decodes waiting re-registrations, waking the event loop now and then. */
  private Void decodeWaiting() {
    io.vertx.core.Context loop = context;
    int sinceWake = 0;
    while (true) {
      Inbound entry = toDecode.poll();
      if (entry == null) {
        decoding.decrementAndGet();
        // an entry added after the poll found no decoder free: take it on
        if (toDecode.isEmpty() || !reserveDecoder()) {
          break;
        }
        continue;
      }
      long started = System.nanoTime();
      try {
        entry.decoded = decode(entry.message.body(), true);
      } catch (RuntimeException e) {
        entry.failure = e;
      } catch (StackOverflowError e) {
        // a message nested deeply enough to exhaust the stack is malformed, and must not stop the queue
        entry.failure = new IllegalArgumentException("message nested too deeply");
      }
      decodeBusyNanos.addAndGet(System.nanoTime() - started);
      entry.ready = true;
      if (++sinceWake == 64) {
        sinceWake = 0;
        loop.runOnContext(v -> applySoon());
      }
    }
    loop.runOnContext(v -> applySoon());
    return null;
  }

  /** Takes one of the {@link #DECODERS} decoder places, if one is free. */
  private boolean reserveDecoder() {
    int running = decoding.get();
    while (running < DECODERS) {
      if (decoding.compareAndSet(running, running + 1)) {
        return true;
      }
      running = decoding.get();
    }
    return false;
  }

  /**
   * Applies queued messages from a timer, never from the task that woke it. Netty runs queued tasks
   * (event-bus deliveries, worker completions) for up to a second before it looks at I/O again and
   * takes timers only after I/O: with 10,000 deliveries arriving, slices run from tasks would keep
   * HTTP waiting.
   */
  private void applySoon() {
    if (!applying) {
      applying = true;
      vertx.setTimer(1, id -> applyInbound());
    }
  }

  /** Applies the ready messages at the head of the queue for one slice; a timer continues after I/O had its turn. */
  private void applyInbound() {
    applying = false;
    long sliceStarts = System.nanoTime();
    long sliceEnds = sliceStarts + APPLY_SLICE_NANOS;
    while (!inbound.isEmpty() && inbound.peek().ready) {
      if (System.nanoTime() > sliceEnds) {
        applyBusyNanos += System.nanoTime() - sliceStarts;
        applySoon();
        return;
      }
      Inbound entry = inbound.poll();
      if (entry.master != master || recovering) {
        entry.message.fail(AgentProtocol.NOT_LEADER, "Not the leading master");
      } else if (entry.failure != null) {
        entry.message.fail(AgentProtocol.BAD_MESSAGE, "Malformed agent message: " + entry.failure.getMessage());
      } else {
        apply(entry.master, entry.message, entry.decoded);
      }
    }
    applyBusyNanos += System.nanoTime() - sliceStarts;
  }

  /** One agent message; {@code decoded} holds a re-registration's parts when a worker read them already. */
  private void apply(Master m, Message<JsonObject> message, Decoded decoded) {
    JsonObject body = message.body();
    MasterAgents.Reply reply;
    try {
      String type = body == null ? null : body.getString(AgentProtocol.TYPE);
      reply = switch (type == null ? "" : type) {
        case AgentProtocol.REGISTER -> m.agents().register(body.getString("agent_pid"),
            agentInfo(body), body.getString("version"));
        case AgentProtocol.REREGISTER -> {
          Decoded d = decoded != null ? decoded : decode(body, false);
          yield m.agents().reregister(body.getString("agent_id"), body.getString("agent_pid"), d.info(), body.getString("version"),
              d.tasks(), unknownFrameworks(m, body.getJsonArray("frameworks")), d.completed(), d.prepared());
        }
        case AgentProtocol.STATUS_UPDATE -> m.agents().statusUpdate(body.getString("agent_id"), body.getString("framework_id"),
            body.containsKey(AgentProtocol.STATUS_PROTOBUF)
                ? AgentProtocol.decode(body.getString(AgentProtocol.STATUS_PROTOBUF), TaskStatus.parser(), AgentProtocol.STATUS_PROTOBUF)
                : AgentMessages.parse(body.getJsonObject("status"), TaskStatus.getDefaultInstance()));
        case AgentProtocol.UNREGISTER -> m.agents().unregister(body.getString("agent_id"));
        case AgentProtocol.EXECUTOR_MESSAGE -> m.agents().executorMessage(required(body, "agent_id"),
            required(body, "framework_id"), required(body, "executor_id"), java.util.Base64.getDecoder().decode(required(body, "data")));
        default -> new MasterAgents.Reply(null, AgentProtocol.BAD_MESSAGE, "Unknown message type '" + type + "'");
      };
    } catch (MesosJsonException | ClassCastException | NullPointerException | IllegalArgumentException e) {
      message.fail(AgentProtocol.BAD_MESSAGE, "Malformed agent message: " + e.getMessage());
      return;
    }
    if (reply.failure() != null) {
      message.fail(reply.failureCode(), reply.failure());
    } else {
      message.reply(reply.body());
      allocateSoon();
    }
  }

  /**
   * The reported frameworks the master does not know yet: only those are used (they come back as
   * recovered), so the others are not parsed; 10,000 agents re-registering report the same few.
   */
  private static List<FrameworkInfo> unknownFrameworks(Master m, JsonArray frameworks) {
    if (frameworks == null) {
      return List.of();
    }
    JsonArray unknown = new JsonArray();
    for (Object f : frameworks) {
      JsonObject id = f instanceof JsonObject o ? o.getJsonObject("id") : null;
      if (id == null || !(id.getValue("value") instanceof String value) || !m.knowsFramework(value)) {
        unknown.add(f);
      }
    }
    return AgentMessages.list(unknown, FrameworkInfo.getDefaultInstance());
  }

  /** A string field the message cannot do without. */
  private static String required(JsonObject body, String field) {
    String value = body.getString(field);
    if (value == null) {
      throw new IllegalArgumentException("missing '" + field + "'");
    }
    return value;
  }

  /** The message's AgentInfo: {@code agent_info_protobuf} when present, else the JSON {@code agent_info}. */
  private static AgentInfo agentInfo(JsonObject body) {
    return body.getValue(AgentProtocol.AGENT_INFO_PROTOBUF) != null
        ? AgentProtocol.decodeAgentInfo(body.getString(AgentProtocol.AGENT_INFO_PROTOBUF))
        : AgentMessages.parse(body.getJsonObject("agent_info"), AgentInfo.getDefaultInstance());
  }

  // ---- Outbox -------------------------------------------------------------------------------------

  @Override
  public void toAgent(String agentPid, JsonObject message) {
    vertx.eventBus().send(AgentProtocol.agentAddress(agentPid), message);
  }

  @Override
  public void toOperators(org.apache.mesos.v1.master.Protos.Event event) {
    operator.publish(event);
    allocateSoon();
  }

  @Override
  public void toOperators(java.util.function.Supplier<org.apache.mesos.v1.master.Protos.Event> event) {
    if (operator.hasSubscribers()) {
      operator.publish(event.get());
    }
    allocateSoon();
  }

  @Override
  public void registryChanged(RegistryRecord record) {
    registry.write(record);
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private void leaderOnly(RoutingContext ctx, java.util.function.Function<Master, JsonObject> view) {
    Optional<Master> m = leading();
    if (m.isPresent()) {
      json(ctx, view.apply(m.get()));
    } else if (leaderAddress != null && master == null) {
      ctx.response().setStatusCode(307).putHeader("location", "//" + leaderAddress + ctx.request().uri()).end();
    } else {
      ctx.response().setStatusCode(503).end(recovering ? "Master has not finished recovery" : "No leader elected");
    }
  }

  private void leaderOnlyBuffer(RoutingContext ctx, java.util.function.Function<Master, io.vertx.core.buffer.Buffer> view) {
    Optional<Master> m = leading();
    if (m.isPresent()) {
      MesosHttp.endLarge(ctx.response().putHeader("content-type", "application/json"), view.apply(m.get()));
    } else {
      leaderOnly(ctx, x -> new JsonObject());
    }
  }

  /**
   * Mesos's legacy maintenance endpoints, the same operations as the operator API's maintenance
   * calls: {@code /master/maintenance/schedule} (GET the schedule, POST a new one as JSON),
   * {@code /master/maintenance/status} (GET), {@code /master/machine/down} and {@code /master/machine/up}
   * (POST a JSON array of machine ids). Answers 200, or 400 in plain text.
   */
  private void legacyMaintenance(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxRequestBytes());
    router.get("/master/maintenance/schedule").handler(ctx -> leaderOnly(ctx, m -> new JsonObject(MesosJson.print(m.maintenanceSchedule()))));
    router.get("/master/maintenance/status").handler(ctx -> leaderOnly(ctx, m -> new JsonObject(MesosJson.print(m.maintenanceStatus()))));
    router.post("/master/maintenance/schedule").handler(body).handler(ctx -> legacyChange(ctx, m -> m.updateMaintenanceSchedule(
        MesosJson.parse(ctx.body().asString(), org.apache.mesos.v1.maintenance.Protos.Schedule.getDefaultInstance()))));
    router.post("/master/machine/down").handler(body).handler(ctx -> legacyChange(ctx, m -> m.startMaintenance(machineIds(ctx))));
    router.post("/master/machine/up").handler(body).handler(ctx -> legacyChange(ctx, m -> m.stopMaintenance(machineIds(ctx))));
  }

  private static List<org.apache.mesos.v1.Protos.MachineID> machineIds(RoutingContext ctx) {
    JsonArray array;
    try {
      array = new JsonArray(ctx.body().asString());
    } catch (RuntimeException e) {
      throw new MesosJsonException("Expecting a JSON array of machine ids: " + e.getMessage());
    }
    List<org.apache.mesos.v1.Protos.MachineID> machines = new ArrayList<>();
    for (Object o : array) {
      if (!(o instanceof JsonObject machine)) {
        throw new MesosJsonException("Expecting a JSON array of machine ids");
      }
      machines.add(MesosJson.parse(machine.encode(), org.apache.mesos.v1.Protos.MachineID.getDefaultInstance()));
    }
    return machines;
  }

  private void legacyChange(RoutingContext ctx, java.util.function.Function<Master, Master.OperatorResult> change) {
    Optional<Master> m = leading();
    if (m.isEmpty()) {
      leaderOnly(ctx, x -> new JsonObject());
      return;
    }
    Master.OperatorResult result;
    try {
      result = change.apply(m.get());
    } catch (MesosJsonException | IllegalArgumentException | NullPointerException e) {
      result = new Master.OperatorResult(400, "Failed to parse the request body: " + e.getMessage());
    }
    ctx.response().setStatusCode(result.status()).end(result.message() == null ? "" : result.message());
  }

  private void postOnly(RoutingContext ctx) {
    if (ctx.request().method() == io.vertx.core.http.HttpMethod.POST) {
      ctx.next();
    } else {
      // answer once the request is complete: an answer before the end of an upgraded (h2c) request stalls it
      ctx.request().body().onComplete(ar -> MesosHttp.admit(ctx, this));
    }
  }

  private void redirect(RoutingContext ctx) {
    if (leaderAddress == null) {
      ctx.response().setStatusCode(503).end("No leader elected");
    } else {
      ctx.response().setStatusCode(307).putHeader("location", "//" + leaderAddress).end();
    }
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("content-type", "application/json").end(body.encode());
  }

  /** MasterInfo.ip is an IPv4 address packed in network order into a uint32, as Mesos stores it. */
  private static int ipv4(String host) {
    try {
      byte[] a = java.net.InetAddress.getByName(host).getAddress();
      if (a.length == 4) {
        return (a[0] & 0xff) | (a[1] & 0xff) << 8 | (a[2] & 0xff) << 16 | (a[3] & 0xff) << 24;
      }
    } catch (java.net.UnknownHostException e) {
      // fall through
    }
    return 0;
  }
}
