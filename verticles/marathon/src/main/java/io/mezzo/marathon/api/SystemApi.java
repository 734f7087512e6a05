package io.mezzo.marathon.api;

import io.mezzo.marathon.MarathonConfig;
import io.mezzo.marathon.core.Condition;
import io.mezzo.marathon.core.Groups;
import io.mezzo.marathon.core.Instance;
import io.mezzo.marathon.core.MarathonCore;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /v2/info}, {@code /v2/leader}, {@code /metrics} and {@code /metrics/prometheus}. */
final class SystemApi {
  static final String VERSION = "1.10.26-mezzo";

  private final MarathonNode node;
  private long requests;

  SystemApi(MarathonNode node) {
    this.node = node;
  }

  void countRequest() {
    requests++;
  }

  void mountLocal(Router router) {
    router.get("/v2/info").handler(this::info);
    router.get("/v2/leader").handler(ctx -> {
      if (node.leaderAddress().isEmpty()) {
        Http.json(ctx, 404, new JsonObject().put("message", "There is no leader"));
      } else {
        Http.ok(ctx, new JsonObject().put("leader", node.leaderAddress().get()));
      }
    });
    router.get("/metrics").handler(ctx -> Http.ok(ctx, metricsJson()));
    router.get("/metrics/prometheus").handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(prometheus()));
  }

  /** Routes served only by the leader (the gate proxies them otherwise). */
  void mountLeader(Router router) {
    router.delete("/v2/leader").handler(ctx -> {
      Http.ok(ctx, new JsonObject().put("message", "Leadership abdicated"));
      node.abdicate();
    });
  }

  private void info(RoutingContext ctx) {
    MarathonConfig c = node.settings();
    JsonObject marathonConfig = new JsonObject().put("hostname", node.selfAddress().split(":")[0])
        .put("http_port", c.port()).put("zk", node.zkUrl()).put("ha", true).put("mesos_role", "*")
        .put("max_running_deployments", c.maxRunningDeployments()).put("zk_max_versions", c.zkMaxVersions())
        .put("event_stream_max_outstanding", c.eventStreamMaxOutstanding())
        .put("event_buffer_size", c.eventBufferSize())
        .put("deployment_progress_deadline_seconds", c.progressDeadlineSeconds())
        .put("framework_name", "marathon").put("leader_proxy_read_timeout_ms", c.leaderProxyTimeoutMs());
    Http.ok(ctx, new JsonObject().put("name", "marathon").put("version", VERSION).put("buildref", "mezzo")
        .put("elected", node.isLeader()).put("leader", node.leaderAddress().orElse(null))
        .put("frameworkId", node.isLeader() ? node.core().frameworkId().orElse(null) : null)
        .put("marathon_config", marathonConfig)
        .put("zookeeper_config", new JsonObject().put("zk", node.zkUrl()).put("zk_max_versions", c.zkMaxVersions()))
        .put("http_config", new JsonObject().put("http_port", c.port())));
  }

  private Map<String, Long> gauges() {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("marathon.leadership.elected.gauge", node.isLeader() ? 1L : 0L);
    out.put("marathon.uptime.gauge", ManagementFactory.getRuntimeMXBean().getUptime());
    out.put("marathon.http.event-streams.active.gauge", (long) node.events().subscriberCount());
    if (node.isLeader()) {
      MarathonCore core = node.core();
      out.put("marathon.apps.active.gauge", (long) Groups.apps(core.root()).size());
      out.put("marathon.deployments.active.gauge", (long) core.deployments().size());
      out.put("marathon.store.pending-writes.gauge", (long) core.pendingWrites());
      long running = 0;
      long staged = 0;
      long queued = 0;
      for (Instance i : core.instances().all()) {
        if (i.condition() == Condition.RUNNING) {
          running++;
        } else if (i.condition().isLaunched()) {
          staged++;
        } else {
          queued++;
        }
      }
      out.put("marathon.instances.running.gauge", running);
      out.put("marathon.instances.staged.gauge", staged);
      out.put("marathon.instances.launch-queue.gauge", queued);
    }
    return out;
  }

  private Map<String, Long> counters() {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("marathon.http.requests.counter", requests);
    out.put("marathon.events.published.counter", node.events().publishedCount());
    return out;
  }

  private JsonObject metricsJson() {
    JsonObject gauges = new JsonObject();
    gauges().forEach((k, v) -> gauges.put(k, new JsonObject().put("value", v)));
    JsonObject counters = new JsonObject();
    counters().forEach((k, v) -> counters.put(k, new JsonObject().put("count", v)));
    return new JsonObject().put("version", "4.0.0").put("gauges", gauges).put("counters", counters)
        .put("histograms", new JsonObject()).put("meters", new JsonObject()).put("timers", new JsonObject());
  }

  private String prometheus() {
    StringBuilder out = new StringBuilder();
    gauges().forEach((k, v) -> line(out, k, "gauge", v));
    counters().forEach((k, v) -> line(out, k, "counter", v));
    return out.toString();
  }

  private static void line(StringBuilder out, String name, String type, long value) {
    String metric = name.replaceAll("[^a-zA-Z0-9_]", "_");
    out.append("# TYPE ").append(metric).append(' ').append(type).append('\n')
        .append(metric).append(' ').append(value).append('\n');
  }
}
