package io.mezzo.marathon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mezzo.marathon.core.Groups;
import io.mezzo.marathon.core.Instance;
import io.mezzo.marathon.core.MarathonCore;
import io.mezzo.marathon.core.MarathonException;
import io.mezzo.marathon.deploy.CanaryPolicy;
import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.MarathonJson;
import io.mezzo.marathon.model.PathId;
import io.mezzo.marathon.validation.AppValidator;
import io.mezzo.marathon.validation.Violation;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code /v2/apps}: list, create, show, update, patch, destroy, restart, versions, tasks. */
final class AppsApi {
  private static final String ID = "/v2/apps(?<id>/.+?)";

  private final MarathonNode node;
  private final JsonCache cache = new JsonCache();

  AppsApi(MarathonNode node) {
    this.node = node;
  }

  void mount(Router router) {
    router.get("/v2/apps").handler(this::list);
    router.post("/v2/apps").handler(this::create);
    router.routeWithRegex(HttpMethod.POST, ID + "/restart").handler(this::restart);
    router.routeWithRegex(HttpMethod.GET, ID + "/versions/(?<version>[^/]+)").handler(this::version);
    router.routeWithRegex(HttpMethod.GET, ID + "/versions").handler(this::versions);
    router.routeWithRegex(HttpMethod.DELETE, ID + "/tasks/(?<task>[^/]+)").handler(this::killOne);
    router.routeWithRegex(HttpMethod.GET, ID + "/tasks").handler(this::tasks);
    router.routeWithRegex(HttpMethod.DELETE, ID + "/tasks").handler(this::killMany);
    router.routeWithRegex(HttpMethod.GET, ID).handler(this::show);
    router.routeWithRegex(HttpMethod.PUT, ID).handler(ctx -> update(ctx, !"false".equals(ctx.request().getParam("partialUpdate"))));
    router.routeWithRegex(HttpMethod.PATCH, ID).handler(ctx -> update(ctx, true));
    router.routeWithRegex(HttpMethod.DELETE, ID).handler(this::destroy);
  }

  private static String appId(RoutingContext ctx) {
    return PathId.canonical(ctx.pathParam("id"), PathId.ROOT);
  }

  private MarathonCore core() {
    return node.core();
  }

  private AppDefinition existing(String id) {
    return Groups.findApp(core().root(), id).orElseThrow(() -> MarathonException.appNotFound(id));
  }

  private void list(RoutingContext ctx) {
    MarathonCore core = core();
    Set<AppInfo.Embed> embeds = AppInfo.embeds(Http.params(ctx, "embed"), "apps.",
        EnumSet.of(AppInfo.Embed.COUNTS, AppInfo.Embed.DEPLOYMENTS));
    String cmd = ctx.request().getParam("cmd");
    String id = ctx.request().getParam("id");
    String label = ctx.request().getParam("label");
    LabelSelector selector = label == null ? null : LabelSelector.parse(label);
    StringBuilder out = new StringBuilder(1024).append("{\"apps\":[");
    boolean[] first = {true};
    Map<String, AppDefinition> all = Groups.apps(core.root());
    all.values().stream().sorted(Comparator.comparing(AppDefinition::id))
        .filter(a -> cmd == null || (a.cmd() != null && a.cmd().contains(cmd)))
        .filter(a -> id == null || a.id().contains(id))
        .filter(a -> selector == null || selector.matches(a.labels()))
        .forEach(a -> {
          out.append(first[0] ? "" : ",");
          first[0] = false;
          AppInfo.renderText(core, a, embeds, cache, out);
        });
    cache.trim(all.size(), core.instances().all().size());
    ctx.response().setStatusCode(200).putHeader("content-type", Http.JSON).end(out.append("]}").toString());
  }

  private void show(RoutingContext ctx) {
    AppDefinition app = existing(appId(ctx));
    Set<AppInfo.Embed> embeds = AppInfo.embeds(Http.params(ctx, "embed"), "app.", EnumSet.of(AppInfo.Embed.COUNTS,
        AppInfo.Embed.DEPLOYMENTS, AppInfo.Embed.TASKS, AppInfo.Embed.LAST_TASK_FAILURE));
    Http.ok(ctx, new JsonObject().put("app", AppInfo.render(core(), app, embeds)));
  }

