package io.mezzo.agent;

import io.mezzo.agent.files.SandboxFiles;
import io.mezzo.agent.files.SandboxPaths;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.mesos.v1.Protos.Metric;
import org.apache.mesos.v1.agent.Protos.Call;
import org.apache.mesos.v1.agent.Protos.Response;

/**
 * The agent's own endpoints: legacy {@code /state}, {@code /flags}, {@code /health},
 * {@code /metrics/snapshot}, {@code /monitor/statistics}, {@code /containers} and the v1 operator API {@code /api/v1}.
 * Errors answer as Mesos does: plain text, 405/400/415/406 for the request's shape, 400 for a call
 * that does not validate, 404 for an unknown container or file.
 */
final class AgentHttp {
  static final String RECORDIO = "application/recordio";

  private final Vertx vertx;
  private final Supplier<AgentViews.Snapshot> snapshot;
  private final Supplier<Map<String, Double>> metrics;
  private final ContainerApi containers;
  private final SandboxFiles files;
  private final SessionHttp sessions;

  AgentHttp(Vertx vertx, Supplier<AgentViews.Snapshot> snapshot, Supplier<Map<String, Double>> metrics, ContainerApi containers,
            SandboxFiles files, NestedSessions sessions) {
    this.vertx = vertx;
    this.snapshot = snapshot;
    this.metrics = metrics;
    this.containers = containers;
    this.files = files;
    this.sessions = new SessionHttp(sessions);
  }

  void mount(Router router) {
    for (String suffix : new String[] {"", ".json"}) {
      router.get("/state" + suffix).handler(ctx -> json(ctx, AgentViews.legacyState(snapshot.get())));
      router.get("/slave(1)/state" + suffix).handler(ctx -> json(ctx, AgentViews.legacyState(snapshot.get())));
      router.get("/flags" + suffix).handler(ctx -> json(ctx, new JsonObject().put("flags", new JsonObject(
          new java.util.LinkedHashMap<>(snapshot.get().flags())))));
      for (String prefix : new String[] {"", "/slave(1)"}) {
        router.get(prefix + "/monitor/statistics" + suffix).handler(ctx -> statistics(ctx, false));
        router.get(prefix + "/containers" + suffix).handler(ctx -> statistics(ctx, true));
      }
    }
    router.get("/metrics/snapshot").handler(ctx -> json(ctx, new JsonObject(new java.util.LinkedHashMap<>(metrics.get()))));
    router.get("/health").handler(ctx -> ctx.response().setStatusCode(200).end());
    router.route("/api/v1").handler(this::streamingInput);
    router.route("/api/v1").handler(BodyHandler.create().setBodyLimit(1 << 20));
    router.route("/api/v1").handler(this::api);
  }

  private void statistics(RoutingContext ctx, boolean withStatus) {
    containers.monitorStatistics(withStatus)
        .onSuccess(stats -> ctx.response().putHeader("content-type", "application/json").end(stats.encode()))
        .onFailure(e -> MesosWire.text(ctx, 500, "Failed to collect the containers' statistics: " + e.getMessage()));
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("content-type", "application/json").end(body.encode());
  }

  /** ATTACH_CONTAINER_INPUT comes as a RecordIO stream: handled before the body is buffered. */
  private void streamingInput(RoutingContext ctx) {
    String type = ctx.request().getHeader("content-type");
    if (ctx.request().method() == io.vertx.core.http.HttpMethod.POST && type != null
        && type.split(";")[0].trim().equalsIgnoreCase(RECORDIO)) {
      sessions.attachInput(ctx);
    } else {
      ctx.next();
    }
  }

