package io.mezzo.marathon.health;

import io.mezzo.marathon.core.Condition;
import io.mezzo.marathon.core.Instance;
import io.mezzo.marathon.core.Versions;
import io.mezzo.marathon.launch.HealthKillLimiter;
import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.HealthCheck;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Health checks Marathon runs itself ({@code HTTP}, {@code HTTPS}, {@code TCP}) against the running instances of
 * the leader; {@code MESOS_*} and {@code COMMAND} checks go to the agent in {@code TaskInfo.health_check} instead.
 *
 * <p>Each check of each running instance has its own timer: the first probe right away, then every
 * {@code intervalSeconds}; a probe that takes longer than {@code timeoutSeconds} fails. HTTP(S) answers 200-399
 * pass, 100-199 are ignored when {@code ignoreHttp1xx}, anything else fails; TCP passes when it connects. Failures
 * within {@code gracePeriodSeconds} of the task's start are not counted until the instance has passed once. After
 * {@code maxConsecutiveFailures} counted failures (0 = never) the instance is a kill candidate; kills go through
 * the {@link HealthKillLimiter}, and a refused one is asked for again at the next failure. An instance is healthy
 * when every Marathon check passes, unhealthy as soon as one fails.
 *
 * <p>Owned by the leader's event loop; {@link #close} stops every probe.
 */
public final class MarathonHealthChecks {

  /** What the checks need from the leader. */
  public interface Host {
    /** The app definition an instance runs (its own configuration version), or null. */
    AppDefinition appOf(Instance instance);

    /** The current instance by id, or null when it is gone. */
    Instance instance(String instanceId);

    /** All current instances of the app. */
    List<Instance> instancesOf(String appId);

    /** Records an instance's new health (persisted and published by the leader). */
    void healthChanged(Instance instance, boolean healthy);

    /** Kills instances that failed their checks; they are replaced like any killed instance. */
    void kill(String appId, List<Instance> instances);

    /** Publishes an event on the event stream. */
    void publish(String type, JsonObject body);
  }

  /** The state of one check of one instance, shown in the task's {@code healthCheckResults}. */
  static final class Result {
    final HealthCheck check;
    final String instanceId;
    final String taskId;
    int consecutiveFailures;
    Instant firstSuccess;
    Instant lastSuccess;
    Instant lastFailure;
    String lastFailureCause;
    Boolean alive;
    long timer = -1;

    Result(HealthCheck check, String instanceId, String taskId) {
      this.check = check;
      this.instanceId = instanceId;
      this.taskId = taskId;
    }

    JsonObject json() {
      return new JsonObject().put("alive", Boolean.TRUE.equals(alive)).put("consecutiveFailures", consecutiveFailures)
          .put("firstSuccess", format(firstSuccess)).put("lastSuccess", format(lastSuccess))
          .put("lastFailure", format(lastFailure)).put("lastFailureCause", lastFailureCause)
          .put("instanceId", instanceId);
    }
  }

  private static String format(Instant at) {
    return at == null ? null : Versions.format(at);
  }

  private final Vertx vertx;
  private final Clock clock;
  private final Host host;
  private final HealthKillLimiter limiter;
  private final HttpProbe probe;
  private final NetClient tcp;
  /** By instance id: one result per Marathon-side check of the instance's app, in the app's order. */
  private final Map<String, List<Result>> checked = new HashMap<>();
  private boolean closed;

  public MarathonHealthChecks(Vertx vertx, HttpProbe probe, Clock clock, Host host, HealthKillLimiter limiter) {
    this.vertx = vertx;
    this.probe = probe;
    this.clock = clock;
    this.host = host;
    this.limiter = limiter;
    this.tcp = vertx.createNetClient(new NetClientOptions());
  }

  /** Checks Marathon runs itself (the others run on the agent). */
  public static boolean runByMarathon(HealthCheck check) {
    return switch (check.protocol()) {
      case HTTP, HTTPS, TCP -> true;
      default -> false;
    };
  }

  public static boolean hasMarathonChecks(AppDefinition app) {
    return app.healthChecks().stream().anyMatch(MarathonHealthChecks::runByMarathon);
  }

  /** The instance's check results for {@code healthCheckResults}; null when Marathon checks nothing of it. */
  public JsonArray results(String instanceId) {
    List<Result> results = checked.get(instanceId);
    if (results == null) {
      return null;
    }
    JsonArray out = new JsonArray();
    for (Result r : results) {
      if (r.alive != null || r.consecutiveFailures > 0) {
        out.add(r.json());
      }
    }
    return out;
  }

