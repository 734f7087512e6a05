package io.mezzo.metronome;

import io.mezzo.common.component.ComponentContext;
import io.mezzo.common.config.ConfigBinder;
import io.mezzo.common.health.HealthReporter;
import io.mezzo.common.http.ApiException;
import io.mezzo.common.http.Routes;
import io.mezzo.metronome.api.ErrorResponses;
import io.mezzo.metronome.api.JobsApi;
import io.mezzo.metronome.core.Failures;
import io.mezzo.metronome.core.JobManager;
import io.mezzo.metronome.launch.RunLauncher;
import io.mezzo.metronome.schedule.Backoff;
import io.mezzo.metronome.schedule.RunLifecycle;
import io.mezzo.metronome.store.MetronomeStore;
import io.mezzo.state.LeaderElection;
import io.mezzo.state.LeaderListener;
import io.mezzo.state.ZkStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.apache.curator.framework.CuratorFramework;

/**
 * The Metronome component: takes part in the election under {@code zk_path}; the leader loads the job state from
 * ZooKeeper, serves the job API from it and runs the scheduler loop every {@code scheduler_tick_ms}. Followers
 * forward job API requests to the leader (as Metronome and Marathon do) and answer 503 while there is none;
 * {@code /ping}, {@code /info}, {@code /leader} and {@code /v1/metrics} are answered by every instance.
 */
public final class MetronomeVerticle extends VerticleBase implements LeaderListener {
  private static final Logger LOG = Logger.getLogger(MetronomeVerticle.class.getName());
  /** Marks a request a follower forwarded, so that it is never forwarded twice. */
  static final String FORWARDED_BY = "X-Mezzo-Forwarded-By";
  static final String VERSION = "0.6.44-mezzo";

  private final ComponentContext node;
  private final LauncherFactory launchers;
  private final Clock clock;
  private RunLauncher launcher;
  private MetronomeConfig config;
  private String self;
  private MetronomeStore store;
  private LeaderElection election;
  private HttpServer server;
  private HttpClient proxy;
  private HealthReporter health;
  private JobManager manager;
  private boolean ready;
  private boolean ticking;
  private boolean tickAgain;
  private long tickTimer = -1;
  private long minuteTimer = -1;

  /** Makes the launcher once the configuration is read and the store exists. */
  @FunctionalInterface
  public interface LauncherFactory {
    RunLauncher create(MetronomeConfig config, MetronomeStore store, ComponentContext node);
  }

  public MetronomeVerticle(ComponentContext node, LauncherFactory launchers, Clock clock) {
    this.node = node;
    this.launchers = launchers;
    this.clock = clock;
  }

  /** With a launcher made beforehand (tests). */
  public MetronomeVerticle(ComponentContext node, RunLauncher launcher, Clock clock) {
    this(node, (config, store, context) -> launcher, clock);
  }

  @Override
  public Future<?> start() {
    config = ConfigBinder.bind(config(), MetronomeConfig.class, "metronome");
    String host = config.hostname().isEmpty() ? node.cluster().host() : config.hostname();
    ZkStore zk = node.service(ZkStore.class).orElseGet(() -> new ZkStore(vertx, node.service(CuratorFramework.class)
        .orElseThrow(() -> new IllegalStateException("metronome needs the node's ZooKeeper client"))));
    store = new MetronomeStore(zk, config.zkPath());
    launcher = launchers.create(config, store, node);
    proxy = vertx.createHttpClient();
    launcher.bind(update -> {
      Promise<Void> applied = Promise.promise();
      context.runOnContext(v -> {
        if (manager == null) {
          applied.fail(Failures.unavailable("Not the leader"));
        } else {
          manager.onUpdate(update).onComplete(applied);
        }
      });
      return applied.future();
    });

    Router router = ErrorResponses.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(config.maxRequestBytes()));
    router.get("/info").handler(ctx -> json(ctx, 200, new JsonObject().put("version", VERSION)
        .put("libVersion", "mezzo-0.1.0")));
    router.get("/leader").handler(this::leader);
    router.get("/v1/metrics").handler(ctx -> json(ctx, 200, metrics()));
    for (String prefix : List.of("/v0/*", "/v1/*")) {
      router.route(prefix).handler(this::gate);
    }
    new JobsApi(this::leading).mount(router);

