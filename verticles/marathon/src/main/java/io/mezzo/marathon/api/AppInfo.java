package io.mezzo.marathon.api;

import io.mezzo.marathon.core.Condition;
import io.mezzo.marathon.core.Instance;
import io.mezzo.marathon.core.MarathonCore;
import io.mezzo.marathon.model.AppDefinition;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** An app with the read-side extras ({@code embed=}) Marathon adds to it. */
final class AppInfo {

  enum Embed { COUNTS, DEPLOYMENTS, TASKS, READINESS, LAST_TASK_FAILURE, TASK_STATS }

  private AppInfo() {
  }

  /** Parses {@code embed} values with the given prefix ({@code apps.} or {@code app.}), on top of {@code base}. */
  static Set<Embed> embeds(List<String> values, String prefix, Set<Embed> base) {
    Set<Embed> out = base.isEmpty() ? EnumSet.noneOf(Embed.class) : EnumSet.copyOf(base);
    for (String v : values) {
      String name = v.startsWith(prefix) ? v.substring(prefix.length()) : v;
      switch (name) {
        case "counts" -> out.add(Embed.COUNTS);
        case "deployments" -> out.add(Embed.DEPLOYMENTS);
        case "tasks" -> {
          out.add(Embed.TASKS);
          out.add(Embed.DEPLOYMENTS);
        }
        case "readiness" -> out.add(Embed.READINESS);
        case "lastTaskFailure", "failures" -> out.add(Embed.LAST_TASK_FAILURE);
        case "taskStats" -> out.add(Embed.TASK_STATS);
        default -> { }
      }
    }
    return out;
  }

  static JsonObject render(MarathonCore core, AppDefinition app, Set<Embed> embeds) {
    JsonObject out = Views.app(app);
    List<Instance> instances = core.instances().ofApp(app.id());
    out.mergeIn(beforeTasks(core, app, instances, embeds));
    if (embeds.contains(Embed.TASKS)) {
      out.put("tasks", tasks(core, instances, app));
    }
    return out.mergeIn(afterTasks(core, app, instances, embeds));
  }

  /**
   * The same JSON as {@link #render} (same fields, same order), written as text from {@code cache}: a listing of
   * thousands of apps and tasks costs copying the unchanged parts instead of building and encoding them again.
   */
  static void renderText(MarathonCore core, AppDefinition app, Set<Embed> embeds, JsonCache cache, StringBuilder out) {
    String base = cache.app(app);
    List<Instance> instances = core.instances().ofApp(app.id());
    out.append(base, 0, base.length() - 1);
    appendFields(out, beforeTasks(core, app, instances, embeds));
    if (embeds.contains(Embed.TASKS)) {
      out.append(",\"tasks\":[");
      boolean first = true;
      for (Instance i : instances) {
        if (i.condition().isLaunched()) {
          out.append(first ? "" : ",").append(cache.task(i, app, core.healthResults(i.instanceId())));
          first = false;
        }
      }
      out.append(']');
    }
    appendFields(out, afterTasks(core, app, instances, embeds));
    out.append('}');
  }

  /** The embedded fields that come before {@code tasks}: counts, deployments, readiness. */
  private static JsonObject beforeTasks(MarathonCore core, AppDefinition app, List<Instance> instances,
                                        Set<Embed> embeds) {
    JsonObject out = new JsonObject();
    if (embeds.contains(Embed.COUNTS)) {
      counts(out, instances);
    }
    if (embeds.contains(Embed.DEPLOYMENTS)) {
      JsonArray ids = new JsonArray();
      core.deploymentsOf(app.id()).forEach(d -> ids.add(new JsonObject().put("id", d.id())));
      out.put("deployments", ids);
    }
    if (embeds.contains(Embed.READINESS)) {
      out.put("readinessCheckResults", core.readinessResults(app.id()));
    }
    return out;
  }

  /** The embedded fields that come after {@code tasks}: lastTaskFailure, tasksStats. */
  private static JsonObject afterTasks(MarathonCore core, AppDefinition app, List<Instance> instances,
                                       Set<Embed> embeds) {
    JsonObject out = new JsonObject();
    if (embeds.contains(Embed.LAST_TASK_FAILURE)) {
      core.lastTaskFailure(app.id()).ifPresent(f -> out.put("lastTaskFailure", f));
    }
    if (embeds.contains(Embed.TASK_STATS)) {
      JsonObject stats = new JsonObject();
      if (instances.stream().anyMatch(i -> i.condition().isLaunched())) {
        stats.put("totalSummary", new JsonObject().put("stats", new JsonObject()
            .put("counts", counts(new JsonObject(), instances))));
      }
      out.put("tasksStats", stats);
    }
    return out;
  }

  /** Appends the fields of {@code fields} to an object being written (after at least one field). */
  private static void appendFields(StringBuilder out, JsonObject fields) {
    if (!fields.isEmpty()) {
      String text = fields.encode();
      out.append(',').append(text, 1, text.length() - 1);
    }
  }

  static JsonArray tasks(MarathonCore core, List<Instance> instances, AppDefinition app) {
    JsonArray tasks = new JsonArray();
    instances.stream().filter(i -> i.condition().isLaunched())
        .forEach(i -> tasks.add(Views.task(i, app, core.healthResults(i.instanceId()))));
    return tasks;
  }

  private static JsonObject counts(JsonObject out, List<Instance> instances) {
    int staged = 0;
    int running = 0;
    int healthy = 0;
    int unhealthy = 0;
    for (Instance i : instances) {
      if (i.condition() == Condition.STAGING || i.condition() == Condition.STARTING) {
        staged++;
      } else if (i.condition() == Condition.RUNNING) {
        running++;
      }
      if (i.condition() == Condition.RUNNING && Boolean.TRUE.equals(i.healthy())) {
        healthy++;
      } else if (i.condition() == Condition.RUNNING && Boolean.FALSE.equals(i.healthy())) {
        unhealthy++;
      }
    }
    return out.put("tasksStaged", staged).put("tasksRunning", running).put("tasksHealthy", healthy)
        .put("tasksUnhealthy", unhealthy);
  }
}
