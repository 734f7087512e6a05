package io.mezzo.master.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.proto.MesosJsonException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;

/**
 * The request ladder shared by Mesos's v1 endpoints, in Mesos's order: 307 to the leader (503 when
 * none), 503 while recovering, 405 unless POST, 400 without Content-Type, 415 for other types, 400
 * for a body that does not parse; and the encodings: JSON (Mesos style) or protobuf.
 */
public final class MesosHttp {
  public static final String JSON = "application/json";
  public static final String PROTOBUF = "application/x-protobuf";
  public static final String RECORDIO = "application/recordio";

  private MesosHttp() {
  }

  /** Plain-text answer, as libprocess gives errors. */
  public static void text(RoutingContext ctx, int status, String body) {
    HttpServerResponse r = ctx.response().setStatusCode(status);
    if (!body.isEmpty()) {
      r.putHeader("content-type", "text/plain; charset=utf-8");
    }
    r.end(body);
  }

  /**
   * Applies the ladder up to and including Content-Type; returns the request's encoding, or null when
   * an answer was already sent.
   */
  public static String admit(RoutingContext ctx, Leadership leadership) {
    if (leadership.leading().isEmpty()) {
      if (leadership.recovering()) {
        text(ctx, 503, "Master has not finished recovery");
        return null;
      }
      var leader = leadership.leaderAddress();
      if (leader.isEmpty()) {
        text(ctx, 503, "No leader elected");
      } else {
        ctx.response().setStatusCode(307).putHeader("location", "//" + leader.get() + ctx.request().uri()).end();
      }
      return null;
    }
    if (ctx.request().method() != HttpMethod.POST) {
      ctx.response().putHeader("allow", "POST");
      text(ctx, 405, "Expecting a 'POST' request, received '" + ctx.request().method() + "'");
      return null;
    }
    String type = ctx.request().getHeader("content-type");
    if (type == null) {
      text(ctx, 400, "Expecting 'Content-Type' to be present");
      return null;
    }
    String base = mediaType(type);
    if (!base.equals(JSON) && !base.equals(PROTOBUF)) {
      text(ctx, 415, "Expecting 'Content-Type' of " + JSON + " or " + PROTOBUF);
      return null;
    }
    return base;
  }