  private void api(RoutingContext ctx) {
    if (ctx.request().method() != io.vertx.core.http.HttpMethod.POST) {
      ctx.response().putHeader("allow", "POST");
      MesosWire.text(ctx, 405, "Expecting a 'POST' request, received '" + ctx.request().method() + "'");
      return;
    }
    String type = ctx.request().getHeader("content-type");
    if (type == null) {
      MesosWire.text(ctx, 400, "Expecting 'Content-Type' to be present");
      return;
    }
    String encoding = type.split(";")[0].trim().toLowerCase();
    if (!encoding.equals(MesosWire.JSON) && !encoding.equals(MesosWire.PROTOBUF)) {
      MesosWire.text(ctx, 415, "Expecting 'Content-Type' of " + MesosWire.JSON + ", " + MesosWire.PROTOBUF + " or " + RECORDIO);
      return;
    }
    Call call;
    try {
      call = MesosWire.parse(ctx.body().buffer(), encoding, Call.getDefaultInstance());
    } catch (IllegalArgumentException e) {
      MesosWire.text(ctx, 400, e.getMessage());
      return;
    }
    if (!call.hasType() || call.getType() == Call.Type.UNKNOWN) {
      MesosWire.text(ctx, 400, "Failed to validate agent::Call: Expecting 'type' to be present");
      return;
    }
    switch (call.getType()) {
      case LAUNCH_NESTED_CONTAINER_SESSION, ATTACH_CONTAINER_OUTPUT -> {
        sessions.streamingCall(ctx, call);
        return;
      }
      case ATTACH_CONTAINER_INPUT -> {
        MesosWire.text(ctx, 415, "Expecting 'Content-Type' of " + RECORDIO + " for 'ATTACH_CONTAINER_INPUT'");
        return;
      }
      default -> {
      }
    }
    String accept = MesosWire.accept(ctx.request().getHeader("accept"));
    if (accept == null) {
      MesosWire.text(ctx, 406, "Expecting 'Accept' to allow " + MesosWire.JSON + " or " + MesosWire.PROTOBUF);
      return;
    }
    Future<Response> answer;
    try {
      answer = answer(call, () -> ctx.response().closed());
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    if (answer == null) {
      MesosWire.text(ctx, 501, "Call type '" + call.getType() + "' is not supported by this agent yet");
      return;
    }
    answer.onComplete(ar -> {
      if (ar.failed()) {
        fail(ctx, ar.cause());
      } else if (ar.result() == null) {
        ctx.response().setStatusCode(200).end();
      } else {
        ctx.response().putHeader("content-type", accept).end(MesosWire.encode(ar.result(), accept));
      }
    });
  }

  /** Maps a failed call to Mesos's status and plain-text answer. */
  static void fail(RoutingContext ctx, Throwable e) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    if (e instanceof ContainerApi.NotFound) {
      MesosWire.text(ctx, 404, e.getMessage());
    } else if (e instanceof NestedSessions.Refused r) {
      MesosWire.text(ctx, r.status, e.getMessage());
    } else if (e instanceof SandboxPaths.Refused r) {
      MesosWire.text(ctx, r.status(), e.getMessage());
    } else if (e instanceof IllegalArgumentException) {
      MesosWire.text(ctx, 400, e.getMessage());
    } else {
      MesosWire.text(ctx, 500, "Failed to handle the call: " + e.getMessage());
    }
  }

  private static IllegalArgumentException missing(String field) {
    return new IllegalArgumentException("Failed to validate agent::Call: Expecting '" + field + "' to be present");
  }

  /** The answer to a call with a plain response (null body for 200 without one), or null when the call is not supported. */
  private Future<Response> answer(Call call, java.util.function.BooleanSupplier clientGone) {
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
      case GET_METRICS -> {
        Response.GetMetrics.Builder m = Response.GetMetrics.newBuilder();
        metrics.get().forEach((name, value) -> m.addMetrics(Metric.newBuilder().setName(name).setValue(value)));
        r.setType(Response.Type.GET_METRICS).setGetMetrics(m);
      }
      case GET_STATE -> r.setType(Response.Type.GET_STATE).setGetState(AgentViews.state(s));
      case GET_TASKS -> r.setType(Response.Type.GET_TASKS).setGetTasks(AgentViews.tasks(s));
      case GET_FRAMEWORKS -> r.setType(Response.Type.GET_FRAMEWORKS).setGetFrameworks(AgentViews.frameworks(s));
      case GET_EXECUTORS -> r.setType(Response.Type.GET_EXECUTORS).setGetExecutors(AgentViews.executors(s));
      case GET_AGENT -> r.setType(Response.Type.GET_AGENT).setGetAgent(Response.GetAgent.newBuilder().setAgentInfo(s.info()));
      case GET_CONTAINERS -> {
        boolean nested = call.hasGetContainers() && call.getGetContainers().getShowNested();
        return containers.containers(nested).map(c -> r.setType(Response.Type.GET_CONTAINERS).setGetContainers(c).build());
      }
      case LIST_FILES -> {
        if (!call.hasListFiles()) {
          throw missing("list_files");
        }
        String path = call.getListFiles().getPath();
        return vertx.executeBlocking(() -> r.setType(Response.Type.LIST_FILES)
            .setListFiles(Response.ListFiles.newBuilder().addAllFileInfos(files.list(path))).build(), false);
      }
      case READ_FILE -> {
        if (!call.hasReadFile()) {
          throw missing("read_file");
        }
        Call.ReadFile read = call.getReadFile();
        long length = read.hasLength() ? read.getLength() : -1;
        if (read.hasLength() && length < 0) {
          throw new IllegalArgumentException("Negative length provided: " + length);
        }
        return vertx.executeBlocking(() -> {
          SandboxFiles.Read data = files.read(read.getPath(), read.getOffset(), length);
          return r.setType(Response.Type.READ_FILE).setReadFile(Response.ReadFile.newBuilder().setSize(data.size())
              .setData(data.data())).build();
        }, false);
      }
      case KILL_CONTAINER -> {
        if (!call.hasKillContainer()) {
          throw missing("kill_container");
        }
        int signal = call.getKillContainer().hasSignal() ? call.getKillContainer().getSignal() : 9;
        if (signal < 1 || signal > 64) {
          throw new IllegalArgumentException("Failed to validate agent::Call: Invalid signal " + signal);
        }
        return containers.kill(call.getKillContainer().getContainerId(), signal).map(v -> null);
      }
      case WAIT_CONTAINER -> {
        if (!call.hasWaitContainer()) {
          throw missing("wait_container");
        }
        return containers.waitFor(call.getWaitContainer().getContainerId(), clientGone)
            .map(w -> r.setType(Response.Type.WAIT_CONTAINER).setWaitContainer(w).build());
      }
      default -> {
        return null;
      }
    }
    return Future.succeededFuture(r.build());
  }
}
