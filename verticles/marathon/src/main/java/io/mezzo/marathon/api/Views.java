package io.mezzo.marathon.api;

import io.mezzo.marathon.core.Instance;
import io.mezzo.marathon.core.RunningDeployment;
import io.mezzo.marathon.deploy.DeploymentAction;
import io.mezzo.marathon.deploy.DeploymentPlan;
import io.mezzo.marathon.deploy.DeploymentStep;
import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.Group;
import io.mezzo.marathon.model.MarathonJson;
import io.mezzo.marathon.model.PortDefinition;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Marathon's JSON for apps, groups, plans, deployments and tasks. */
public final class Views {

  private Views() {
  }

  public static JsonObject app(AppDefinition app) {
    return new JsonObject(MarathonJson.write(app));
  }

  public static JsonObject group(Group g) {
    JsonArray apps = new JsonArray();
    g.apps().forEach(a -> apps.add(app(a)));
    JsonArray groups = new JsonArray();
    g.groups().forEach(c -> groups.add(group(c)));
    JsonObject out = new JsonObject().put("id", g.id()).put("apps", apps).put("groups", groups)
        .put("pods", new JsonArray()).put("dependencies", new JsonArray(g.dependencies()))
        .put("enforceRole", g.enforceRole());
    if (g.version() != null) {
      out.put("version", g.version());
    }
    return out;
  }

  public static JsonArray steps(List<DeploymentStep> steps) {
    JsonArray out = new JsonArray();
    for (DeploymentStep step : steps) {
      out.add(new JsonObject().put("actions", actions(step.actions(), false)));
    }
    return out;
  }

  public static JsonArray actions(List<DeploymentAction> actions, boolean withReadiness) {
    return actions(actions, withReadiness ? appId -> new JsonArray() : null);
  }

  /** The actions, each with its app's {@code readinessCheckResults} when {@code readiness} is given. */
  public static JsonArray actions(List<DeploymentAction> actions,
                                  java.util.function.Function<String, JsonArray> readiness) {
    JsonArray out = new JsonArray();
    for (DeploymentAction a : actions) {
      JsonObject action = new JsonObject().put("action", a.action()).put("app", a.appId());
      if (readiness != null) {
        action.put("readinessCheckResults", readiness.apply(a.appId()));
      }
      out.add(action);
    }
    return out;
  }

  /** A plan as deployment events carry it; {@code light} leaves out the original and target groups. */
  public static JsonObject plan(DeploymentPlan plan, boolean light) {
    JsonObject out = new JsonObject().put("id", plan.id()).put("version", plan.version())
        .put("steps", steps(plan.steps()));
    if (!light) {
      out.put("original", group(plan.original())).put("target", group(plan.target()));
    }
    return out;
  }

  /** An entry of {@code GET /v2/deployments}. */
  public static JsonObject deployment(RunningDeployment d) {
    return deployment(d, appId -> new JsonArray());
  }

  /** As {@link #deployment(RunningDeployment)}, with the readiness check results of the current actions' apps. */
  public static JsonObject deployment(RunningDeployment d, java.util.function.Function<String, JsonArray> readiness) {
    DeploymentPlan plan = d.plan();
    java.util.Set<String> pods = new java.util.HashSet<>(io.mezzo.marathon.core.Groups.pods(plan.original()).keySet());
    pods.addAll(io.mezzo.marathon.core.Groups.pods(plan.target()).keySet());
    JsonArray apps = new JsonArray();
    JsonArray affectedPods = new JsonArray();
    plan.affectedApps().forEach(id -> (pods.contains(id) ? affectedPods : apps).add(id));
    JsonObject out = new JsonObject().put("id", plan.id()).put("version", plan.version())
        .put("affectedApps", apps).put("affectedPods", affectedPods)
        .put("steps", steps(plan.steps()))
        .put("currentActions", actions(d.currentActions(), readiness))
        .put("currentStep", Math.min(d.currentStep() + 1, plan.totalSteps()))
        .put("totalSteps", plan.totalSteps());
    if (d.canary() != null) {
      // a Mezzo addition; Marathon clients ignore fields they do not know
      var c = d.canary();
      out.put("canary", new JsonObject().put("phase", c.phase().name()).put("canaries", c.policy().canaries())
          .put("autoPromote", c.policy().autoPromote()).put("minHealthySeconds", c.policy().minHealthyTime().toSeconds())
          .put("deadlineSeconds", c.policy().healthyDeadline().toSeconds()).put("maxFailures", c.policy().maxFailures())
          .put("failures", c.failures()).put("reason", c.reason()));
    }
    return out;
  }

  /** A task as {@code /v2/tasks} and {@code /v2/apps/{id}/tasks} show it. */
  public static JsonObject task(Instance i, AppDefinition app) {
    return task(i, app, null);
  }

  /**
   * A task with the results of the health checks Marathon runs itself ({@code marathonChecks}, null when it runs
   * none for this instance); otherwise the health the agent reported.
   */
  public static JsonObject task(Instance i, AppDefinition app, JsonArray marathonChecks) {
    JsonArray servicePorts = new JsonArray();
    if (app != null) {
      app.portDefinitions().stream().map(PortDefinition::port).forEach(servicePorts::add);
    }
    JsonObject out = new JsonObject().put("id", i.taskId()).put("appId", i.appId()).put("host", i.host())
        .put("ports", new JsonArray(i.ports())).put("servicePorts", servicePorts)
        .put("slaveId", i.agentId()).put("state", i.condition().mesosState())
        .put("stagedAt", i.stagedAt()).put("startedAt", i.startedAt()).put("version", i.appVersion())
        .put("ipAddresses", new JsonArray()).put("localVolumes", new JsonArray());
    if (marathonChecks != null) {
      out.put("healthCheckResults", marathonChecks);
    } else if (app != null && !app.healthChecks().isEmpty()) {
      JsonArray results = new JsonArray();
      if (i.healthy() != null) {
        results.add(new JsonObject().put("alive", i.healthy()).put("consecutiveFailures", i.healthy() ? 0 : 1)
            .put("instanceId", i.instanceId()));
      }
      out.put("healthCheckResults", results);
    }
    return out;
  }
}
