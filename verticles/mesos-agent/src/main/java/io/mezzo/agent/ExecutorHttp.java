package io.mezzo.agent;

import io.mezzo.mesos.proto.RecordIO;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.apache.mesos.v1.executor.Protos.Call;
import org.apache.mesos.v1.executor.Protos.Event;

/**
 * The v1 executor HTTP API, {@code POST /api/v1/executor}: SUBSCRIBE opens a RecordIO stream of
 * events (JSON or protobuf, as the Accept header asks); UPDATE, MESSAGE and HEARTBEAT answer 202.
 * A call that does not parse or lacks its required fields answers 400 with the reason, in
 * Mesos's plain-text error format.
 */
final class ExecutorHttp {
  private final TaskManager tasks;

  ExecutorHttp(TaskManager tasks) {
    this.tasks = tasks;
  }

  void mount(Router router) {
    router.route("/api/v1/executor").handler(BodyHandler.create().setBodyLimit(16 << 20));
    router.route("/api/v1/executor").handler(this::handle);
  }

  private void handle(RoutingContext ctx) {
    MesosWire.Admitted<Call> admitted = MesosWire.call(ctx, Call.getDefaultInstance());
    if (admitted == null) {
      return;
    }
    Call call = admitted.call();
    String problem = validate(call);
    if (problem != null) {
      MesosWire.text(ctx, 400, "Failed to validate executor::Call: " + problem);
      return;
    }
    String fid = call.getFrameworkId().getValue();
    String eid = call.getExecutorId().getValue();
    switch (call.getType()) {
      case SUBSCRIBE -> subscribe(ctx, fid, eid, admitted.encoding(), call.getSubscribe());
      case UPDATE -> answer(ctx, tasks.executorUpdate(fid, eid, call.getUpdate().getStatus()));
      case MESSAGE -> answer(ctx, tasks.executorMessage(fid, eid, call.getMessage().getData()));
      default -> answer(ctx, tasks.knownExecutor(fid, eid));
    }
  }

  static String validate(Call call) {
    if (!call.hasType() || call.getType() == Call.Type.UNKNOWN) {
      return "Expecting 'type' to be present";
    }
    if (!call.hasFrameworkId() || call.getFrameworkId().getValue().isEmpty()) {
      return "Expecting 'framework_id' to be present";
    }
    if (!call.hasExecutorId() || call.getExecutorId().getValue().isEmpty()) {
      return "Expecting 'executor_id' to be present";
    }
    return switch (call.getType()) {
      case SUBSCRIBE -> call.hasSubscribe() ? null : "Expecting 'subscribe' to be present";
      case UPDATE -> !call.hasUpdate() || !call.getUpdate().hasStatus() ? "Expecting 'update' to be present"
          : !call.getUpdate().getStatus().hasUuid() ? "Expecting 'uuid' to be present"
          : !call.getUpdate().getStatus().hasTaskId() ? "Expecting 'task_id' to be present"
          : call.getUpdate().getStatus().getState() == org.apache.mesos.v1.Protos.TaskState.TASK_STAGING
              ? "Executors cannot send TASK_STAGING updates" : null;
      case MESSAGE -> call.hasMessage() ? null : "Expecting 'message' to be present";
      default -> null;
    };
  }

  private static void answer(RoutingContext ctx, String problem) {
    if (problem != null) {
      MesosWire.text(ctx, 400, problem);
    } else {
      ctx.response().setStatusCode(202).end();
    }
  }

  private void subscribe(RoutingContext ctx, String fid, String eid, String encoding, Call.Subscribe subscribe) {
    HttpServerResponse response = ctx.response();
    String problem = tasks.knownExecutor(fid, eid);
    if (problem != null) {
      MesosWire.text(ctx, 400, problem);
      return;
    }
    response.setStatusCode(200).setChunked(true).putHeader("content-type", encoding);
    ExecutorRun.Stream stream = new ExecutorRun.Stream() {
      @Override
      public void send(Event event) {
        if (!response.ended() && !response.closed()) {
          byte[] bytes = encoding.equals(MesosWire.JSON) ? RecordIO.encode(io.mezzo.mesos.proto.MesosJson.print(event))
              : RecordIO.encode(event.toByteArray());
          response.write(Buffer.buffer(bytes));
        }
      }

      @Override
      public void close() {
        if (!response.ended() && !response.closed()) {
          response.end();
        }
      }
    };
    response.closeHandler(v -> tasks.executorDisconnected(fid, eid, stream));
    tasks.executorSubscribed(fid, eid, stream, subscribe);
  }
}
