package io.mezzo.master.http;

import io.mezzo.master.core.Master;
import io.mezzo.master.core.StateJson;
import io.mezzo.master.core.StateViews;
import io.mezzo.master.core.Validation;
import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.proto.RecordIO;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.mesos.v1.Protos.DurationInfo;
import org.apache.mesos.v1.Protos.Flag;
import org.apache.mesos.v1.Protos.Metric;
import org.apache.mesos.v1.Protos.VersionInfo;
import org.apache.mesos.v1.Protos.WeightInfo;
import org.apache.mesos.v1.master.Protos.Call;
import org.apache.mesos.v1.master.Protos.Event;
import org.apache.mesos.v1.master.Protos.Response;

/** {@code POST /api/v1} on the master: the v1 operator API, including the SUBSCRIBE event stream. */
public final class OperatorHttp {
  /** At most this many SUBSCRIBE streams at once, as Mesos limits them. */
  static final int MAX_SUBSCRIBERS = 1000;

  private final Leadership leadership;
  private final Map<String, String> flags;
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();

  private final LoggingLevel logging;

  public OperatorHttp(io.vertx.core.Vertx vertx, Leadership leadership, Map<String, String> flags) {
    this.leadership = leadership;
    this.flags = flags;
    this.logging = new LoggingLevel(vertx);
  }

  private record Subscriber(HttpServerResponse response, String encoding) {
    void send(Event event) {
      byte[] bytes = encoding.equals(MesosHttp.PROTOBUF) ? event.toByteArray()
          : MesosJson.print(event).getBytes(StandardCharsets.UTF_8);
      if (!response.closed() && !response.ended()) {
        response.write(Buffer.buffer(RecordIO.encode(bytes)));
      }
    }
  }

  /** Sends an event to every operator stream. */
  public void publish(Event event) {
    for (Subscriber s : subscribers) {
      s.send(event);
    }
  }

  /** Whether any operator stream is open (events for nobody need not be built). */
  public boolean hasSubscribers() {
    return !subscribers.isEmpty();
  }

  /** Ends every operator stream (this master stopped leading). */
  public void closeAll() {
    for (Subscriber s : subscribers) {
      if (!s.response.ended() && !s.response.closed()) {
        s.response.end();
      }
    }
    subscribers.clear();
  }

  public void heartbeat() {
    publish(Event.newBuilder().setType(Event.Type.HEARTBEAT).build());
  }