  private void create(RoutingContext ctx) {
    String body = Http.body(ctx);
    AppDefinition parsed = Http.read(MarathonJson::readApp, body);
    validate(parsed);
    String id = PathId.canonical(parsed.id(), PathId.ROOT);
    AppDefinition app = parsed.toBuilder().id(id).version(null).versionInfo(null).build();
    MarathonCore core = core();
    JsonObject event = apiEvent(ctx, app);
    core.update(root -> {
      if (Groups.findApp(root, id).isPresent()) {
        throw MarathonException.conflict("An app with id [" + id + "] already exists.");
      }
      return Groups.putApp(root, app);
    }, Http.flag(ctx, "force"), event).onSuccess(change -> {
      AppDefinition stored = Groups.findApp(change.root(), id).orElseThrow();
      JsonObject out = AppInfo.render(core, stored, EnumSet.of(AppInfo.Embed.COUNTS, AppInfo.Embed.DEPLOYMENTS));
      ctx.response().putHeader("Location", "/v2/apps" + id).putHeader("Marathon-Deployment-Id", change.plan().id());
      Http.json(ctx, 201, out);
    }).onFailure(ctx::fail);
  }

  /**
   * The canary policy of {@code ?canary=N} (a Mezzo addition): {@code canaryAutoPromote} (false),
   * {@code canaryMinHealthySeconds} (0), {@code canaryDeadlineSeconds} (600), {@code canaryMaxFailures} (1).
   */
  static CanaryPolicy canary(RoutingContext ctx) {
    String n = ctx.request().getParam("canary");
    if (n == null) {
      return null;
    }
    List<Violation> bad = new java.util.ArrayList<>();
    int canaries = intParam(ctx, "canary", 1, 1, bad);
    int minHealthy = intParam(ctx, "canaryMinHealthySeconds", 0, 0, bad);
    int deadline = intParam(ctx, "canaryDeadlineSeconds", 600, 1, bad);
    int maxFailures = intParam(ctx, "canaryMaxFailures", 1, 1, bad);
    if (!bad.isEmpty()) {
      throw MarathonException.notValid(bad);
    }
    return new CanaryPolicy(canaries, java.time.Duration.ofSeconds(minHealthy), java.time.Duration.ofSeconds(deadline),
        Http.flag(ctx, "canaryAutoPromote"), maxFailures);
  }

  private static int intParam(RoutingContext ctx, String name, int fallback, int min, List<Violation> bad) {
    String raw = ctx.request().getParam(name);
    if (raw == null) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(raw.trim());
      if (v >= min && v <= 1_000_000) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    bad.add(new Violation("/" + name, List.of("must be a whole number from " + min + " to 1000000")));
    return fallback;
  }

  private void update(RoutingContext ctx, boolean partial) {
    String id = appId(ctx);
    String body = Http.body(ctx);
    JsonNode tree = Http.read(MarathonJson::readTree, body);
    if (!tree.isObject()) {
      throw MarathonException.invalidJson(List.of(new Violation("/", List.of("error.expected.jsobject"))));
    }
    if (tree.hasNonNull("id") && !tree.get("id").isTextual()) {
      throw MarathonException.invalidJson(List.of(new Violation("/id", List.of("error.expected.jsstring"))));
    }
    if (tree.hasNonNull("id")
        && !PathId.canonical(tree.get("id").asText(), PathId.ROOT).equals(id)) {
      throw MarathonException.notValid(List.of(new Violation("/id",
          List.of("The path id '" + id + "' does not match the id of the definition"))));
    }
    MarathonCore core = core();
    Optional<AppDefinition> current = Groups.findApp(core.root(), id);
    if (current.isEmpty() && ctx.request().method() == HttpMethod.PATCH) {
      throw MarathonException.appNotFound(id);
    }
    AppDefinition app;
    if (current.isPresent() && partial) {
      app = Http.read(json -> MarathonJson.applyUpdate(current.get(), json), body);
    } else {
      ((ObjectNode) tree).put("id", id);
      app = Http.read(MarathonJson::readApp, MarathonJson.write(tree));
    }
    app = app.toBuilder().id(id).version(null).versionInfo(null).build();
    validate(app);
    AppDefinition target = app;
    boolean created = current.isEmpty();
    core.update(root -> Groups.putApp(root, target), Http.flag(ctx, "force"), apiEvent(ctx, target), canary(ctx))
        .onSuccess(change -> {
          if (created) {
            ctx.response().putHeader("Location", "/v2/apps" + id);
          }
          ctx.response().putHeader("Marathon-Deployment-Id", change.plan().id());
          Http.json(ctx, created ? 201 : 200, Http.deploymentResult(change.plan().version(), change.plan().id()));
        }).onFailure(ctx::fail);
  }

