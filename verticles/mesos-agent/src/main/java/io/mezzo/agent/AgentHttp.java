package io.mezzo.agent;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.Supplier;
import org.apache.mesos.v1.agent.Protos.Call;
import org.apache.mesos.v1.agent.Protos.Response;

/** The agent's own endpoints: legacy {@code /state}, {@code /flags}, {@code /health} and the v1 operator API {@code /api/v1}. */
final class AgentHttp {
  private final Supplier<AgentViews.Snapshot> snapshot;

  AgentHttp(Supplier<AgentViews.Snapshot> snapshot) {
    this.snapshot = snapshot;
  }

  void mount(Router router) {
    for (String suffix : new String[] {"", ".json"}) {
      router.get("/state" + suffix).handler(ctx -> json(ctx, AgentViews.legacyState(snapshot.get())));
      router.get("/slave(1)/state" + suffix).handler(ctx -> json(ctx, AgentViews.legacyState(snapshot.get())));
      router.get("/flags" + suffix).handler(ctx -> json(ctx, new JsonObject().put("flags", new JsonObject(
          new java.util.LinkedHashMap<>(snapshot.get().flags())))));
    }
    router.get("/health").handler(ctx -> ctx.response().setStatusCode(200).end());
    router.route("/api/v1").handler(BodyHandler.create().setBodyLimit(1 << 20));
    router.route("/api/v1").handler(this::api);
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("content-type", "application/json").end(body.encode());
  }

  private void api(RoutingContext ctx) {
    MesosWire.Admitted<Call> admitted = MesosWire.call(ctx, Call.getDefaultInstance());
    if (admitted == null) {
      return;
    }
    Call call = admitted.call();
    if (!call.hasType() || call.getType() == Call.Type.UNKNOWN) {
      MesosWire.text(ctx, 400, "Failed to validate agent::Call: Expecting 'type' to be present");
      return;
    }
    AgentViews.Snapshot s = snapshot.get();
    Response.Builder r = Response.newBuilder();
    switch (call.getType()) {
      case GET_HEALTH -> r.setType(Response.Type.GET_HEALTH).setGetHealth(Response.GetHealth.newBuilder().setHealthy(true));
      case GET_VERSION -> r.setType(Response.Type.GET_VERSION).setGetVersion(Response.GetVersion.newBuilder()
          .setVersionInfo(org.apache.mesos.v1.Protos.VersionInfo.newBuilder().setVersion(AgentViews.VERSION)));
      case GET_FLAGS -> {
        Response.GetFlags.Builder flags = Response.GetFlags.newBuilder();
        s.flags().forEach((k, v) -> flags.addFlags(org.apache.mesos.v1.Protos.Flag.newBuilder().setName(k).setValue(v)));
        r.setType(Response.Type.GET_FLAGS).setGetFlags(flags);
      }
      case GET_STATE -> r.setType(Response.Type.GET_STATE).setGetState(AgentViews.state(s));
      case GET_TASKS -> r.setType(Response.Type.GET_TASKS).setGetTasks(AgentViews.tasks(s));
      case GET_FRAMEWORKS -> r.setType(Response.Type.GET_FRAMEWORKS).setGetFrameworks(AgentViews.frameworks(s));
      case GET_EXECUTORS -> r.setType(Response.Type.GET_EXECUTORS).setGetExecutors(AgentViews.executors(s));
      case GET_AGENT -> r.setType(Response.Type.GET_AGENT).setGetAgent(Response.GetAgent.newBuilder().setAgentInfo(s.info()));
      default -> {
        MesosWire.text(ctx, 501, "Call type '" + call.getType() + "' is not supported by this agent yet");
        return;
      }
    }
    ctx.response().putHeader("content-type", admitted.encoding()).end(MesosWire.encode(r.build(), admitted.encoding()));
  }
}
