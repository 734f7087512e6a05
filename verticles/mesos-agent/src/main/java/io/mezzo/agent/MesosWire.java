package io.mezzo.agent;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.proto.MesosJsonException;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;

/**
 * The parts of Mesos's v1 HTTP conventions the agent API needs: plain-text errors, the
 * 405/400/415/406 ladder and JSON or protobuf bodies.
 */
final class MesosWire {
  static final String JSON = "application/json";
  static final String PROTOBUF = "application/x-protobuf";

  private MesosWire() {
  }

  static void text(RoutingContext ctx, int status, String body) {
    ctx.response().setStatusCode(status).putHeader("content-type", "text/plain; charset=utf-8").end(body);
  }

  /** The request's encoding after the 405/400/415/406 checks, or null when an error was sent. Sets the response encoding. */
  static String[] admit(RoutingContext ctx) {
    if (ctx.request().method() != io.vertx.core.http.HttpMethod.POST) {
      ctx.response().putHeader("allow", "POST");
      text(ctx, 405, "Expecting a 'POST' request, received '" + ctx.request().method() + "'");
      return null;
    }
    String type = ctx.request().getHeader("content-type");
    if (type == null) {
      text(ctx, 400, "Expecting 'Content-Type' to be present");
      return null;
    }
    String base = type.split(";")[0].trim().toLowerCase();
    if (!base.equals(JSON) && !base.equals(PROTOBUF)) {
      text(ctx, 415, "Expecting 'Content-Type' of " + JSON + " or " + PROTOBUF);
      return null;
    }
    String accept = accept(ctx.request().getHeader("accept"));
    if (accept == null) {
      text(ctx, 406, "Expecting 'Accept' to allow " + JSON + " or " + PROTOBUF);
      return null;
    }
    return new String[] {base, accept};
  }

  /** The response encoding an Accept header allows (JSON preferred), or null. */
  static String accept(String header) {
    if (header == null || header.isBlank()) {
      return JSON;
    }
    boolean json = false;
    boolean proto = false;
    for (String part : header.split(",")) {
      String[] pieces = part.trim().split(";");
      String media = pieces[0].trim().toLowerCase();
      boolean refused = false;
      for (int i = 1; i < pieces.length; i++) {
        refused |= pieces[i].trim().replace(" ", "").matches("q=0(\\.0{0,3})?");
      }
      if (!refused) {
        json |= media.equals(JSON) || media.equals("application/*") || media.equals("*/*");
        proto |= media.equals(PROTOBUF) || media.equals("application/*") || media.equals("*/*");
      }
    }
    return json ? JSON : proto ? PROTOBUF : null;
  }

  /** Parses a body; throws IllegalArgumentException with Mesos's message when it does not parse. */
  @SuppressWarnings("unchecked")
  static <M extends Message> M parse(Buffer body, String encoding, M prototype) {
    try {
      Message.Builder b = prototype.newBuilderForType();
      if (encoding.equals(PROTOBUF)) {
        b.mergeFrom(body == null ? new byte[0] : body.getBytes());
      } else {
        MesosJson.merge(body == null ? "" : body.toString(StandardCharsets.UTF_8), b, true);
      }
      return (M) b.build();
    } catch (InvalidProtocolBufferException | MesosJsonException | com.google.protobuf.UninitializedMessageException e) {
      throw new IllegalArgumentException("Failed to parse body into Call: " + e.getMessage());
    }
  }

  /** A call admitted (405/400/415/406 ladder) and parsed, with the answer's encoding. */
  record Admitted<M extends Message>(M call, String encoding) {
  }

  /** Admits and parses a v1 call, or answers the error (and returns null). */
  static <M extends Message> Admitted<M> call(RoutingContext ctx, M prototype) {
    String[] encodings = admit(ctx);
    if (encodings == null) {
      return null;
    }
    try {
      return new Admitted<>(parse(ctx.body().buffer(), encodings[0], prototype), encodings[1]);
    } catch (IllegalArgumentException e) {
      text(ctx, 400, e.getMessage());
      return null;
    }
  }

  static Buffer encode(Message m, String encoding) {
    return encoding.equals(PROTOBUF) ? Buffer.buffer(m.toByteArray()) : Buffer.buffer(MesosJson.print(m));
  }
}
