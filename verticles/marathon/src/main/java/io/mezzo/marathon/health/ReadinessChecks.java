package io.mezzo.marathon.health;

import io.mezzo.marathon.core.Instance;
import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.PortDefinition;
import io.mezzo.marathon.model.ReadinessCheck;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Readiness checks ({@code readinessChecks} of an app), run by the leader while a deployment waits for an instance:
 * once the instance is running (and healthy, when the app has health checks), each check sends
 * {@code GET path} to the instance's host port named {@code portName} right away and then every
 * {@code intervalSeconds}, each probe bounded by {@code timeoutSeconds}. A check is ready once an answer's status is
 * in {@code httpStatusCodesForReady}; the instance is ready when all its checks are, and is not probed again.
 * Results ({@code name, taskId, ready, lastResponse}) are shown in {@code /v2/deployments}; {@code lastResponse}
 * ({@code status, contentType, body}) only with {@code preserveLastResponse}. Results live in the leader's memory:
 * a new leader probes again. Owned by the leader's event loop.
 */
public final class ReadinessChecks {

  /** The body kept of a preserved response. */
  private static final int MAX_BODY = 16 * 1024;

  private static final class Result {
    final ReadinessCheck check;
    final String taskId;
    boolean ready;
    JsonObject lastResponse;
    long timer = -1;
    boolean inFlight;

    Result(ReadinessCheck check, String taskId) {
      this.check = check;
      this.taskId = taskId;
    }

    JsonObject json() {
      JsonObject out = new JsonObject().put("name", check.name()).put("taskId", taskId).put("ready", ready);
      if (check.preserveLastResponse() && lastResponse != null) {
        out.put("lastResponse", lastResponse);
      }
      return out;
    }
  }

  private final Vertx vertx;
  private final Function<String, Instance> instances;
  private final HttpProbe probe;
  /** By instance id, one result per readiness check of its app. */
  private final Map<String, List<Result>> results = new HashMap<>();
  private boolean closed;

  /** {@code instances}: the current instance by id, null when gone. */
  public ReadinessChecks(Vertx vertx, HttpProbe probe, Function<String, Instance> instances) {
    this.vertx = vertx;
    this.probe = probe;
    this.instances = instances;
  }

  /**
   * Whether the instance passed every readiness check of {@code app} (true for apps without any). Starts probing
   * an instance not yet checked; call it only for running (and healthy) instances.
   */
  public boolean ready(AppDefinition app, Instance instance) {
    if (app.readinessChecks().isEmpty() || closed) {
      return true;
    }
    List<Result> rs = results.get(instance.instanceId());
    if (rs == null) {
      rs = new ArrayList<>();
      for (ReadinessCheck check : app.readinessChecks()) {
        Result r = new Result(check, instance.taskId());
        rs.add(r);
        probe(app, instance.instanceId(), r);
      }
      results.put(instance.instanceId(), rs);
    }
    return rs.stream().allMatch(r -> r.ready);
  }

  /** The results of the app's instances still known, for {@code readinessCheckResults}. */
  public JsonArray resultsOf(String appId) {
    JsonArray out = new JsonArray();
    results.forEach((instanceId, rs) -> {
      Instance i = instances.apply(instanceId);
      if (i != null && i.appId().equals(appId)) {
        rs.forEach(r -> out.add(r.json()));
      }
    });
    return out;
  }

  /** Forgets an instance that ended. */
  public void forget(String instanceId) {
    List<Result> rs = results.remove(instanceId);
    if (rs != null) {
      rs.forEach(r -> vertx.cancelTimer(r.timer));
    }
  }

  private void probe(AppDefinition app, String instanceId, Result r) {
    if (closed || r.ready || r.inFlight) {
      return;
    }
    Instance instance = instances.apply(instanceId);
    if (instance == null || !instance.isActive()) {
      forget(instanceId);
      return;
    }
    int port = port(app, r.check, instance);
    if (port <= 0 || instance.host() == null) {
      r.lastResponse = new JsonObject().put("status", 0).put("contentType", (String) null)
          .put("body", "no host port named '" + r.check.portName() + "'");
      schedule(app, instanceId, r);
      return;
    }
    long timeoutMs = r.check.timeoutSeconds() * 1000L;
    r.inFlight = true;
    probe.get("HTTPS".equalsIgnoreCase(r.check.protocol()), instance.host(), port, r.check.path(), timeoutMs)
        .map(resp -> new JsonObject().put("status", resp.status()).put("contentType", resp.contentType())
            .put("body", resp.body().length() > MAX_BODY ? resp.body().getString(0, MAX_BODY) : resp.body().toString()))
        .onComplete(ar -> {
          r.inFlight = false;
          if (closed) {
            return;
          }
          if (ar.succeeded()) {
            r.lastResponse = ar.result();
            r.ready = r.check.httpStatusCodesForReady().contains(ar.result().getInteger("status"));
          } else {
            r.lastResponse = new JsonObject().put("status", 0).put("contentType", (String) null)
                .put("body", String.valueOf(ar.cause().getMessage()));
          }
          if (!r.ready) {
            schedule(app, instanceId, r);
          }
        });
  }

  private void schedule(AppDefinition app, String instanceId, Result r) {
    r.timer = vertx.setTimer(Math.max(1, r.check.intervalSeconds()) * 1000L, id -> {
      r.timer = -1;
      probe(app, instanceId, r);
    });
  }

  /** The host port of the app's port named {@code portName} (port definitions or container port mappings). */
  private static int port(AppDefinition app, ReadinessCheck check, Instance instance) {
    List<String> names = new ArrayList<>();
    if (app.container() != null && !app.container().portMappings().isEmpty()) {
      app.container().portMappings().forEach(m -> names.add(m.name()));
    } else {
      for (PortDefinition d : app.portDefinitions()) {
        names.add(d.name());
      }
    }
    int index = names.indexOf(check.portName());
    return index >= 0 && index < instance.ports().size() ? instance.ports().get(index) : -1;
  }

  public void close() {
    closed = true;
    results.values().forEach(rs -> rs.forEach(r -> vertx.cancelTimer(r.timer)));
    results.clear();
  }
}
