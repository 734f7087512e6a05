package io.mezzo.marathon.api;

import io.mezzo.marathon.core.Groups;
import io.mezzo.marathon.core.MarathonCore;
import io.mezzo.marathon.core.MarathonException;
import io.mezzo.marathon.model.Group;
import io.mezzo.marathon.model.MarathonJson;
import io.mezzo.marathon.model.PathId;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.UnaryOperator;

/** {@code /v2/groups}: the group tree, create, replace (with {@code dryRun}), destroy. */
final class GroupsApi {
  private static final String PATH = "/v2/groups(?<id>(/.*)?)";

  private final MarathonNode node;

  GroupsApi(MarathonNode node) {
    this.node = node;
  }

  void mount(Router router) {
    router.routeWithRegex(HttpMethod.GET, PATH).handler(this::show);
    router.routeWithRegex(HttpMethod.POST, PATH).handler(this::create);
    router.routeWithRegex(HttpMethod.PUT, PATH).handler(this::replace);
    router.routeWithRegex(HttpMethod.PATCH, PATH).handler(this::replace);
    router.routeWithRegex(HttpMethod.DELETE, PATH).handler(this::destroy);
  }

  private static PathId groupId(RoutingContext ctx) {
    String raw = ctx.pathParam("id");
    return PathId.parse(raw == null ? "/" : raw).resolve(PathId.ROOT);
  }

  private void show(RoutingContext ctx) {
    String id = groupId(ctx).toString();
    Group group = Groups.findGroup(node.core().root(), id).orElseThrow(() -> MarathonException.groupNotFound(id));
    Http.ok(ctx, Views.group(group));
  }

  /** The body as a group with absolute ids; its own id is resolved against {@code base}, or is {@code fixed}. */
  private static Group body(RoutingContext ctx, PathId base, PathId fixed) {
    Group parsed = Http.read(MarathonJson::readGroup, Http.body(ctx));
    PathId id = fixed != null ? fixed : PathId.parse(parsed.id() == null ? "" : parsed.id()).resolve(base);
    Group named = new Group(id.toString(), parsed.apps(), parsed.pods(), parsed.groups(), parsed.dependencies(),
        parsed.enforceRole(), null);
    return Groups.normalize(named, id.parent());
  }

  private void create(RoutingContext ctx) {
    PathId base = groupId(ctx);
    Group group = body(ctx, base, null);
    if (PathId.parse(group.id()).isRoot()) {
      throw MarathonException.conflict("Group / is already created. Use PUT to change this group.");
    }
    MarathonCore core = node.core();
    core.update(root -> {
      if (Groups.findGroup(root, group.id()).isPresent()) {
        throw MarathonException.conflict("Group " + group.id() + " is already created. Use PUT to change this group.");
      }
      return Groups.putGroup(root, group);
    }, Http.flag(ctx, "force"), null).onSuccess(change -> {
      ctx.response().putHeader("Location", "/v2/groups" + group.id())
          .putHeader("Marathon-Deployment-Id", change.plan().id());
      Http.json(ctx, 201, Http.deploymentResult(change.plan().version(), change.plan().id()));
    }).onFailure(ctx::fail);
  }

  private void replace(RoutingContext ctx) {
    PathId id = groupId(ctx);
    Group group = body(ctx, id.parent(), id);
    UnaryOperator<Group> edit = root -> {
      Group current = Groups.findGroup(root, group.id()).orElse(null);
      Group merged = group;
      if (current != null && ctx.request().method() == HttpMethod.PATCH) {
        merged = new Group(group.id(), group.apps().isEmpty() ? current.apps() : group.apps(), current.pods(),
            group.groups().isEmpty() ? current.groups() : group.groups(), group.dependencies(),
            group.enforceRole(), null);
      }
      return Groups.putGroup(root, merged);
    };
    MarathonCore core = node.core();
    if (Http.flag(ctx, "dryRun")) {
      core.dryRun(edit).onSuccess(plan -> Http.ok(ctx, new JsonObject().put("steps", Views.steps(plan.steps()))))
          .onFailure(ctx::fail);
      return;
    }
    core.update(edit, Http.flag(ctx, "force"), null).onSuccess(change -> AppsApi.deployed(ctx, change))
        .onFailure(ctx::fail);
  }

  private void destroy(RoutingContext ctx) {
    String id = groupId(ctx).toString();
    MarathonCore core = node.core();
    Groups.findGroup(core.root(), id).orElseThrow(() -> MarathonException.groupNotFound(id));
    core.update(root -> Groups.removeGroup(root, id), Http.flag(ctx, "force"), null)
        .onSuccess(change -> AppsApi.deployed(ctx, change)).onFailure(ctx::fail);
  }
}
