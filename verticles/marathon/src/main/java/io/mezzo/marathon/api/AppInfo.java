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
    if (embeds.contains(Embed.COUNTS)) {
      counts(out, instances);
    }
    if (embeds.contains(Embed.DEPLOYMENTS)) {
      JsonArray ids = new JsonArray();
      core.deploymentsOf(app.id()).forEach(d -> ids.add(new JsonObject().put("id", d.id())));
      out.put("deployments", ids);
    }
    if (embeds.contains(Embed.READINESS)) {
      out.put("readinessCheckResults", new JsonArray());
    }
    if (embeds.contains(Embed.TASKS)) {
      out.put("tasks", tasks(core, instances, app));
    }
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
