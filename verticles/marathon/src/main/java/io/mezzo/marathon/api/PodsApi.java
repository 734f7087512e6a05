package io.mezzo.marathon.api;

import io.mezzo.marathon.core.Groups;
import io.mezzo.marathon.core.MarathonCore;
import io.mezzo.marathon.core.MarathonException;
import io.mezzo.marathon.model.MarathonJson;
import io.mezzo.marathon.model.PathId;
import io.mezzo.marathon.model.PodDefinition;
import io.mezzo.marathon.validation.PodValidator;
import io.mezzo.marathon.validation.Violation;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * {@code /v2/pods}: pod definitions are validated, versioned with the root group and stored, but no pod instance is
 * ever launched, because the agents cannot run task groups ({@code LAUNCH_GROUP}). Status answers say so: no
 * instances, status {@code DEGRADED} when instances are wanted.
 */
final class PodsApi {
  private final MarathonNode node;

  PodsApi(MarathonNode node) {
    this.node = node;
  }

  void mount(Router router) {
    router.head("/v2/pods").handler(ctx -> ctx.response().setStatusCode(200).end());
    router.get("/v2/pods").handler(ctx -> {
      JsonArray out = new JsonArray();
      pods().values().forEach(p -> out.add(json(p)));
      Http.ok(ctx, out);
    });
    router.routeWithRegex(HttpMethod.GET, "/v2/pods/::status").handler(ctx -> {
      JsonArray out = new JsonArray();
      pods().values().forEach(p -> out.add(status(p)));
      Http.ok(ctx, out);
    });
    router.post("/v2/pods").handler(this::create);
    router.routeWithRegex(HttpMethod.GET, "/v2/pods(?<id>/.+)::status").handler(ctx ->
        Http.ok(ctx, status(existing(id(ctx)))));
    router.routeWithRegex(HttpMethod.GET, "/v2/pods(?<id>/.+)::versions").handler(ctx -> {
      PodDefinition pod = existing(id(ctx));
      Http.ok(ctx, new JsonArray().add(pod.version() != null ? pod.version() : core().root().version()));
    });
    router.routeWithRegex(HttpMethod.DELETE, "/v2/pods(?<id>/.+)::instances(/.*)?").handler(ctx -> {
      existing(id(ctx));
      Http.ok(ctx, new JsonArray());
    });
    router.routeWithRegex(HttpMethod.GET, "/v2/pods(?<id>/[^:]+)").handler(ctx -> Http.ok(ctx, json(existing(id(ctx)))));
    router.routeWithRegex(HttpMethod.PUT, "/v2/pods(?<id>/[^:]+)").handler(this::replace);
    router.routeWithRegex(HttpMethod.DELETE, "/v2/pods(?<id>/[^:]+)").handler(this::delete);
  }

  private MarathonCore core() {
    return node.core();
  }

  private static String id(RoutingContext ctx) {
    return PathId.canonical(ctx.pathParam("id"), PathId.ROOT);
  }

  private Map<String, PodDefinition> pods() {
    return Groups.pods(core().root());
  }

  private PodDefinition existing(String id) {
    PodDefinition pod = pods().get(id);
    if (pod == null) {
      throw MarathonException.notFound("Pod '" + id + "' does not exist");
    }
    return pod;
  }

  private static PodDefinition parse(RoutingContext ctx, String pathId) {
    PodDefinition pod = Http.read(MarathonJson::readPod, Http.body(ctx));
    if (pathId != null && pod.id() != null && !PathId.canonical(pod.id(), PathId.ROOT).equals(pathId)) {
      throw MarathonException.notValid(List.of(new Violation("/id",
          List.of("The path id '" + pathId + "' does not match the id of the definition"))));
    }
    PodDefinition withId = pathId == null ? pod : new PodDefinition(pathId, pod.labels(), pod.user(), pod.containers(),
        pod.networks(), pod.scaling(), pod.version());
    List<Violation> violations = PodValidator.validate(withId);
    if (!violations.isEmpty()) {
      throw MarathonException.notValid(violations);
    }
    String id = PathId.canonical(withId.id(), PathId.ROOT);
    return new PodDefinition(id, withId.labels(), withId.user(), withId.containers(), withId.networks(),
        withId.scaling(), null);
  }

  private void create(RoutingContext ctx) {
    PodDefinition pod = parse(ctx, null);
    core().update(root -> {
      if (Groups.pods(root).containsKey(pod.id()) || Groups.findApp(root, pod.id()).isPresent()) {
        throw MarathonException.conflict("Pod '" + pod.id() + "' already exists");
      }
      return Groups.putPod(root, pod);
    }, Http.flag(ctx, "force"), null).onSuccess(change -> {
      PodDefinition stored = Groups.pods(change.root()).get(pod.id());
      ctx.response().putHeader("Location", "/v2/pods" + pod.id())
          .putHeader("Marathon-Deployment-Id", change.plan().id());
      Http.json(ctx, 201, json(stored));
    }).onFailure(ctx::fail);
  }

  private void replace(RoutingContext ctx) {
    String id = id(ctx);
    PodDefinition pod = parse(ctx, id);
    boolean created = !pods().containsKey(id);
    core().update(root -> Groups.putPod(root, pod), Http.flag(ctx, "force"), null).onSuccess(change -> {
      ctx.response().putHeader("Marathon-Deployment-Id", change.plan().id());
      if (created) {
        ctx.response().putHeader("Location", "/v2/pods" + id);
      }
      Http.json(ctx, created ? 201 : 200, json(Groups.pods(change.root()).get(id)));
    }).onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    String id = id(ctx);
    existing(id);
    core().update(root -> Groups.removePod(root, id), Http.flag(ctx, "force"), null).onSuccess(change -> {
      ctx.response().putHeader("Marathon-Deployment-Id", change.plan().id()).setStatusCode(202).end();
    }).onFailure(ctx::fail);
  }

  private static JsonObject json(PodDefinition pod) {
    return new JsonObject(MarathonJson.write(pod));
  }

  private JsonObject status(PodDefinition pod) {
    String since = pod.version() != null ? pod.version() : core().root().version();
    boolean wanted = pod.scaling().instances() != null && pod.scaling().instances() > 0;
    return new JsonObject().put("id", pod.id()).put("spec", json(pod))
        .put("status", wanted ? "DEGRADED" : "STABLE").put("statusSince", since)
        .put("message", wanted ? "pods are stored but not launched: the agents cannot run task groups" : null)
        .put("instances", new JsonArray()).put("terminationHistory", new JsonArray())
        .put("lastUpdated", since).put("lastChanged", since);
  }
}
