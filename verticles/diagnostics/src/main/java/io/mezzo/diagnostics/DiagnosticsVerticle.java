package io.mezzo.diagnostics;

import io.mezzo.common.bus.Addresses;
import io.mezzo.common.component.ComponentContext;
import io.mezzo.common.config.ConfigBinder;
import io.mezzo.common.health.HealthRegistry;
import io.mezzo.common.health.HealthReport;
import io.mezzo.common.health.HealthReporter;
import io.mezzo.common.health.NodeHealth;
import io.mezzo.common.http.ApiException;
import io.mezzo.common.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Keeps the health registry of the cluster (every component's reports, every node's answer) and
 * serves {@code /system/health/v1}. Each node runs one; any of them can answer for the whole cluster
 * because it asks the other nodes over the event bus.
 */
public final class DiagnosticsVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(DiagnosticsVerticle.class.getName());
  private static final String BASE = "/system/health/v1";

  private final ComponentContext node;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private DiagnosticsConfig config;
  private HealthRegistry registry;
  private HttpServer server;

  public DiagnosticsVerticle(ComponentContext node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    config = ConfigBinder.bind(config(), DiagnosticsConfig.class, "diagnostics");
    registry = new HealthRegistry(Clock.systemUTC(), Duration.ofSeconds(config.staleAfterSeconds()));

    MessageConsumer<HealthReport> reports = vertx.eventBus().consumer(Addresses.HEALTH_REPORT, m -> registry.report(m.body()));
    MessageConsumer<Object> questions = vertx.eventBus().consumer(Addresses.diagnosticsNode(node.nodeId()),
        m -> m.reply(localNode()));
    closeables.add(node.membership().onLeave(id -> context.runOnContext(v -> {
      int dropped = registry.nodeLeft(id);
      LOG.info("Member '" + id + "' left the cluster; dropped " + dropped + " of its units");
    })));
    closeables.add(node.membership().onJoin(id -> LOG.info("Member '" + id + "' joined the cluster")));

    Router router = Routes.router(vertx);
    router.get(BASE).handler(ctx -> json(ctx, HealthViews.node(localNode())));
    router.get(BASE + "/units").handler(ctx -> json(ctx, HealthViews.units(registry.snapshot())));
    router.get(BASE + "/units/:unit").handler(ctx -> json(ctx, HealthViews.unit(component(ctx), unitReports(ctx))));
    router.get(BASE + "/units/:unit/nodes").handler(this::unitNodes);
    router.get(BASE + "/nodes").handler(this::nodes);
    router.get(BASE + "/nodes/:node").handler(ctx -> findNode(ctx).onSuccess(n -> json(ctx, HealthViews.node(n))).onFailure(ctx::fail));
    router.get(BASE + "/nodes/:node/units").handler(ctx -> findNode(ctx)
        .onSuccess(n -> json(ctx, new JsonObject().put("units", HealthViews.node(n).getJsonArray("units"))))
        .onFailure(ctx::fail));

    // report only once the consumers are registered, so this node's own first report is not lost
    return Future.all(reports.completion(), questions.completion())
        .onSuccess(v -> closeables.add(new HealthReporter(vertx, "diagnostics", "Diagnostics", node.nodeId(),
            node.cluster().host(), node.cluster().role(), HealthReporter.Status::ok)))
        .compose(v -> Routes.listen(vertx, router, "diagnostics", node.cluster().host(), config.port()))
        .onSuccess(s -> {
          server = s;
          node.bound("diagnostics", s.actualPort());
        });
  }

  @Override
  public Future<?> stop() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.fine("close failed: " + e);
      }
    }
    return server == null ? Future.succeededFuture() : server.close();
  }

  private NodeHealth localNode() {
    return new NodeHealth(node.nodeId(), node.cluster().host(), node.cluster().role(), hostname(),
        ProcessHandle.current().pid(), ManagementFactory.getRuntimeMXBean().getUptime(), registry.node(node.nodeId()));
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /** Asks every member for its health; members that do not answer in time are listed as unhealthy. */
  private Future<List<JsonObject>> askAll() {
    DeliveryOptions timeout = new DeliveryOptions().setSendTimeout(config.nodeTimeoutMs());
    List<String> members = node.membership().members();
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (String id : members) {
      answers.add(vertx.eventBus().<NodeHealth>request(Addresses.diagnosticsNode(id), null, timeout)
          .map(m -> HealthViews.nodeEntry(id, m.body()))
          .otherwise(e -> HealthViews.nodeEntry(id, null)));
    }
    return Future.join(answers).map(cf -> answers.stream().map(Future::result).toList());
  }

  private void nodes(RoutingContext ctx) {
    askAll().onSuccess(list -> json(ctx, new JsonObject().put("nodes", new JsonArray(new ArrayList<>(list)))))
        .onFailure(ctx::fail);
  }

  private void unitNodes(RoutingContext ctx) {
    JsonArray nodes = new JsonArray();
    for (HealthReport r : unitReports(ctx)) {
      nodes.add(new JsonObject().put("host_ip", r.host()).put("health", HealthViews.health(r.healthy()))
          .put("role", r.role()).put("node_id", r.nodeId()).put("output", r.output()));
    }
    json(ctx, new JsonObject().put("nodes", nodes));
  }

  private static String component(RoutingContext ctx) {
    String unit = ctx.pathParam("unit");
    if (unit.startsWith("mezzo-")) {
      unit = unit.substring("mezzo-".length());
    }
    return unit.endsWith(".service") ? unit.substring(0, unit.length() - ".service".length()) : unit;
  }

  private List<HealthReport> unitReports(RoutingContext ctx) {
    String component = component(ctx);
    List<HealthReport> list = registry.snapshot().stream().filter(r -> r.component().equals(component)).toList();
    if (list.isEmpty()) {
      throw new ApiException(404, "Unit '" + ctx.pathParam("unit") + "' not found");
    }
    return list;
  }

  /** A node by node id or by host IP; the first match when several nodes share an IP. */
  private Future<NodeHealth> findNode(RoutingContext ctx) {
    String wanted = ctx.pathParam("node");
    DeliveryOptions timeout = new DeliveryOptions().setSendTimeout(config.nodeTimeoutMs());
    if (node.membership().members().contains(wanted)) {
      return vertx.eventBus().<NodeHealth>request(Addresses.diagnosticsNode(wanted), null, timeout)
          .map(m -> m.body())
          .recover(e -> Future.failedFuture(new ApiException(503, "Node '" + wanted + "' did not answer")));
    }
    List<Future<NodeHealth>> answers = node.membership().members().stream()
        .map(id -> vertx.eventBus().<NodeHealth>request(Addresses.diagnosticsNode(id), null, timeout).map(m -> m.body()))
        .toList();
    return Future.join(answers).otherwiseEmpty().compose(v -> answers.stream()
        .filter(Future::succeeded).map(Future::result).filter(n -> n.host().equals(wanted)).findFirst()
        .map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(new ApiException(404, "Node '" + wanted + "' not found"))));
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("content-type", "application/json; charset=utf-8").end(body.encode());
  }
}
