package io.mezzo.marathon;

import io.mezzo.common.component.ComponentContext;
import io.mezzo.common.config.ConfigBinder;
import io.mezzo.common.health.HealthReporter;
import io.mezzo.common.http.Routes;
import io.mezzo.marathon.api.MarathonApi;
import io.mezzo.marathon.api.MarathonNode;
import io.mezzo.marathon.core.InstanceLauncher;
import io.mezzo.marathon.core.MarathonCore;
import io.mezzo.marathon.core.MarathonException;
import io.mezzo.marathon.events.EventStream;
import io.mezzo.marathon.store.MarathonStore;
import io.mezzo.state.LeaderElection;
import io.mezzo.state.LeaderListener;
import io.mezzo.state.ZkStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;
import org.apache.curator.framework.CuratorFramework;

/**
 * The marathon component: serves the v2 API on every instance and takes part in the election under
 * {@code <zk_path>/leader}. The leader loads the state from ZooKeeper, then runs {@link MarathonCore} on this event
 * loop; followers proxy {@code /v2} requests to it. Losing the ZooKeeper session or a failed state write drops
 * leadership and all in-memory state.
 */
public final class MarathonVerticle extends VerticleBase implements MarathonNode, LeaderListener {
  private static final Logger LOG = Logger.getLogger(MarathonVerticle.class.getName());

  /** Creates the launcher once the verticle knows its Vert.x and configuration. */
  @FunctionalInterface
  public interface LauncherFactory {
    InstanceLauncher create(io.vertx.core.Vertx vertx, MarathonConfig config);
  }

  private final ComponentContext node;
  private final LauncherFactory launchers;
  private final Clock clock;
  private InstanceLauncher launcher;
  private MarathonConfig config;
  private ZkStore zk;
  private EventStream events;
  private MarathonApi api;
  private HttpServer server;
  private HealthReporter health;
  private LeaderElection election;
  private String self;
  private String leaderAddress;
  private MarathonCore core;
  private long electionEpoch;
  private long followerTimer = -1;
  private boolean stopping;

  public MarathonVerticle(ComponentContext node, LauncherFactory launchers, Clock clock) {
    this.node = node;
    this.launchers = launchers;
    this.clock = clock;
  }

  /** With a ready-made launcher (tests). */
  public MarathonVerticle(ComponentContext node, InstanceLauncher launcher, Clock clock) {
    this(node, (vertx, config) -> launcher, clock);
  }

  @Override
  public Future<?> start() {
    config = ConfigBinder.bind(config(), MarathonConfig.class, "marathon");
    launcher = launchers.create(vertx, config);
    zk = node.service(ZkStore.class).orElseGet(() -> new ZkStore(vertx, node.service(CuratorFramework.class)
        .orElseThrow(() -> new IllegalStateException("marathon needs the node's ZooKeeper client"))));
    events = new EventStream(config.eventBufferSize(), clock.millis() * 1000);
    api = new MarathonApi(vertx, this);
    String host = config.hostname().isEmpty() ? node.cluster().host() : config.hostname();
    return Routes.listen(vertx, api.router(), "marathon", node.cluster().host(), config.port()).compose(s -> {
      server = s;
      self = host + ":" + s.actualPort();
      node.bound("marathon", s.actualPort());
      health = new HealthReporter(vertx, "marathon", "Marathon", node.nodeId(), host, node.cluster().role(),
          () -> new HealthReporter.Status(true, core != null ? "leading" : "following "
              + (leaderAddress == null ? "(no leader)" : leaderAddress)));
      followerTimer = vertx.setPeriodic(1, 500, id -> refreshLeader());
      return joinElection();
    });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(followerTimer);
    if (health != null) {
      health.close();
    }
    // a leader stopping on purpose writes its last instance changes before another can take over
    Future<Void> flushed = core == null ? Future.succeededFuture()
        : core.flushNow().timeout(5, java.util.concurrent.TimeUnit.SECONDS).recover(e -> Future.succeededFuture());
    return flushed.compose(f -> {
      dropLeadership();
      return election == null ? Future.<Void>succeededFuture() : election.stop();
    }).compose(v -> server == null ? Future.succeededFuture() : server.close())
        .onComplete(v -> api.close());
  }

  private Future<Void> joinElection() {
    election = new LeaderElection(vertx, zk.curator(), config.zkPath() + "/leader", self).addListener(this);
    return election.start();
  }

  private void refreshLeader() {
    if (election == null || core != null) {
      return;
    }
    LeaderElection current = election;
    current.leaderId().onSuccess(id -> {
      if (current == election && core == null) {
        leaderAddress = id.orElse(null);
      }
    });
  }

  // ---- leadership ---------------------------------------------------------------------------------

  @Override
  public void elected() {
    long epoch = ++electionEpoch;
    LOG.info("Elected leading Marathon at " + self + "; loading state");
    MarathonStore store = new MarathonStore(zk, config.zkPath(), config.zkMaxVersions());
    store.load().onSuccess(loaded -> {
      if (epoch != electionEpoch || stopping) {
        return;
      }
      MarathonCore fresh = new MarathonCore(vertx, clock, store, events, launcher, new MarathonCore.Options(
          Duration.ofSeconds(config.progressDeadlineSeconds()), config.maxRunningDeployments(),
          config.scaleCheckIntervalMs(), config.healthKillsPerApp(), config.healthKillsTotal(),
          Duration.ofSeconds(config.healthKillWindowSeconds())), this::storeFailed);
      fresh.recover(loaded);
      core = fresh;
      leaderAddress = self;
      health.reportNow();
    }).onFailure(e -> {
      LOG.severe("Loading state as leader failed: " + e + "; giving up leadership");
      abdicate();
    });
  }

  @Override
  public void revoked() {
    LOG.warning("Lost leadership; dropping Marathon's state");
    dropLeadership();
  }

  private void storeFailed() {
    if (core != null) {
      LOG.severe("A state write failed; another Marathon may lead. Giving up leadership");
      abdicate();
    }
  }

  private void dropLeadership() {
    electionEpoch++;
    if (core != null) {
      core.close();
      core = null;
    }
    leaderAddress = null;
  }

  @Override
  public Future<Void> abdicate() {
    dropLeadership();
    if (stopping || election == null) {
      return Future.succeededFuture();
    }
    return election.stop().compose(v -> stopping ? Future.succeededFuture() : joinElection());
  }

  // ---- MarathonNode -------------------------------------------------------------------------------

  @Override
  public MarathonCore core() {
    if (core == null) {
      throw new MarathonException(503, MarathonException.message("This Marathon does not lead"));
    }
    return core;
  }

  @Override
  public EventStream events() {
    return events;
  }

  @Override
  public boolean isLeader() {
    return core != null;
  }

  @Override
  public Optional<String> leaderAddress() {
    return Optional.ofNullable(leaderAddress);
  }

  @Override
  public String selfAddress() {
    return self;
  }

  @Override
  public MarathonConfig settings() {
    return config;
  }

  @Override
  public String zkUrl() {
    return node.cluster().zk() + config.zkPath();
  }
}
