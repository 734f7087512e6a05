package io.mezzo.agent;

import io.mezzo.mesos.proto.RecordIO;
import io.mezzo.mesos.proto.RecordIOException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.apache.mesos.v1.agent.Protos.Call;
import org.apache.mesos.v1.agent.Protos.ProcessIO;

/**
 * The streaming calls of the agent API over HTTP: {@code LAUNCH_NESTED_CONTAINER_SESSION} and
 * {@code ATTACH_CONTAINER_OUTPUT} answer {@code 200} with a RecordIO stream of ProcessIO messages
 * ({@code Accept: application/recordio}, {@code Message-Accept} JSON or protobuf) that ends with
 * the session; {@code ATTACH_CONTAINER_INPUT} is a RecordIO request stream (first the container
 * id, then ProcessIO data for stdin; empty data ends the input) answered {@code 200} when it ends.
 */
final class SessionHttp {
  /** Stdin writes in flight before the input stream is paused. */
  static final int MAX_PENDING_WRITES = 16;
  /** Largest input record accepted. */
  static final int MAX_RECORD = 1 << 20;

  private final NestedSessions sessions;

  SessionHttp(NestedSessions sessions) {
    this.sessions = sessions;
  }

  /** Whether an Accept header allows RecordIO. */
  static boolean acceptsRecordIo(String header) {
    if (header == null || header.isBlank()) {
      return false;
    }
    for (String part : header.split(",")) {
      String media = part.split(";")[0].trim().toLowerCase();
      if (media.equals(AgentHttp.RECORDIO) || media.equals("*/*") || media.equals("application/*")) {
        return !part.replace(" ", "").matches(".*;q=0(\\.0{0,3})?$");
      }
    }
    return false;
  }

  void streamingCall(RoutingContext ctx, Call call) {
    if (!acceptsRecordIo(ctx.request().getHeader("accept"))) {
      MesosWire.text(ctx, 406, "Expecting 'Accept' to allow " + AgentHttp.RECORDIO);
      return;
    }
    String messages = MesosWire.accept(ctx.request().getHeader("message-accept"));
    if (messages == null) {
      MesosWire.text(ctx, 406, "Expecting 'Message-Accept' to allow " + MesosWire.JSON + " or " + MesosWire.PROTOBUF);
      return;
    }
    HttpServerResponse response = ctx.response();
    ResponseSink sink = new ResponseSink(response, messages);
    try {
      if (call.getType() == Call.Type.ATTACH_CONTAINER_OUTPUT) {
        if (!call.hasAttachContainerOutput()) {
          throw new IllegalArgumentException("Failed to validate agent::Call: Expecting 'attach_container_output' to be present");
        }
        NestedSessions.Session session = sessions.find(call.getAttachContainerOutput().getContainerId());
        if (session == null) {
          throw new ContainerApi.NotFound(call.getAttachContainerOutput().getContainerId().getValue());
        }
        start(response, messages);
        session.attach(sink);
        sink.onClose = () -> session.detach(sink);
        return;
      }
      if (!call.hasLaunchNestedContainerSession()) {
        throw new IllegalArgumentException(
            "Failed to validate agent::Call: Expecting 'launch_nested_container_session' to be present");
      }
      Call.LaunchNestedContainerSession launch = call.getLaunchNestedContainerSession();
      org.apache.mesos.v1.Protos.TTYInfo tty = launch.hasContainer() && launch.getContainer().hasTtyInfo()
          ? launch.getContainer().getTtyInfo() : null;
      sessions.launch(launch.getContainerId(), launch.getCommand(), tty, sink).onComplete(ar -> {
        if (ar.failed()) {
          AgentHttp.fail(ctx, ar.cause());
          return;
        }
        NestedSessions.Session session = ar.result();
        if (response.closed()) {
          session.signal(9);
          return;
        }
        start(response, messages);
        // the session's client went away: its command goes too, as Mesos destroys the nested container
        sink.onClose = () -> session.signal(9);
      });
    } catch (RuntimeException e) {
      AgentHttp.fail(ctx, e);
    }
  }

  /** A session's output stream: RecordIO records on a chunked response, with the response's back-pressure. */
  private static final class ResponseSink implements NestedSessions.Sink {
    private final HttpServerResponse response;
    private final String messages;
    private final List<Runnable> waiting = new java.util.ArrayList<>();
    /** Runs when the client goes away. */
    Runnable onClose = () -> { };

    ResponseSink(HttpServerResponse response, String messages) {
      this.response = response;
      this.messages = messages;
      response.closeHandler(v -> {
        onClose.run();
        resume();
      });
      response.drainHandler(v -> resume());
    }