  public void handle(RoutingContext ctx) {
    MesosHttp.Admitted<Call> admitted = MesosHttp.admitCall(ctx, leadership, Call.getDefaultInstance(), "master::Call", OperatorHttp::validate);
    if (admitted == null) {
      return;
    }
    Master master = leadership.leading().orElseThrow();
    Call call = admitted.call();
    String accept = MesosHttp.accept(ctx, MesosHttp.JSON);
    if (accept == null) {
      MesosHttp.text(ctx, 406, "Expecting 'Accept' to allow " + MesosHttp.JSON + " or " + MesosHttp.PROTOBUF);
      return;
    }
    switch (call.getType()) {
      case SUBSCRIBE -> subscribe(ctx, master, accept);
      case GET_HEALTH -> reply(ctx, accept, Response.newBuilder().setType(Response.Type.GET_HEALTH)
          .setGetHealth(Response.GetHealth.newBuilder().setHealthy(true)));
      case GET_VERSION -> reply(ctx, accept, Response.newBuilder().setType(Response.Type.GET_VERSION)
          .setGetVersion(Response.GetVersion.newBuilder().setVersionInfo(version())));
      case GET_FLAGS -> {
        Response.GetFlags.Builder b = Response.GetFlags.newBuilder();
        flags.forEach((k, v) -> b.addFlags(Flag.newBuilder().setName(k).setValue(v)));
        reply(ctx, accept, Response.newBuilder().setType(Response.Type.GET_FLAGS).setGetFlags(b));
      }
      case GET_METRICS -> {
        Response.GetMetrics.Builder b = Response.GetMetrics.newBuilder();
        MasterMetrics.snapshot(master).forEach((k, v) -> b.addMetrics(Metric.newBuilder().setName(k).setValue(v)));
        reply(ctx, accept, Response.newBuilder().setType(Response.Type.GET_METRICS).setGetMetrics(b));
      }
      case GET_LOGGING_LEVEL -> reply(ctx, accept, Response.newBuilder().setType(Response.Type.GET_LOGGING_LEVEL)
          .setGetLoggingLevel(Response.GetLoggingLevel.newBuilder().setLevel(logging.get())));
      case SET_LOGGING_LEVEL -> {
        logging.set(call.getSetLoggingLevel().getLevel(), call.getSetLoggingLevel().getDuration().getNanoseconds());
        MesosHttp.text(ctx, 200, "");
      }
      // the master serves no files (it has no sandboxes); Mesos answers 404 for a path it does not know
      case LIST_FILES -> MesosHttp.text(ctx, 404, "No file or directory at '" + call.getListFiles().getPath() + "'");
      case READ_FILE -> MesosHttp.text(ctx, 404, "No file or directory at '" + call.getReadFile().getPath() + "'");
      case GET_STATE -> {
        if (accept.equals(MesosHttp.JSON)) {
          MesosHttp.endLarge(ctx.response().setStatusCode(200).putHeader("content-type", accept), StateJson.getStateResponse(master));
        } else {
          MesosHttp.endLarge(ctx.response().setStatusCode(200).putHeader("content-type", accept), MesosHttp.encode(Response.newBuilder()
              .setType(Response.Type.GET_STATE).setGetState(StateViews.state(master)).build(), accept));
        }
      }
      case GET_AGENTS -> reply(ctx, accept, Response.newBuilder().setType(Response.Type.GET_AGENTS).setGetAgents(StateViews.agents(master)));
      case GET_FRAMEWORKS -> reply(ctx, accept, Response.newBuilder().setType(Response.Type.GET_FRAMEWORKS)
          .setGetFrameworks(StateViews.frameworks(master)));
      case GET_EXECUTORS -> reply(ctx, accept, Response.newBuilder().setType(Response.Type.GET_EXECUTORS)
          .setGetExecutors(StateViews.executors(master)));
      case GET_TASKS -> reply(ctx, accept, Response.newBuilder().setType(Response.Type.GET_TASKS).setGetTasks(StateViews.tasks(master)));
      case GET_ROLES -> reply(ctx, accept, Response.newBuilder().setType(Response.Type.GET_ROLES).setGetRoles(StateViews.roles(master)));
      case GET_OPERATIONS -> reply(ctx, accept, Response.newBuilder().setType(Response.Type.GET_OPERATIONS)
          .setGetOperations(Response.GetOperations.getDefaultInstance()));
      case GET_WEIGHTS -> {
        Response.GetWeights.Builder b = Response.GetWeights.newBuilder();
        master.weights().forEach((role, w) -> b.addWeightInfos(WeightInfo.newBuilder().setRole(role).setWeight(w)));
        reply(ctx, accept, Response.newBuilder().setType(Response.Type.GET_WEIGHTS).setGetWeights(b));
      }
      case UPDATE_WEIGHTS -> updateWeights(ctx, master, call);
      case GET_MASTER -> reply(ctx, accept, Response.newBuilder().setType(Response.Type.GET_MASTER)
          .setGetMaster(Response.GetMaster.newBuilder().setMasterInfo(master.info())
              .setStartTime(MasterMetrics.startSeconds(master)).setElectedTime(MasterMetrics.electedSeconds(master))));
      case GET_QUOTA -> reply(ctx, accept, Response.newBuilder().setType(Response.Type.GET_QUOTA)
          .setGetQuota(Response.GetQuota.newBuilder().setStatus(org.apache.mesos.v1.quota.Protos.QuotaStatus.newBuilder()
              .addAllConfigs(master.quotaConfigs()))));
      case UPDATE_QUOTA -> updateQuota(ctx, master, call.getUpdateQuota().getQuotaConfigsList());
      case SET_QUOTA -> {
        // deprecated: since Mesos 1.9 the requested guarantee is also the limit
        var request = call.getSetQuota().getQuotaRequest();
        var config = org.apache.mesos.v1.quota.Protos.QuotaConfig.newBuilder().setRole(request.getRole());
        for (org.apache.mesos.v1.Protos.Resource r : request.getGuaranteeList()) {
          var scalar = org.apache.mesos.v1.Protos.Value.Scalar.newBuilder().setValue(r.getScalar().getValue()).build();
          config.putGuarantees(r.getName(), scalar).putLimits(r.getName(), scalar);
        }
        updateQuota(ctx, master, List.of(config.build()));
      }
      case REMOVE_QUOTA -> updateQuota(ctx, master, List.of(org.apache.mesos.v1.quota.Protos.QuotaConfig.newBuilder()
          .setRole(call.getRemoveQuota().getRole()).build()));
      case GET_MAINTENANCE_STATUS -> reply(ctx, accept, Response.newBuilder().setType(Response.Type.GET_MAINTENANCE_STATUS)
          .setGetMaintenanceStatus(Response.GetMaintenanceStatus.newBuilder().setStatus(master.maintenanceStatus())));
      case GET_MAINTENANCE_SCHEDULE -> reply(ctx, accept, Response.newBuilder().setType(Response.Type.GET_MAINTENANCE_SCHEDULE)
          .setGetMaintenanceSchedule(Response.GetMaintenanceSchedule.newBuilder().setSchedule(master.maintenanceSchedule())));
      case TEARDOWN -> {
        if (!call.hasTeardown()) {
          MesosHttp.text(ctx, 400, "Failed to validate master::Call: Expecting 'teardown' to be present");
        } else if (master.teardown(call.getTeardown().getFrameworkId().getValue())) {
          MesosHttp.text(ctx, 200, "");
        } else {
          MesosHttp.text(ctx, 400, "No framework found with specified ID");
        }
      }
      case MARK_AGENT_GONE -> agentCall(ctx, call.hasMarkAgentGone(), "mark_agent_gone",
          () -> master.agents().markGone(call.getMarkAgentGone().getAgentId().getValue()));
      case DEACTIVATE_AGENT -> agentCall(ctx, call.hasDeactivateAgent(), "deactivate_agent",
          () -> master.agents().setActive(call.getDeactivateAgent().getAgentId().getValue(), false));
      case REACTIVATE_AGENT -> agentCall(ctx, call.hasReactivateAgent(), "reactivate_agent",
          () -> master.agents().setActive(call.getReactivateAgent().getAgentId().getValue(), true));
      case DRAIN_AGENT -> agentCall(ctx, call.hasDrainAgent(), "drain_agent", () -> {
        Call.DrainAgent d = call.getDrainAgent();
        Long grace = d.hasMaxGracePeriod() ? d.getMaxGracePeriod().getSeconds() * 1_000_000_000L + d.getMaxGracePeriod().getNanos() : null;
        return master.agents().drain(d.getAgentId().getValue(), org.apache.mesos.v1.Protos.DrainInfo.newBuilder()
            .setState(org.apache.mesos.v1.Protos.DrainState.DRAINING)
            .setConfig(org.apache.mesos.v1.Protos.DrainConfig.newBuilder().setMarkGone(d.getMarkGone())
                .setMaxGracePeriod(DurationInfo.newBuilder().setNanoseconds(grace == null ? 0 : grace)))
            .build(), grace);
      });
      case RESERVE_RESOURCES -> {
        Master.OperatorResult r = master.reserveResources(call.getReserveResources().getAgentId().getValue(),
            call.getReserveResources().getResourcesList());
        MesosHttp.text(ctx, r.status(), r.message());
      }
      case UNRESERVE_RESOURCES -> {
        Master.OperatorResult r = master.unreserveResources(call.getUnreserveResources().getAgentId().getValue(),
            call.getUnreserveResources().getResourcesList());
        MesosHttp.text(ctx, r.status(), r.message());
      }
      case CREATE_VOLUMES -> operatorResult(ctx, master.createVolumes(call.getCreateVolumes().getAgentId().getValue(),
          call.getCreateVolumes().getVolumesList()));
      case DESTROY_VOLUMES -> operatorResult(ctx, master.destroyVolumes(call.getDestroyVolumes().getAgentId().getValue(),
          call.getDestroyVolumes().getVolumesList()));
      case GROW_VOLUME -> operatorResult(ctx, master.growVolume(call.getGrowVolume().getAgentId().getValue(),
          call.getGrowVolume().getVolume(), call.getGrowVolume().getAddition()));
      case SHRINK_VOLUME -> operatorResult(ctx, master.shrinkVolume(call.getShrinkVolume().getAgentId().getValue(),
          call.getShrinkVolume().getVolume(), call.getShrinkVolume().getSubtract()));
      case UPDATE_MAINTENANCE_SCHEDULE -> operatorResult(ctx, master.updateMaintenanceSchedule(call.getUpdateMaintenanceSchedule().getSchedule()));
      case START_MAINTENANCE -> operatorResult(ctx, master.startMaintenance(call.getStartMaintenance().getMachinesList()));
      case STOP_MAINTENANCE -> operatorResult(ctx, master.stopMaintenance(call.getStopMaintenance().getMachinesList()));
      default -> MesosHttp.text(ctx, 501, "Call type " + call.getType() + " is not supported by this master");
    }
  }