  /** Starts checking a running instance, or stops when it no longer runs. Call on every change. */
  public void instanceChanged(Instance instance) {
    if (closed) {
      return;
    }
    boolean running = instance.condition() == Condition.RUNNING && instance.host() != null;
    List<Result> current = checked.get(instance.instanceId());
    if (!running) {
      if (current != null) {
        stop(instance.instanceId());
      }
      return;
    }
    if (current != null && current.get(0).taskId.equals(instance.taskId())) {
      return;
    }
    if (current != null) {
      stop(instance.instanceId());
    }
    AppDefinition app = host.appOf(instance);
    if (app == null || !hasMarathonChecks(app)) {
      return;
    }
    List<Result> results = new ArrayList<>();
    for (HealthCheck check : app.healthChecks()) {
      if (runByMarathon(check)) {
        results.add(new Result(check, instance.instanceId(), instance.taskId()));
      }
    }
    checked.put(instance.instanceId(), results);
    host.publish("add_health_check_event", new JsonObject().put("appId", app.id()).put("version", app.version())
        .put("healthCheck", checkJson(results.get(0).check)).put("timestamp", Versions.format(clock.instant())));
    results.forEach(r -> probeLater(r, 0));
  }

  /** Stops the checks of instances that are gone (e.g. expunged). */
  public void retainOnly(java.util.Set<String> instanceIds) {
    for (Iterator<String> it = checked.keySet().iterator(); it.hasNext(); ) {
      String id = it.next();
      if (!instanceIds.contains(id)) {
        checked.get(id).forEach(r -> vertx.cancelTimer(r.timer));
        it.remove();
      }
    }
  }

  public int checkedInstances() {
    return checked.size();
  }

  public void close() {
    closed = true;
    checked.values().forEach(rs -> rs.forEach(r -> vertx.cancelTimer(r.timer)));
    checked.clear();
    tcp.close();
  }

  private void stop(String instanceId) {
    List<Result> results = checked.remove(instanceId);
    if (results != null) {
      results.forEach(r -> vertx.cancelTimer(r.timer));
    }
  }

  private void probeLater(Result r, long delayMs) {
    if (delayMs <= 0) {
      vertx.runOnContext(v -> probe(r));
    } else {
      r.timer = vertx.setTimer(delayMs, id -> probe(r));
    }
  }

  private void probe(Result r) {
    if (closed || checked.get(r.instanceId) == null || !checked.get(r.instanceId).contains(r)) {
      return;
    }
    Instance instance = host.instance(r.instanceId);
    if (instance == null || instance.condition() != Condition.RUNNING) {
      stop(r.instanceId);
      return;
    }
    HealthCheck check = r.check;
    Integer port = check.port() != null ? check.port()
        : check.portIndex() != null && check.portIndex() < instance.ports().size()
        ? instance.ports().get(check.portIndex()) : null;
    long timeoutMs = Math.max(1, check.timeoutSeconds()) * 1000L;
    Future<Outcome> outcome = port == null
        ? Future.succeededFuture(Outcome.fail("no port at index " + check.portIndex()))
        : run(check, instance.host(), port, timeoutMs);
    outcome.recover(e -> Future.succeededFuture(Outcome.fail(e.getMessage() == null ? e.toString() : e.getMessage())))
        .onComplete(ar -> {
          if (closed || checked.get(r.instanceId) == null || !checked.get(r.instanceId).contains(r)) {
            return;
          }
          record(r, ar.result());
          probeLater(r, Math.max(1, check.intervalSeconds()) * 1000L);
        });
  }

  record Outcome(Boolean passed, String cause) {
    static Outcome pass() {
      return new Outcome(true, null);
    }

    static Outcome fail(String cause) {
      return new Outcome(false, cause);
    }

    static Outcome ignored() {
      return new Outcome(null, null);
    }
  }

