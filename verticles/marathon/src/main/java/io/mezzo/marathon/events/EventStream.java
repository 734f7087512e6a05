package io.mezzo.marathon.events;

import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Marathon's event bus as one ordered stream with a bounded replay buffer (a Mezzo addition: Marathon loses
 * the events a disconnected SSE client missed, marathon#2878/#5394).
 *
 * <p>Every event gets the next id; ids of one stream increase by one. The first id is chosen by the owner (the
 * verticle uses its start time × 1000, so a later leader's ids are larger than an earlier leader's). The buffer
 * keeps the last {@code capacity} events; {@link #replayAfter} gives a reconnecting client the events after its
 * {@code Last-Event-ID}, or reports a gap when some of them were already dropped.
 *
 * <p>Not thread-safe: owned by the verticle's event loop. Subscribers are called synchronously in publish order.
 */
public final class EventStream {

  /** What a reconnecting client gets: whether events were lost before {@code events}, and the events. */
  public record Replay(boolean gap, long firstAvailable, List<MarathonEvent> events) {
  }

  private final int capacity;
  private final ArrayDeque<MarathonEvent> buffer = new ArrayDeque<>();
  private final Set<Consumer<MarathonEvent>> subscribers = new LinkedHashSet<>();
  private long nextId;
  private long published;

  public EventStream(int capacity, long firstId) {
    this.capacity = capacity;
    this.nextId = firstId;
  }

  /** Publishes an event whose light form equals its full form. */
  public MarathonEvent publish(String type, JsonObject body) {
    return publish(type, body, body);
  }

  /** Publishes an event; {@code body} gets {@code eventType} if it lacks it. */
  public MarathonEvent publish(String type, JsonObject body, JsonObject light) {
    body.put("eventType", type);
    light.put("eventType", type);
    String data = body.encode();
    MarathonEvent event = new MarathonEvent(nextId++, type, data, light == body ? data : light.encode());
    buffer.addLast(event);
    if (buffer.size() > capacity) {
      buffer.removeFirst();
    }
    published++;
    for (Consumer<MarathonEvent> s : new ArrayList<>(subscribers)) {
      s.accept(event);
    }
    return event;
  }

  /** Adds a subscriber; returns the handle that removes it. */
  public Runnable subscribe(Consumer<MarathonEvent> subscriber) {
    subscribers.add(subscriber);
    return () -> subscribers.remove(subscriber);
  }

  public int subscriberCount() {
    return subscribers.size();
  }

  public long publishedCount() {
    return published;
  }

  /** The id the next event will get. */
  public long nextId() {
    return nextId;
  }

  /**
   * The buffered events after {@code lastEventId}. A gap is reported when events after it were dropped from the
   * buffer, or when the id does not belong to this stream (then all buffered events follow the gap).
   */
  public Replay replayAfter(String lastEventId) {
    long first = buffer.isEmpty() ? nextId : buffer.peekFirst().id();
    long last;
    try {
      last = Long.parseLong(lastEventId.trim());
    } catch (NumberFormatException e) {
      return new Replay(true, first, List.copyOf(buffer));
    }
    if (last >= nextId || last < first - 1) {
      return new Replay(true, first, List.copyOf(buffer));
    }
    List<MarathonEvent> out = new ArrayList<>();
    for (MarathonEvent e : buffer) {
      if (e.id() > last) {
        out.add(e);
      }
    }
    return new Replay(false, first, out);
  }
}