    return Routes.listen(vertx, router, "metronome", node.cluster().host(), config.port())
        .compose(s -> {
          server = s;
          self = host + ":" + s.actualPort();
          node.bound("metronome", s.actualPort());
          health = new HealthReporter(vertx, "metronome", "Jobs Service", node.nodeId(), host, node.cluster().role(),
              () -> new HealthReporter.Status(true, manager != null ? "leading" : "following"));
          tickTimer = vertx.setPeriodic(config.schedulerTickMs(), id -> tick());
          armMinuteTick();
          election = new LeaderElection(vertx, zk.curator(), store.leaderPath(), self).addListener(this);
          return election.start();
        });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(tickTimer);
    vertx.cancelTimer(minuteTimer);
    if (health != null) {
      health.close();
    }
    abdicate();
    Future<Void> left = election == null ? Future.succeededFuture() : election.stop();
    return left.compose(v -> server == null ? Future.succeededFuture() : server.close())
        .eventually(() -> proxy == null ? Future.succeededFuture() : proxy.close());
  }

  // ---- leadership ---------------------------------------------------------------------------------

  @Override
  public void elected() {
    LOG.info("Elected leading Metronome at " + self);
    JobManager fresh = new JobManager(store, launcher, clock, config.historyCount(), new SecureRandom(),
        new RunLifecycle(Backoff.DEFAULT));
    manager = fresh;
    ready = false;
    fresh.recover().onSuccess(v -> {
      if (manager == fresh) {
        ready = true;
        launcher.elected(fresh.liveRuns());
        health.reportNow();
      }
    }).onFailure(e -> {
      LOG.severe("Loading the job state as leader failed: " + e + "; giving up leadership");
      abdicate();
      election.stop().compose(x -> election.start());
    });
  }

  @Override
  public void revoked() {
    LOG.warning("Lost leadership; dropping the job state");
    abdicate();
  }

  private void abdicate() {
    if (manager != null) {
      manager.close();
      launcher.reset();
      launcher.revoked();
    }
    manager = null;
    ready = false;
  }

  private JobManager leading() {
    if (manager == null || !ready) {
      throw Failures.unavailable("Not the leader");
    }
    return manager;
  }

  private void tick() {
    JobManager m = manager;
    if (m == null || !ready) {
      return;
    }
    if (ticking) {
      tickAgain = true;
      return;
    }
    ticking = true;
    m.tick().onComplete(ar -> {
      ticking = false;
      if (ar.failed()) {
        LOG.warning("Scheduler round failed: " + ar.cause().getMessage());
      }
      if (tickAgain) {
        tickAgain = false;
        tick();
      }
    });
  }

  /**
   * Cron fire times are whole minutes, so besides the periodic tick the loop also runs right after each minute
   * starts: scheduled runs then do not wait for the tick's phase.
   */
  private void armMinuteTick() {
    long ms = 60_000 - Math.floorMod(clock.millis(), 60_000L) + 5;
    minuteTimer = vertx.setTimer(Math.max(1, ms), id -> {
      tick();
      armMinuteTick();
    });
  }

  // ---- followers ----------------------------------------------------------------------------------

  /** Lets the leader's requests through; a follower forwards them to the leader. */
  private void gate(RoutingContext ctx) {
    if (manager != null) {
      if (ready) {
        ctx.next();
      } else {
        ctx.fail(Failures.unavailable("Leader is still loading its state"));
      }
      return;
    }
    if (ctx.request().getHeader(FORWARDED_BY) != null) {
      ctx.fail(Failures.unavailable("Not the leader"));
      return;
    }
    election.leaderId().onComplete(ar -> {
      Optional<String> leader = ar.succeeded() ? ar.result() : Optional.empty();
      if (leader.isEmpty() || leader.get().equals(self)) {
        ctx.fail(Failures.unavailable("Could not determine the current leader"));
      } else {
        forward(ctx, leader.get());
      }
    });
  }

  private void forward(RoutingContext ctx, String leader) {
    int colon = leader.lastIndexOf(':');
    RequestOptions options = new RequestOptions().setMethod(ctx.request().method())
        .setHost(leader.substring(0, colon)).setPort(Integer.parseInt(leader.substring(colon + 1)))
        .setURI(ctx.request().uri()).setIdleTimeout(config.proxyTimeoutMs())
        .setConnectTimeout(config.proxyTimeoutMs());
    Buffer body = ctx.body().buffer();
    proxy.request(options).compose(req -> {
      String type = ctx.request().getHeader("content-type");
      if (type != null) {
        req.putHeader("content-type", type);
      }
      req.putHeader(FORWARDED_BY, self);
      return body == null ? req.send() : req.send(body);
    }).compose(resp -> resp.body().map(b -> {
      String type = resp.getHeader("content-type");
      if (type != null) {
        ctx.response().putHeader("content-type", type);
      }
      ctx.response().setStatusCode(resp.statusCode()).end(b);
      return null;
    })).onFailure(e -> ctx.fail(new ApiException(503, "Leader '" + leader + "' did not answer: " + e.getMessage())));
  }

  private void leader(RoutingContext ctx) {
    election.leaderId().onComplete(ar -> {
      if (ar.succeeded() && ar.result().isPresent()) {
        json(ctx, 200, new JsonObject().put("leader", ar.result().get()));
      } else {
        ctx.fail(new ApiException(404, "There is no leader"));
      }
    });
  }

  /** Dropwizard-style metrics document, like Metronome's. */
  private JsonObject metrics() {
    JobManager m = ready ? manager : null;
    JsonObject gauges = new JsonObject()
        .put("metronome.leader", new JsonObject().put("value", m == null ? 0 : 1))
        .put("metronome.jobs", new JsonObject().put("value", m == null ? 0 : m.jobs().size()))
        .put("metronome.runs.live", new JsonObject().put("value",
            m == null ? 0 : m.jobs().stream().mapToInt(e -> e.liveRuns().size()).sum()));
    JsonObject counters = new JsonObject();
    if (m != null) {
      JobManager.Counters c = m.counters();
      counters.put("metronome.runs.created", new JsonObject().put("count", c.runsCreated))
          .put("metronome.runs.succeeded", new JsonObject().put("count", c.runsSucceeded))
          .put("metronome.runs.failed", new JsonObject().put("count", c.runsFailed))
          .put("metronome.schedules.fires-skipped", new JsonObject().put("count", c.firesSkipped));
    }
    return new JsonObject().put("version", "4.0.0").put("gauges", gauges).put("counters", counters)
        .put("histograms", new JsonObject()).put("meters", new JsonObject()).put("timers", new JsonObject());
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json; charset=utf-8")
        .end(body.encode());
  }
}