  private Future<Outcome> run(HealthCheck check, String hostName, int port, long timeoutMs) {
    if (check.protocol() == HealthCheck.Protocol.TCP) {
      return tcp.connect(port, hostName).map(socket -> {
        socket.close();
        return Outcome.pass();
      }).timeout(timeoutMs, TimeUnit.MILLISECONDS);
    }
    return probe.get(check.protocol() == HealthCheck.Protocol.HTTPS, hostName, port,
        check.path() == null ? "/" : check.path(), timeoutMs).map(resp -> {
          int status = resp.status();
          if (status >= 200 && status < 400) {
            return Outcome.pass();
          }
          if (status < 200 && check.ignoreHttp1xx()) {
            return Outcome.ignored();
          }
          return Outcome.fail("HTTP " + status);
        });
  }

  private void record(Result r, Outcome outcome) {
    if (outcome.passed() == null) {
      return;
    }
    Instance instance = host.instance(r.instanceId);
    if (instance == null) {
      return;
    }
    Instant now = clock.instant();
    if (outcome.passed()) {
      r.consecutiveFailures = 0;
      r.lastSuccess = now;
      if (r.firstSuccess == null) {
        r.firstSuccess = now;
      }
      r.alive = true;
    } else {
      r.lastFailureCause = outcome.cause();
      Instant started = instance.startedAt() == null ? now : Instant.parse(instance.startedAt());
      boolean inGrace = r.firstSuccess == null
          && now.isBefore(started.plus(Duration.ofSeconds(r.check.gracePeriodSeconds())));
      if (inGrace) {
        return;
      }
      r.consecutiveFailures++;
      r.lastFailure = now;
      r.alive = false;
      host.publish("failed_health_check_event", new JsonObject().put("appId", instance.appId())
          .put("taskId", instance.taskId()).put("instanceId", instance.instanceId())
          .put("healthCheck", checkJson(r.check)).put("timestamp", Versions.format(now)));
    }
    Boolean healthy = healthOf(checked.get(r.instanceId));
    if (healthy != null && !healthy.equals(instance.healthy())) {
      host.healthChanged(instance, healthy);
    }
    if (!outcome.passed() && r.check.maxConsecutiveFailures() > 0
        && r.consecutiveFailures >= r.check.maxConsecutiveFailures()) {
      requestKill(instance, r);
    }
  }

  private static Boolean healthOf(List<Result> results) {
    boolean all = true;
    for (Result r : results) {
      if (Boolean.FALSE.equals(r.alive)) {
        return false;
      }
      all &= Boolean.TRUE.equals(r.alive);
    }
    return all ? Boolean.TRUE : null;
  }

  private void requestKill(Instance instance, Result r) {
    AppDefinition app = host.appOf(instance);
    if (app == null) {
      return;
    }
    List<Instance> all = host.instancesOf(instance.appId());
    int alive = 0;
    int inFlight = 0;
    Map<String, Instance> candidates = new LinkedHashMap<>();
    candidates.put(instance.instanceId(), instance);
    for (Instance i : all) {
      if (i.condition() == Condition.KILLING) {
        inFlight++;
        continue;
      }
      alive++;
      if (i.condition() != Condition.RUNNING || i.healthy() == null) {
        inFlight++;
      }
    }
    List<String> permitted = limiter.permit(new HealthKillLimiter.Request(app.id(), app.instances(),
        app.upgradeStrategy().minimumHealthCapacity(), alive, inFlight, List.copyOf(candidates.keySet())));
    if (permitted.isEmpty()) {
      return;
    }
    String now = Versions.format(clock.instant());
    host.publish("unhealthy_instance_kill_event", new JsonObject().put("appId", app.id())
        .put("taskId", instance.taskId()).put("instanceId", instance.instanceId()).put("version", app.version())
        .put("reason", r.check.protocol() + " health check failed " + r.consecutiveFailures + " times: "
            + r.lastFailureCause)
        .put("host", instance.host()).put("slaveId", instance.agentId()).put("timestamp", now));
    stop(instance.instanceId());
    host.kill(app.id(), List.of(instance));
  }

  private static JsonObject checkJson(HealthCheck check) {
    JsonObject out = new JsonObject().put("protocol", check.protocol().name())
        .put("gracePeriodSeconds", check.gracePeriodSeconds()).put("intervalSeconds", check.intervalSeconds())
        .put("timeoutSeconds", check.timeoutSeconds()).put("maxConsecutiveFailures", check.maxConsecutiveFailures());
    if (check.path() != null) {
      out.put("path", check.path());
    }
    if (check.port() != null) {
      out.put("port", check.port());
    }
    if (check.portIndex() != null) {
      out.put("portIndex", check.portIndex());
    }
    return out;
  }
}
