package io.mezzo.marathon.api;

import io.mezzo.marathon.core.Groups;
import io.mezzo.marathon.core.Instance;
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
 * {@code /v2/pods}: pod definitions are validated, versioned with the root group and stored; deployments run their
 * instances as Mesos task groups (see {@link io.mezzo.marathon.model.PodRunSpec}). {@code ::status} shows each
 * instance with its containers and allocated endpoints.
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
    router.routeWithRegex(HttpMethod.DELETE, "/v2/pods(?<id>/.+)::instances(?<instance>/.*)?").handler(this::killInstances);
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
    PodDefinition withId = pathId == null ? pod : pod.withId(pathId);
    List<Violation> violations = PodValidator.validate(withId);
    if (!violations.isEmpty()) {
      throw MarathonException.notValid(violations);
    }
    String id = PathId.canonical(withId.id(), PathId.ROOT);
    return withId.withId(id).withVersion(null, null);
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

  /**
   * {@code DELETE {id}::instances/{instanceId}} or {@code DELETE {id}::instances} with a JSON array of instance ids:
   * kills those instances (the pod keeps its instance count, so they are replaced); answers their last status.
   */
  private void killInstances(RoutingContext ctx) {
    PodDefinition pod = existing(id(ctx));
    String one = ctx.pathParam("instance");
    List<String> ids = new java.util.ArrayList<>();
    if (one != null && one.length() > 1) {
      ids.add(one.substring(1));
    } else {
      try {
        new JsonArray(Http.body(ctx)).forEach(o -> ids.add(String.valueOf(o)));
      } catch (RuntimeException e) {
        throw new MarathonException(400, MarathonException.message("Invalid JSON: expected an array of instance ids"));
      }
    }
    List<Instance> doomed = new java.util.ArrayList<>();
    for (String instanceId : ids) {
      Instance i = core().instances().get(instanceId).filter(x -> x.appId().equals(pod.id())).orElseThrow(() ->
          MarathonException.notFound("Pod instance '" + instanceId + "' does not exist"));
      doomed.add(i);
    }
    core().kill(doomed, false, false).onSuccess(c -> {
      JsonArray out = new JsonArray();
      doomed.forEach(i -> out.add(instanceStatus(pod, i)));
      Http.ok(ctx, one != null && one.length() > 1 ? out.getJsonObject(0) : out);
    }).onFailure(ctx::fail);
  }

  private static JsonObject json(PodDefinition pod) {
    JsonObject out = new JsonObject(MarathonJson.write(pod));
    out.remove("versionInfo");
    return out;
  }

  private JsonObject status(PodDefinition pod) {
    String since = pod.version() != null ? pod.version() : core().root().version();
    List<Instance> instances = core().instances().ofApp(pod.id());
    int wanted = pod.scaling().instances();
    long stable = instances.stream().filter(i -> podInstanceStatus(i).equals("STABLE")).count();
    String status = wanted == 0 && instances.isEmpty() ? "TERMINAL" : stable >= wanted ? "STABLE" : "DEGRADED";
    JsonArray out = new JsonArray();
    instances.forEach(i -> out.add(instanceStatus(pod, i)));
    return new JsonObject().put("id", pod.id()).put("spec", json(pod))
        .put("status", status).put("statusSince", since)
        .put("instances", out).put("terminationHistory", new JsonArray())
        .put("lastUpdated", io.mezzo.marathon.core.Versions.format(java.time.Instant.now())).put("lastChanged", since);
  }

  /** Marathon's pod instance states: PENDING, STAGING, STABLE (running and healthy), DEGRADED, TERMINAL. */
  private static String podInstanceStatus(Instance i) {
    return switch (i.condition()) {
      case SCHEDULED, PROVISIONED -> "PENDING";
      case STAGING, STARTING -> "STAGING";
      case RUNNING -> Boolean.FALSE.equals(i.healthy()) ? "DEGRADED" : "STABLE";
      case KILLING, UNREACHABLE -> "DEGRADED";
      default -> "TERMINAL";
    };
  }

  private static JsonObject instanceStatus(PodDefinition pod, Instance i) {
    JsonArray containers = new JsonArray();
    int port = 0;
    for (PodDefinition.PodContainer c : pod.containers()) {
      JsonArray endpoints = new JsonArray();
      for (PodDefinition.Endpoint e : c.endpoints()) {
        JsonObject ep = new JsonObject().put("name", e.name());
        if (port < i.ports().size()) {
          ep.put("allocatedHostPort", i.ports().get(port));
        }
        port++;
        endpoints.add(ep);
      }
      JsonObject res = new JsonObject().put("cpus", c.resources().cpus()).put("mem", c.resources().mem())
          .put("disk", c.resources().disk()).put("gpus", c.resources().gpus());
      containers.add(new JsonObject().put("name", c.name())
          .put("status", i.condition().mesosState() != null ? i.condition().mesosState() : "TASK_STAGING")
          .put("statusSince", i.startedAt() != null ? i.startedAt() : i.createdAt())
          .put("containerId", i.taskId() + "." + c.name()).put("endpoints", endpoints).put("resources", res)
          .put("lastUpdated", i.createdAt()).put("lastChanged", i.createdAt()));
    }
    JsonObject out = new JsonObject().put("id", i.instanceId()).put("status", podInstanceStatus(i))
        .put("statusSince", i.startedAt() != null ? i.startedAt() : i.createdAt())
        .put("containers", containers).put("specReference", "/v2/pods" + pod.id() + "::versions/" + i.appVersion())
        .put("lastUpdated", i.createdAt()).put("lastChanged", i.createdAt());
    if (i.agentId() != null) {
      out.put("agentId", i.agentId()).put("agentHostname", i.host());
    }
    if (i.healthy() != null) {
      out.put("healthy", i.healthy());
    }
    return out;
  }
}
