package io.mezzo.agent.updates;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.TaskStatus;

/**
 * Delivers each task's status updates to the master in order, one in flight per task: the head of
 * a task's stream is resent, first after the base interval and then doubling up to the max, until
 * the framework's acknowledgement for exactly that update (its uuid) comes back; then the next one
 * goes. Every change of a stream is checkpointed through the {@link Store} before it is sent, so an
 * agent that restarts resends what was not acknowledged.
 *
 * <p>Not thread-safe: call it on the agent's event loop. Time comes from the injected clock; the
 * owner calls {@link #tick()} periodically to resend what is due.
 */
public final class StatusUpdateManager {

  /** Where updates go: the master over the event bus. */
  public interface Transport {
    /** Whether the agent is registered, so that sending makes sense. */
    boolean connected();

    void send(String frameworkId, TaskStatus status);
  }

  /** Where streams are checkpointed. */
  public interface Store {
    /** Replaces the task's pending updates; an empty list removes the stream. */
    Future<Void> save(String frameworkId, String taskId, List<TaskStatus> pending);
  }

  private static final class Stream {
    final String frameworkId;
    final String taskId;
    final Deque<TaskStatus> pending = new ArrayDeque<>();
    Duration interval;
    Instant due;

    Stream(String frameworkId, String taskId) {
      this.frameworkId = frameworkId;
      this.taskId = taskId;
    }
  }

  private final Clock clock;
  private final Duration base;
  private final Duration max;
  private final Transport transport;
  private final Store store;
  private final Map<String, Stream> streams = new LinkedHashMap<>();

  public StatusUpdateManager(Clock clock, Duration base, Duration max, Transport transport, Store store) {
    this.clock = clock;
    this.base = base;
    this.max = max;
    this.transport = transport;
    this.store = store;
  }

  private static String key(String frameworkId, String taskId) {
    return frameworkId + "\n" + taskId;
  }

  /** Takes a new update (it must carry a uuid); it is sent at once when nothing else of its task is in flight. */
  public Future<Void> update(String frameworkId, TaskStatus status) {
    String taskId = status.getTaskId().getValue();
    Stream s = streams.computeIfAbsent(key(frameworkId, taskId), k -> new Stream(frameworkId, taskId));
    s.pending.addLast(status);
    return store.save(frameworkId, taskId, List.copyOf(s.pending)).onSuccess(v -> {
      // not when a flush (re-registration) sent it meanwhile: it is in flight already and resent on its own schedule
      if (s.pending.peekFirst() == status && s.due == null) {
        sendHead(s);
      }
    });
  }

  /** Streams recovered from checkpoints; sent on the next {@link #flush()}. */
  public void recover(String frameworkId, String taskId, List<TaskStatus> pending) {
    if (pending.isEmpty()) {
      return;
    }
    Stream s = streams.computeIfAbsent(key(frameworkId, taskId), k -> new Stream(frameworkId, taskId));
    s.pending.addAll(pending);
  }

  /**
   * The framework acknowledged an update. Only the update in flight can be acknowledged; anything
   * else (a duplicate, a stale uuid) is ignored and false returned.
   */
  public boolean acknowledge(String frameworkId, String taskId, ByteString uuid) {
    Stream s = streams.get(key(frameworkId, taskId));
    if (s == null || s.pending.isEmpty() || !s.pending.peekFirst().getUuid().equals(uuid)) {
      return false;
    }
    s.pending.removeFirst();
    s.interval = null;
    s.due = null;
    if (s.pending.isEmpty()) {
      streams.remove(key(frameworkId, taskId));
    }
    store.save(frameworkId, taskId, List.copyOf(s.pending)).onSuccess(v -> {
      if (!s.pending.isEmpty() && s.due == null) {
        sendHead(s);
      }
    });
    return true;
  }

  /** Resends every head whose time has come. */
  public void tick() {
    Instant now = clock.instant();
    for (Stream s : streams.values()) {
      if (!s.pending.isEmpty() && s.due != null && !now.isBefore(s.due)) {
        s.interval = s.interval.multipliedBy(2).compareTo(max) > 0 ? max : s.interval.multipliedBy(2);
        s.due = now.plus(s.interval);
        if (transport.connected()) {
          transport.send(s.frameworkId, s.pending.peekFirst());
        }
      }
    }
  }

  /** Sends every head now with a fresh backoff, e.g. right after (re-)registering with a master. */
  public void flush() {
    for (Stream s : streams.values()) {
      if (!s.pending.isEmpty()) {
        sendHead(s);
      }
    }
  }

  private void sendHead(Stream s) {
    s.interval = base;
    s.due = clock.instant().plus(base);
    if (transport.connected()) {
      transport.send(s.frameworkId, s.pending.peekFirst());
    }
  }

  /** Forgets a framework's streams (it was shut down): nobody will acknowledge them. */
  public void dropFramework(String frameworkId) {
    for (Stream s : new ArrayList<>(streams.values())) {
      if (s.frameworkId.equals(frameworkId)) {
        streams.remove(key(s.frameworkId, s.taskId));
        store.save(s.frameworkId, s.taskId, List.of());
      }
    }
  }

  /** The task's updates not yet acknowledged, oldest first. */
  public List<TaskStatus> pending(String frameworkId, String taskId) {
    Stream s = streams.get(key(frameworkId, taskId));
    return s == null ? List.of() : List.copyOf(s.pending);
  }

  /** Whether any update of the task still waits for its acknowledgement. */
  public boolean hasPending(String frameworkId, String taskId) {
    return streams.containsKey(key(frameworkId, taskId));
  }

  public int size() {
    return streams.values().stream().mapToInt(s -> s.pending.size()).sum();
  }
}