  private void destroy(RoutingContext ctx) {
    String id = appId(ctx);
    existing(id);
    core().update(root -> {
      if (Groups.findApp(root, id).isEmpty()) {
        throw MarathonException.appNotFound(id);
      }
      return Groups.removeApp(root, id);
    }, Http.flag(ctx, "force"), null).onSuccess(change -> deployed(ctx, change)).onFailure(ctx::fail);
  }

  private void restart(RoutingContext ctx) {
    core().restart(appId(ctx), Http.flag(ctx, "force")).onSuccess(change -> deployed(ctx, change)).onFailure(ctx::fail);
  }

  private void versions(RoutingContext ctx) {
    String id = appId(ctx);
    core().store().appVersions(id).onSuccess(list -> {
      if (list.isEmpty() && Groups.findApp(core().root(), id).isEmpty()) {
        ctx.fail(MarathonException.appNotFound(id));
      } else {
        Http.ok(ctx, new JsonObject().put("versions", new JsonArray(list)));
      }
    }).onFailure(ctx::fail);
  }

  private void version(RoutingContext ctx) {
    String id = appId(ctx);
    String version = ctx.pathParam("version");
    core().store().appVersion(id, version).onSuccess(app -> {
      if (app.isEmpty()) {
        ctx.fail(MarathonException.notFound("App '" + id + "' does not exist in version " + version));
      } else {
        Http.ok(ctx, Views.app(app.get()));
      }
    }).onFailure(ctx::fail);
  }

  private void tasks(RoutingContext ctx) {
    String id = appId(ctx);
    AppDefinition app = existing(id);
    Http.ok(ctx, new JsonObject().put("tasks", AppInfo.tasks(core(), core().instances().ofApp(id), app)));
  }

  private void killMany(RoutingContext ctx) {
    String id = appId(ctx);
    AppDefinition app = existing(id);
    String host = ctx.request().getParam("host");
    List<Instance> doomed = core().instances().ofApp(id).stream()
        .filter(i -> i.condition().isLaunched() && (host == null || host.equals(i.host()))).toList();
    kill(ctx, doomed, app, false);
  }

  private void killOne(RoutingContext ctx) {
    String id = appId(ctx);
    AppDefinition app = existing(id);
    String taskId = ctx.pathParam("task");
    Instance instance = core().instances().get(taskId).filter(i -> i.appId().equals(id))
        .orElseThrow(() -> MarathonException.notFound("Task '" + taskId + "' does not exist"));
    kill(ctx, List.of(instance), app, true);
  }

  private void kill(RoutingContext ctx, List<Instance> doomed, AppDefinition app, boolean single) {
    if (Http.flag(ctx, "scale") && Http.flag(ctx, "wipe")) {
      throw MarathonException.notValid(List.of(new Violation("/", List.of("You cannot use scale and wipe at the same time."))));
    }
    boolean scale = Http.flag(ctx, "scale");
    core().kill(doomed, scale, Http.flag(ctx, "force")).onSuccess(change -> {
      if (change != null) {
        deployed(ctx, change);
      } else if (single) {
        Http.ok(ctx, new JsonObject().put("task", Views.task(doomed.get(0), app)));
      } else {
        JsonArray tasks = new JsonArray();
        doomed.forEach(i -> tasks.add(Views.task(i, app)));
        Http.ok(ctx, new JsonObject().put("tasks", tasks));
      }
    }).onFailure(ctx::fail);
  }

  static void deployed(RoutingContext ctx, MarathonCore.Change change) {
    ctx.response().putHeader("Marathon-Deployment-Id", change.plan().id());
    Http.ok(ctx, Http.deploymentResult(change.plan().version(), change.plan().id()));
  }

  private static void validate(AppDefinition app) {
    List<Violation> violations = AppValidator.validate(app);
    if (!violations.isEmpty()) {
      throw MarathonException.notValid(violations);
    }
  }

  static JsonObject apiEvent(RoutingContext ctx, AppDefinition app) {
    return new JsonObject().put("clientIp", ctx.request().remoteAddress() == null ? null
        : ctx.request().remoteAddress().host()).put("uri", ctx.request().path()).put("appDefinition", Views.app(app));
  }

}