    private void resume() {
      List<Runnable> now = new java.util.ArrayList<>(waiting);
      waiting.clear();
      now.forEach(Runnable::run);
    }

    @Override
    public void send(ProcessIO record) {
      if (!response.closed() && !response.ended()) {
        response.write(Buffer.buffer(RecordIO.encode(MesosWire.encode(record, messages).getBytes())));
      }
    }

    @Override
    public void end() {
      if (!response.closed() && !response.ended()) {
        response.end();
      }
      resume();
    }

    @Override
    public boolean full() {
      return !response.closed() && !response.ended() && response.writeQueueFull();
    }

    @Override
    public void whenWritable(Runnable then) {
      waiting.add(then);
    }
  }

  private static void start(HttpServerResponse response, String messages) {
    response.setChunked(true).putHeader("content-type", AgentHttp.RECORDIO).putHeader("message-content-type", messages);
    response.writeHead();
  }

  /** ATTACH_CONTAINER_INPUT: reads the request stream record by record. */
  void attachInput(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String messages = request.getHeader("message-content-type");
    String encoding = messages == null ? null : messages.split(";")[0].trim().toLowerCase();
    if (encoding == null || !encoding.equals(MesosWire.JSON) && !encoding.equals(MesosWire.PROTOBUF)) {
      MesosWire.text(ctx, 415, "Expecting 'Message-Content-Type' of " + MesosWire.JSON + " or " + MesosWire.PROTOBUF);
      return;
    }
    RecordIO.Decoder decoder = new RecordIO.Decoder(MAX_RECORD);
    NestedSessions.Session[] session = new NestedSessions.Session[1];
    boolean[] failed = new boolean[1];
    int[] pending = new int[1];
    Runnable refuse = () -> {
      failed[0] = true;
      if (session[0] != null) {
        session[0].inputEnded();
      }
    };
    request.handler(chunk -> {
      if (failed[0]) {
        return;
      }
      try {
        List<byte[]> records = decoder.feed(chunk.getBytes());
        for (byte[] record : records) {
          Call call = MesosWire.parse(Buffer.buffer(record), encoding, Call.getDefaultInstance());
          if (call.getType() != Call.Type.ATTACH_CONTAINER_INPUT || !call.hasAttachContainerInput()) {
            throw new IllegalArgumentException("Expecting every record to be an 'ATTACH_CONTAINER_INPUT' call");
          }
          Call.AttachContainerInput in = call.getAttachContainerInput();
          if (session[0] == null) {
            if (in.getType() != Call.AttachContainerInput.Type.CONTAINER_ID || !in.hasContainerId()) {
              throw new IllegalArgumentException("Expecting the first 'attach_container_input' to carry 'container_id'");
            }
            session[0] = sessions.find(in.getContainerId());
            if (session[0] == null) {
              throw new ContainerApi.NotFound(in.getContainerId().getValue());
            }
            continue;
          }
          if (in.getType() != Call.AttachContainerInput.Type.PROCESS_IO || !in.hasProcessIo()) {
            throw new IllegalArgumentException("Expecting 'attach_container_input.process_io' after the container id");
          }
          ProcessIO io = in.getProcessIo();
          if (io.getType() == ProcessIO.Type.DATA && io.hasData() && io.getData().getType() == ProcessIO.Data.Type.STDIN) {
            if (++pending[0] >= MAX_PENDING_WRITES) {
              request.pause();
            }
            session[0].write(io.getData().getData()).onComplete(v -> {
              if (--pending[0] < MAX_PENDING_WRITES && !failed[0]) {
                request.resume();
              }
            });
          } else if (io.getType() == ProcessIO.Type.DATA) {
            throw new IllegalArgumentException("Expecting 'process_io.data.type' to be 'STDIN'");
          }
          // CONTROL records (heartbeats, TTY sizes) need nothing here
        }
      } catch (RecordIOException | IllegalArgumentException e) {
        refuse.run();
        MesosWire.text(ctx, 400, e.getMessage());
      } catch (ContainerApi.NotFound e) {
        refuse.run();
        MesosWire.text(ctx, 404, e.getMessage());
      }
    });
    request.exceptionHandler(e -> refuse.run());
    request.endHandler(v -> {
      if (failed[0]) {
        return;
      }
      if (session[0] == null || decoder.hasPartialRecord()) {
        refuse.run();
        MesosWire.text(ctx, 400, session[0] == null ? "Expecting an 'ATTACH_CONTAINER_INPUT' record with 'container_id'"
            : "The input stream ended inside a record");
        return;
      }
      session[0].inputEnded();
      ctx.response().setStatusCode(200).end();
    });
    request.resume();
  }
}