  /**
   * The failure handler of the Mesos routes: answers in plain text like the rest of the ladder. A body
   * above the limit (vertx-web's body handler fails with 413) gets 413; anything unexpected is logged
   * and answered 500.
   */
  public static io.vertx.core.Handler<RoutingContext> failures(long maxBodyBytes) {
    return ctx -> {
      if (ctx.response().headWritten()) {
        ctx.response().reset();
        return;
      }
      if (ctx.statusCode() == 413) {
        text(ctx, 413, "Request body is larger than " + maxBodyBytes + " bytes");
      } else if (ctx.failure() instanceof BadBody bad) {
        text(ctx, 400, bad.getMessage());
      } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
        text(ctx, ctx.statusCode(), "Bad request");
      } else {
        LOG.log(java.util.logging.Level.WARNING, "Unhandled failure on " + ctx.request().method() + " " + ctx.normalizedPath(),
            ctx.failure());
        text(ctx, 500, "Internal server error");
      }
    };
  }

  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(MesosHttp.class.getName());

  /** The media type of a header value without its parameters, lower case ({@code ";;"} gives ""). */
  static String mediaType(String headerValue) {
    int semicolon = headerValue.indexOf(';');
    return (semicolon < 0 ? headerValue : headerValue.substring(0, semicolon)).trim().toLowerCase(java.util.Locale.ROOT);
  }

  /** A request that passed the ladder: its encoding and its parsed, validated call. */
  public record Admitted<M>(String encoding, M call) {
  }

  /**
   * The whole ladder up to a validated call: leadership, method, Content-Type, parsing (400 "Failed
   * to parse ..."), then {@code validator} (400 "Failed to validate {@code what}: ..."). Returns null
   * when an answer was already sent.
   */
  public static <M extends Message> Admitted<M> admitCall(RoutingContext ctx, Leadership leadership, M prototype,
                                                          String what, java.util.function.Function<M, String> validator) {
    String encoding = admit(ctx, leadership);
    if (encoding == null) {
      return null;
    }
    M call;
    try {
      call = parse(ctx.body().buffer(), encoding, prototype, what);
    } catch (BadBody e) {
      text(ctx, 400, e.getMessage());
      return null;
    }
    String invalid = validator.apply(call);
    if (invalid != null) {
      text(ctx, 400, "Failed to validate " + what + ": " + invalid);
      return null;
    }
    return new Admitted<>(encoding, call);
  }

  /** The response encoding an {@code Accept} header asks for (JSON preferred), or null when neither is acceptable. */
  public static String accept(RoutingContext ctx, String defaultType) {
    String accept = ctx.request().getHeader("accept");
    if (accept == null || accept.isBlank()) {
      return defaultType;
    }
    boolean json = false;
    boolean proto = false;
    for (String part : accept.split(",")) {
      String[] pieces = part.trim().split(";", -1);
      String media = mediaType(part);
      boolean refused = false;
      for (int i = 1; i < pieces.length; i++) {
        String p = pieces[i].trim().replace(" ", "");
        if (p.equals("q=0") || p.equals("q=0.0") || p.equals("q=0.00") || p.equals("q=0.000")) {
          refused = true;
        }
      }
      if (refused) {
        continue;
      }
      json |= media.equals(JSON) || media.equals("application/*") || media.equals("*/*");
      proto |= media.equals(PROTOBUF) || media.equals("application/*") || media.equals("*/*");
    }
    return json ? JSON : proto ? PROTOBUF : null;
  }

  /** Parses a body in the given encoding; throws {@link BadBody} with Mesos's message on failure. */
  @SuppressWarnings("unchecked")
  public static <M extends Message> M parse(Buffer body, String encoding, M prototype, String what) {
    try {
      Message.Builder builder;
      if (encoding.equals(PROTOBUF)) {
        builder = prototype.newBuilderForType().mergeFrom(body == null ? new byte[0] : body.getBytes());
      } else {
        String text = body == null ? "" : body.toString(StandardCharsets.UTF_8);
        builder = MesosJson.merge(text, prototype.newBuilderForType(), true);
      }
      if (!builder.isInitialized()) {
        throw new BadBody("Failed to parse body into " + what + ": missing required fields "
            + String.join(", ", builder.findInitializationErrors()));
      }
      return (M) builder.build();
    } catch (InvalidProtocolBufferException e) {
      throw new BadBody("Failed to parse body into " + what + ": " + e.getMessage());
    } catch (MesosJsonException e) {
      throw new BadBody("Failed to parse body into " + what + ": " + e.getMessage());
    } catch (RuntimeException e) {
      // e.g. a nested message missing a required field, found while the JSON is merged
      throw new BadBody("Failed to parse body into " + what + ": " + e.getMessage());
    }
  }

  /** Slices of a large answer are handed to the connection one by one (see {@link #writeLarge}). */
  static final int SLICE = 1 << 20;

  /**
   * Ends {@code response} with {@code body} (and a Content-Length). A body of many megabytes (a
   * GET_STATE of 100,000 tasks) is written in 1 MiB slices of the same memory: handed over whole,
   * the connection would first copy it into one direct buffer as large as the body.
   */
  public static void endLarge(io.vertx.core.http.HttpServerResponse response, Buffer body) {
    if (body.length() <= SLICE) {
      response.end(body);
      return;
    }
    response.putHeader(io.vertx.core.http.HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()));
    writeLarge(response, body);
    response.end();
  }

  /** Writes {@code body} to a response or stream in 1 MiB slices of the same memory. */
  public static void writeLarge(io.vertx.core.http.HttpServerResponse response, Buffer body) {
    for (int i = 0; i < body.length(); i += SLICE) {
      response.write(body.slice(i, Math.min(body.length(), i + SLICE)));
    }
  }

  /** Encodes a message for a response body (protobuf bytes are wrapped, not copied: a GET_STATE is tens of MB). */
  public static Buffer encode(Message message, String encoding) {
    return encoding.equals(PROTOBUF)
        ? io.vertx.core.internal.buffer.BufferInternal.buffer(io.netty.buffer.Unpooled.wrappedBuffer(message.toByteArray()))
        : Buffer.buffer(MesosJson.print(message));
  }

  /** A body that does not parse into the expected message. */
  public static final class BadBody extends RuntimeException {
    public BadBody(String message) {
      super(message, null, false, false);
    }
  }
}
