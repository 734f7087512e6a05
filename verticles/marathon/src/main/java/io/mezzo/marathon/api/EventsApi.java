package io.mezzo.marathon.api;

import io.mezzo.marathon.events.EventStream;
import io.mezzo.marathon.events.MarathonEvent;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * {@code GET /v2/events}: the event stream as server-sent events, filtered by {@code event_type}, with slim plans
 * for {@code plan-format=light}. Every frame carries its event id; a client that reconnects with
 * {@code Last-Event-ID} first gets the buffered events after that id, or an {@code event_stream_gap} frame when
 * some were already dropped from the buffer. A subscriber that cannot keep up (unsent bytes above
 * {@code event_stream_max_outstanding}) is disconnected, and may resume the same way.
 */
final class EventsApi {
  private static final Logger LOG = Logger.getLogger(EventsApi.class.getName());
  static final String GAP = "event_stream_gap";

  private final MarathonNode node;

  EventsApi(MarathonNode node) {
    this.node = node;
  }

  void mount(Router router) {
    router.get("/v2/events").handler(this::stream);
  }

  private void stream(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    if (accept == null || !accept.contains("text/event-stream")) {
      Http.json(ctx, 405, new JsonObject().put("message", "Only Accept: text/event-stream is supported on /v2/events"));
      return;
    }
    Set<String> types = new HashSet<>(ctx.queryParam("event_type"));
    boolean light = "light".equals(ctx.request().getParam("plan-format"));
    EventStream events = node.events();
    HttpServerResponse response = ctx.response();
    response.setStatusCode(200).setChunked(true)
        .putHeader("content-type", "text/event-stream")
        .putHeader("cache-control", "no-cache")
        .setWriteQueueMaxSize(node.settings().eventStreamMaxOutstanding());
    response.write("\n");
    String lastId = ctx.request().getHeader("Last-Event-ID");
    if (lastId != null) {
      EventStream.Replay replay = events.replayAfter(lastId);
      if (replay.gap()) {
        response.write("event: " + GAP + "\ndata: " + new JsonObject().put("eventType", GAP)
            .put("lastEventId", lastId).put("firstAvailableId", Long.toString(replay.firstAvailable())).encode() + "\n\n");
      }
      replay.events().forEach(e -> send(response, e, types, light));
    }
    String remote = ctx.request().remoteAddress() == null ? "" : ctx.request().remoteAddress().host();
    Runnable[] unsubscribe = new Runnable[1];
    Consumer<MarathonEvent> sink = e -> {
      if (response.closed() || response.ended()) {
        return;
      }
      if (response.writeQueueFull()) {
        LOG.warning("Dropping slow event stream subscriber " + remote + " at event " + e.id());
        unsubscribe[0].run();
        ctx.request().connection().close();
        return;
      }
      send(response, e, types, light);
    };
    unsubscribe[0] = events.subscribe(sink);
    response.closeHandler(v -> {
      unsubscribe[0].run();
      events.publish("event_stream_detached", new JsonObject().put("remoteAddress", remote)
          .put("timestamp", io.mezzo.marathon.core.Versions.format(java.time.Instant.now())));
    });
    events.publish("event_stream_attached", new JsonObject().put("remoteAddress", remote)
        .put("timestamp", io.mezzo.marathon.core.Versions.format(java.time.Instant.now())));
  }

  private static void send(HttpServerResponse response, MarathonEvent e, Set<String> types, boolean light) {
    if (types.isEmpty() || types.contains(e.type())) {
      response.write("id: " + e.id() + "\nevent: " + e.type() + "\ndata: " + e.body(light) + "\n\n");
    }
  }
}
