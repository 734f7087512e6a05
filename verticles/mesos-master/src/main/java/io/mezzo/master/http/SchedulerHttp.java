package io.mezzo.master.http;

import io.mezzo.master.core.FrameworkChannel;
import io.mezzo.master.core.Master;
import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.proto.RecordIO;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/** {@code POST /api/v1/scheduler}: the v1 scheduler API. */
public final class SchedulerHttp {
  private final Leadership leadership;

  public SchedulerHttp(Leadership leadership) {
    this.leadership = leadership;
  }

  public void handle(RoutingContext ctx) {
    MesosHttp.Admitted<Call> admitted = MesosHttp.admitCall(ctx, leadership, Call.getDefaultInstance(), "scheduler::Call", SchedulerHttp::validate);
    if (admitted == null) {
      return;
    }
    Master master = leadership.leading().orElseThrow();
    Call call = admitted.call();
    if (call.getType() == Call.Type.SUBSCRIBE) {
      subscribe(ctx, master, call);
      return;
    }
    Master.CallResult result = master.call(call, ctx.request().getHeader("Mesos-Stream-Id"));
    MesosHttp.text(ctx, result.status(), result.body());
  }

  private void subscribe(RoutingContext ctx, Master master, Call call) {
    String accept = MesosHttp.accept(ctx, MesosHttp.JSON);
    if (accept == null) {
      MesosHttp.text(ctx, 406, "Expecting 'Accept' to allow " + MesosHttp.JSON + " or " + MesosHttp.PROTOBUF);
      return;
    }
    if (ctx.request().getHeader("Mesos-Stream-Id") != null) {
      MesosHttp.text(ctx, 400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
      return;
    }
    HttpServerResponse response = ctx.response();
    String streamId = UUID.randomUUID().toString();
    StreamChannel channel = new StreamChannel(response, streamId, accept);
    response.setChunked(true).setStatusCode(200).putHeader("content-type", accept).putHeader("Mesos-Stream-Id", streamId)
        .putHeader("cache-control", "no-cache");
    Master.SubscribeResult result = master.subscribe(call.getSubscribe(), channel);
    if (result.error() != null) {
      response.setChunked(false).headers().remove("Mesos-Stream-Id");
      MesosHttp.text(ctx, result.status(), result.error());
      return;
    }
    String frameworkId = result.frameworkId();
    ctx.request().connection().closeHandler(v -> leadership.leading().ifPresent(m -> m.disconnected(frameworkId, channel)));
    response.closeHandler(v -> leadership.leading().ifPresent(m -> m.disconnected(frameworkId, channel)));
  }

  /** Mesos's scheduler call validation: the sub-message named by the type must be there. */
  static String validate(Call call) {
    if (!call.hasType()) {
      return "Expecting 'type' to be present";
    }
    if (call.getType() == Call.Type.SUBSCRIBE) {
      if (!call.hasSubscribe()) {
        return "Expecting 'subscribe' to be present";
      }
      var fi = call.getSubscribe().getFrameworkInfo();
      if (call.hasFrameworkId() && !(fi.hasId() && fi.getId().equals(call.getFrameworkId()))) {
        return "'framework_id' differs from 'subscribe.framework_info.id'";
      }
      return null;
    }
    if (!call.hasFrameworkId()) {
      return "Expecting 'framework_id' to be present";
    }
    return switch (call.getType()) {
      case ACCEPT -> call.hasAccept() ? null : "Expecting 'accept' to be present";
      case DECLINE -> call.hasDecline() ? null : "Expecting 'decline' to be present";
      case KILL -> call.hasKill() ? null : "Expecting 'kill' to be present";
      case SHUTDOWN -> call.hasShutdown() ? null : "Expecting 'shutdown' to be present";
      case ACKNOWLEDGE -> !call.hasAcknowledge() ? "Expecting 'acknowledge' to be present"
          : call.getAcknowledge().getUuid().size() != 16 ? "Not a valid UUID" : null;
      case RECONCILE -> call.hasReconcile() ? null : "Expecting 'reconcile' to be present";
      case MESSAGE -> call.hasMessage() ? null : "Expecting 'message' to be present";
      case UPDATE_FRAMEWORK -> call.hasUpdateFramework() ? null : "Expecting 'update_framework' to be present";
      default -> null;
    };
  }

  /** A framework's SUBSCRIBE response, written as RecordIO. */
  static final class StreamChannel implements FrameworkChannel {
    private final HttpServerResponse response;
    private final String streamId;
    private final String encoding;
    private boolean closed;

    StreamChannel(HttpServerResponse response, String streamId, String encoding) {
      this.response = response;
      this.streamId = streamId;
      this.encoding = encoding;
    }

    @Override
    public String streamId() {
      return streamId;
    }

    @Override
    public void send(Event event) {
      if (closed || response.closed()) {
        return;
      }
      byte[] record = encoding.equals(MesosHttp.PROTOBUF) ? event.toByteArray() : MesosJson.print(event).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      response.write(Buffer.buffer(RecordIO.encode(record)));
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        if (!response.ended() && !response.closed()) {
          response.end();
        }
      }
    }
  }
}
