package io.mezzo.marathon.api;

import io.mezzo.marathon.core.Instance;
import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.MarathonJson;
import io.vertx.core.json.JsonArray;
import java.util.HashMap;
import java.util.Map;

/**
 * Encoded JSON of apps and tasks for large listings ({@code GET /v2/apps?embed=apps.tasks}), reused while the app
 * definition or the instance is the same object: both are immutable, so any change makes a new object and the
 * text is made again. Tasks with results of Marathon's own health checks are always encoded afresh (their results
 * change without the instance changing). Owned by the verticle's event loop.
 */
final class JsonCache {
  private record AppText(AppDefinition app, String json) {
  }

  private record TaskText(Instance instance, AppDefinition app, String json) {
  }

  private final Map<String, AppText> apps = new HashMap<>();
  private final Map<String, TaskText> tasks = new HashMap<>();

  /** The app's own fields, as {@link Views#app} encodes them. */
  String app(AppDefinition app) {
    AppText t = apps.get(app.id());
    if (t == null || t.app() != app) {
      t = new AppText(app, MarathonJson.write(app));
      apps.put(app.id(), t);
    }
    return t.json();
  }

  /** The task as {@link Views#task} encodes it. */
  String task(Instance i, AppDefinition app, JsonArray marathonChecks) {
    if (marathonChecks != null) {
      return Views.task(i, app, marathonChecks).encode();
    }
    TaskText t = tasks.get(i.instanceId());
    if (t == null || t.instance() != i || t.app() != app) {
      t = new TaskText(i, app, Views.task(i, app, null).encode());
      tasks.put(i.instanceId(), t);
    }
    return t.json();
  }

  /** Forgets everything once it holds far more than exists (apps and instances that are gone). */
  void trim(int liveApps, int liveInstances) {
    if (apps.size() > 2 * liveApps + 100) {
      apps.clear();
    }
    if (tasks.size() > 2 * liveInstances + 1000) {
      tasks.clear();
    }
  }
}