  /** Mesos's operator call validation: a type, and the sub-message the type names when it needs one. */
  static String validate(Call call) {
    if (!call.hasType() || call.getType() == Call.Type.UNKNOWN) {
      return "Expecting 'type' to be present";
    }
    boolean present = switch (call.getType()) {
      case SET_LOGGING_LEVEL -> call.hasSetLoggingLevel();
      case LIST_FILES -> call.hasListFiles();
      case READ_FILE -> call.hasReadFile();
      case UPDATE_WEIGHTS -> call.hasUpdateWeights();
      case RESERVE_RESOURCES -> call.hasReserveResources();
      case UNRESERVE_RESOURCES -> call.hasUnreserveResources();
      case CREATE_VOLUMES -> call.hasCreateVolumes();
      case DESTROY_VOLUMES -> call.hasDestroyVolumes();
      case GROW_VOLUME -> call.hasGrowVolume();
      case SHRINK_VOLUME -> call.hasShrinkVolume();
      case UPDATE_MAINTENANCE_SCHEDULE -> call.hasUpdateMaintenanceSchedule();
      case START_MAINTENANCE -> call.hasStartMaintenance();
      case STOP_MAINTENANCE -> call.hasStopMaintenance();
      case UPDATE_QUOTA -> call.hasUpdateQuota();
      case SET_QUOTA -> call.hasSetQuota();
      case REMOVE_QUOTA -> call.hasRemoveQuota();
      case TEARDOWN -> call.hasTeardown();
      case MARK_AGENT_GONE -> call.hasMarkAgentGone();
      case DRAIN_AGENT -> call.hasDrainAgent();
      case DEACTIVATE_AGENT -> call.hasDeactivateAgent();
      case REACTIVATE_AGENT -> call.hasReactivateAgent();
      default -> true;
    };
    if (!present) {
      return "Expecting '" + call.getType().name().toLowerCase(java.util.Locale.ROOT) + "' to be present";
    }
    return null;
  }

