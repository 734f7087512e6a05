package io.mezzo.marathon.api;

import io.mezzo.marathon.core.Condition;
import io.mezzo.marathon.core.Groups;
import io.mezzo.marathon.core.Instance;
import io.mezzo.marathon.core.MarathonCore;
import io.mezzo.marathon.core.MarathonException;
import io.mezzo.marathon.core.OfferSummary;
import io.mezzo.marathon.core.Versions;
import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.PathId;
import io.mezzo.marathon.validation.Violation;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@code /v2/deployments}, {@code /v2/tasks} and {@code /v2/queue}. */
final class DeploymentsApi {

  private final MarathonNode node;

  DeploymentsApi(MarathonNode node) {
    this.node = node;
  }

  void mount(Router router) {
    router.get("/v2/deployments").handler(ctx -> {
      JsonArray out = new JsonArray();
      node.core().deployments().forEach(d -> out.add(Views.deployment(d, node.core()::readinessResults)));
      Http.ok(ctx, out);
    });
    router.delete("/v2/deployments/:id").handler(this::cancel);
    router.post("/v2/deployments/:id/promote").handler(ctx -> node.core().promote(ctx.pathParam("id"))
        .onSuccess(d -> Http.ok(ctx, Views.deployment(d))).onFailure(ctx::fail));
    router.get("/v2/tasks").handler(this::tasks);
    router.post("/v2/tasks/delete").handler(this::deleteTasks);
    router.get("/v2/queue").handler(this::queue);
    router.routeWithRegex(HttpMethod.DELETE, "/v2/queue(?<id>/.+)/delay").handler(this::resetDelay);
  }

  private void cancel(RoutingContext ctx) {
    boolean force = Http.flag(ctx, "force");
    node.core().cancel(ctx.pathParam("id"), force).onSuccess(change -> {
      if (force) {
        ctx.response().setStatusCode(202).end();
      } else {
        ctx.response().putHeader("Marathon-Deployment-Id", change.plan().id());
        Http.ok(ctx, new JsonObject().put("deploymentId", change.plan().id()).put("version", change.plan().version()));
      }
    }).onFailure(ctx::fail);
  }

  private void tasks(RoutingContext ctx) {
    MarathonCore core = node.core();
    List<String> statuses = new ArrayList<>(ctx.queryParam("status"));
    statuses.addAll(ctx.queryParam("status[]"));
    List<Condition> wanted = statuses.stream().map(s -> Condition.fromMesos(s.toUpperCase(Locale.ROOT))).toList();
    Map<String, AppDefinition> apps = Groups.apps(core.root());
    JsonArray tasks = new JsonArray();
    for (Instance i : core.instances().all()) {
      if (i.condition().isLaunched() && (wanted.isEmpty() || wanted.contains(i.condition()))) {
        tasks.add(Views.task(i, apps.get(i.appId()), core.healthResults(i.instanceId())));
      }
    }
    Http.ok(ctx, new JsonObject().put("tasks", tasks));
  }

  private void deleteTasks(RoutingContext ctx) {
    MarathonCore core = node.core();
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      throw MarathonException.invalidJson(List.of(new Violation("/", List.of("error.expected.jsobject"))));
    }
    JsonArray ids = body == null ? null : body.getJsonArray("ids");
    if (ids == null) {
      throw MarathonException.invalidJson(List.of(new Violation("/ids", List.of("error.path.missing"))));
    }
    List<Instance> doomed = new ArrayList<>();
    List<Violation> unknown = new ArrayList<>();
    for (int n = 0; n < ids.size(); n++) {
      Object id = ids.getValue(n);
      Optional<Instance> instance = id instanceof String s ? core.instances().get(s) : Optional.empty();
      if (instance.isPresent()) {
        doomed.add(instance.get());
      } else {
        unknown.add(new Violation("/ids(" + n + ")", List.of("Task '" + id + "' does not exist")));
      }
    }
    if (!unknown.isEmpty()) {
      throw MarathonException.notValid(unknown);
    }
    Map<String, AppDefinition> apps = Groups.apps(core.root());
    core.kill(doomed, Http.flag(ctx, "scale"), Http.flag(ctx, "force")).onSuccess(change -> {
      if (change != null) {
        AppsApi.deployed(ctx, change);
      } else {
        JsonArray tasks = new JsonArray();
        doomed.forEach(i -> tasks.add(Views.task(i, apps.get(i.appId()))));
        Http.ok(ctx, new JsonObject().put("tasks", tasks));
      }
    }).onFailure(ctx::fail);
  }

  private void queue(RoutingContext ctx) {
    MarathonCore core = node.core();
    Map<String, List<Instance>> waiting = new LinkedHashMap<>();
    for (Instance i : core.instances().all()) {
      if (!i.condition().isLaunched()) {
        waiting.computeIfAbsent(i.appId(), k -> new ArrayList<>()).add(i);
      }
    }
    JsonArray queue = new JsonArray();
    waiting.forEach((appId, list) -> {
      Optional<AppDefinition> app = Groups.findApp(core.root(), appId);
      if (app.isEmpty()) {
        return;
      }
      Duration left = core.backoff().timeLeft(app.get());
      String since = list.stream().map(Instance::createdAt).sorted().findFirst().orElse(null);
      queue.add(new JsonObject().put("app", Views.app(app.get())).put("count", list.size())
          .put("delay", new JsonObject().put("timeLeftSeconds", left.toSeconds()).put("overdue", left.isZero()))
          .put("since", since).put("role", app.get().role() == null ? "*" : app.get().role())
          .put("processedOffersSummary", offersSummary(core.offerSummary(appId))));
    });
    Http.ok(ctx, new JsonObject().put("queue", queue));
  }

  static JsonObject offersSummary(Optional<OfferSummary> summary) {
    JsonObject out = new JsonObject().put("processedOffersCount", 0).put("unusedOffersCount", 0)
        .put("rejectSummaryLastOffers", new JsonArray()).put("rejectSummaryLaunchAttempt", new JsonArray());
    summary.ifPresent(s -> {
      out.put("processedOffersCount", s.processedOffersCount()).put("unusedOffersCount", s.unusedOffersCount())
          .put("rejectSummaryLastOffers", reasons(s.lastOffers()))
          .put("rejectSummaryLaunchAttempt", reasons(s.launchAttempt()));
      if (s.lastUnusedOfferAt() != null) {
        out.put("lastUnusedOfferAt", Versions.format(s.lastUnusedOfferAt()));
      }
    });
    return out;
  }

  private static JsonArray reasons(List<OfferSummary.ReasonCount> counts) {
    JsonArray out = new JsonArray();
    counts.forEach(c -> out.add(new JsonObject().put("reason", c.reason()).put("declined", c.declined())
        .put("processed", c.processed())));
    return out;
  }

  private void resetDelay(RoutingContext ctx) {
    String id = PathId.canonical(ctx.pathParam("id"), PathId.ROOT);
    MarathonCore core = node.core();
    boolean queued = core.instances().ofApp(id).stream().anyMatch(i -> !i.condition().isLaunched());
    if (!queued) {
      throw MarathonException.notFound("Application " + id + " not found in tasks queue.");
    }
    core.resetDelay(id);
    ctx.response().setStatusCode(204).end();
  }
}