  private interface AgentAction {
    boolean run();
  }

  private static void agentCall(RoutingContext ctx, boolean present, String field, AgentAction action) {
    if (!present) {
      MesosHttp.text(ctx, 400, "Failed to validate master::Call: Expecting '" + field + "' to be present");
    } else if (action.run()) {
      MesosHttp.text(ctx, 200, "");
    } else {
      MesosHttp.text(ctx, 404, "Unknown agent");
    }
  }

  private void updateWeights(RoutingContext ctx, Master master, Call call) {
    Map<String, Double> update = new HashMap<>();
    for (WeightInfo w : call.getUpdateWeights().getWeightInfosList()) {
      String problem = Validation.role(w.getRole());
      if (problem != null || !(w.getWeight() > 0) || Double.isInfinite(w.getWeight())) {
        MesosHttp.text(ctx, 400, "Failed to validate master::Call: "
            + (problem != null ? problem : "Weight of role '" + w.getRole() + "' must be a positive number"));
        return;
      }
      update.put(w.getRole(), w.getWeight());
    }
    master.updateWeights(update);
    MesosHttp.text(ctx, 200, "");
  }

  private void updateQuota(RoutingContext ctx, Master master, List<org.apache.mesos.v1.quota.Protos.QuotaConfig> configs) {
    for (var config : configs) {
      String problem = Validation.role(config.getRole());
      if (problem == null && config.getRole().equals("*")) {
        problem = "Cannot set quota on the default role '*'";
      }
      if (problem == null) {
        try {
          Master.quotaLimit(config);
        } catch (IllegalArgumentException e) {
          problem = "Invalid quota limits for role '" + config.getRole() + "': " + e.getMessage();
        }
      }
      if (problem != null) {
        MesosHttp.text(ctx, 400, "Failed to validate master::Call: " + problem);
        return;
      }
    }
    configs.forEach(master::updateQuota);
    MesosHttp.text(ctx, 200, "");
  }

  private void subscribe(RoutingContext ctx, Master master, String accept) {
    if (subscribers.size() >= MAX_SUBSCRIBERS) {
      MesosHttp.text(ctx, 503, "Too many subscribers");
      return;
    }
    HttpServerResponse response = ctx.response().setChunked(true).setStatusCode(200).putHeader("content-type", accept);
    Subscriber s = new Subscriber(response, accept);
    if (accept.equals(MesosHttp.JSON)) {
      Buffer json = StateJson.subscribedEvent(master);
      response.write(Buffer.buffer(json.length() + "\n"));
      MesosHttp.writeLarge(response, json);
    } else {
      s.send(Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed.newBuilder()
          .setGetState(StateViews.state(master))
          .setHeartbeatIntervalSeconds(master.heartbeatSeconds())).build());
    }
    subscribers.add(s);
    response.closeHandler(v -> subscribers.remove(s));
    ctx.request().connection().closeHandler(v -> subscribers.remove(s));
  }

  private static void operatorResult(RoutingContext ctx, Master.OperatorResult result) {
    MesosHttp.text(ctx, result.status(), result.message());
  }

  private static void reply(RoutingContext ctx, String accept, Response.Builder response) {

    ctx.response().setStatusCode(200).putHeader("content-type", accept).end(MesosHttp.encode(response.build(), accept));
  }

  static VersionInfo version() {
    return VersionInfo.newBuilder().setVersion(Master.VERSION).setBuildDate("2026-11-25").setBuildTime(1795651200)
        .setBuildUser("mezzo").build();
  }
}
