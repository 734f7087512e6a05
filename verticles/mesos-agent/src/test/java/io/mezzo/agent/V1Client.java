package io.mezzo.agent;

import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.proto.RecordIO;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * A small v1 scheduler, as a third-party framework would write it: plain HTTP, a RecordIO event
 * stream, calls and events in JSON or (as frameworks built on libmesos send them) protobuf.
 */
final class V1Client implements AutoCloseable {
  private final HttpClient http = HttpClient.newHttpClient();
  private final String url;
  private final String mediaType;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final List<Event> seen = new ArrayList<>();
  /** Every update received, in arrival order (never consumed). */
  private final List<TaskStatus> history = java.util.Collections.synchronizedList(new ArrayList<>());
  private String streamId;
  private InputStream stream;
  FrameworkID frameworkId;
  /** Acknowledge updates on arrival (a well-behaved framework); off to leave them pending on the agent. */
  volatile boolean autoAck = true;

  V1Client(String masterUrl) {
    this(masterUrl, false);
  }

  V1Client(String masterUrl, boolean protobuf) {
    this.url = masterUrl + "/api/v1/scheduler";
    this.mediaType = protobuf ? "application/x-protobuf" : "application/json";
  }

  private HttpRequest.BodyPublisher body(Call call) {
    return mediaType.equals("application/json") ? HttpRequest.BodyPublishers.ofString(MesosJson.print(call))
        : HttpRequest.BodyPublishers.ofByteArray(call.toByteArray());
  }

  private Event event(byte[] record) throws IOException {
    return mediaType.equals("application/json") ? MesosJson.parse(new String(record, StandardCharsets.UTF_8), Event.getDefaultInstance())
        : Event.parseFrom(record);
  }

  void subscribe(FrameworkInfo info) throws Exception {
    Call call = Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info)).build();
    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", mediaType)
        .header("Accept", mediaType).POST(body(call)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("SUBSCRIBE answered " + r.statusCode());
    }
    streamId = r.headers().firstValue("Mesos-Stream-Id").orElseThrow();
    stream = r.body();
    Thread reader = new Thread(this::read, "v1-client-stream");
    reader.setDaemon(true);
    reader.start();
    frameworkId = next(e -> e.getType() == Event.Type.SUBSCRIBED, Duration.ofSeconds(15)).getSubscribed().getFrameworkId();
  }

  private void read() {
    RecordIO.Decoder decoder = new RecordIO.Decoder();
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = stream.read(buffer)) > 0) {
        for (byte[] record : decoder.feed(buffer, 0, n)) {
          Event e = event(record);
          if (e.getType() == Event.Type.UPDATE) {
            history.add(e.getUpdate().getStatus());
          }
          events.add(e);
          if (autoAck && e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().hasUuid()) {
            acknowledge(e.getUpdate().getStatus());
          }
        }
      }
    } catch (IOException e) {
      // closed
    }
  }

  /** The first event matching; others stay for later calls. */
  synchronized Event next(Predicate<Event> wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (Iterator<Event> it = seen.iterator(); it.hasNext(); ) {
        Event e = it.next();
        if (wanted.test(e)) {
          it.remove();
          return e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("No matching event within " + timeout + "; unmatched: " + seen);
      }
      Event e = events.poll(50, TimeUnit.MILLISECONDS);
      if (e != null) {
        seen.add(e);
      }
    }
  }

  /** Acknowledges every update as it arrives, as a well-behaved framework does (without waiting for the answer). */
  private void acknowledge(TaskStatus s) {
    callAsync(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
        .setAgentId(s.getAgentId()).setTaskId(s.getTaskId()).setUuid(s.getUuid())).build());
  }

  /** Sends a call without waiting; the future completes with the status code. */
  java.util.concurrent.CompletableFuture<Integer> callAsync(Call call) {
    Call withId = call.toBuilder().setFrameworkId(frameworkId).build();
    return http.sendAsync(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", mediaType)
        .header("Mesos-Stream-Id", streamId).POST(body(withId)).build(),
        HttpResponse.BodyHandlers.ofString()).thenApply(HttpResponse::statusCode);
  }

  /** The earliest timestamp of an update in {@code state} (seconds since the epoch). */
  double first(TaskState state) {
    return first("", state);
  }

  /** The earliest timestamp of an update in {@code state} of a task whose id starts with {@code prefix}. */
  double first(String prefix, TaskState state) {
    synchronized (history) {
      return history.stream().filter(s -> s.getState() == state && s.getTaskId().getValue().startsWith(prefix))
          .mapToDouble(TaskStatus::getTimestamp).min().orElse(Double.NaN);
    }
  }

  /** The latest timestamp of an update in {@code state}. */
  double last(TaskState state) {
    return last("", state);
  }

  /** The latest timestamp of an update in {@code state} of a task whose id starts with {@code prefix}. */
  double last(String prefix, TaskState state) {
    synchronized (history) {
      return history.stream().filter(s -> s.getState() == state && s.getTaskId().getValue().startsWith(prefix))
          .mapToDouble(TaskStatus::getTimestamp).max().orElse(Double.NaN);
    }
  }

  /** How many different tasks had an update in {@code state} so far. */
  long tasksIn(TaskState state) {
    return tasksIn("", state);
  }

  /** How many different tasks whose ids start with {@code prefix} had an update in {@code state} so far. */
  long tasksIn(String prefix, TaskState state) {
    synchronized (history) {
      return history.stream().filter(s -> s.getState() == state && s.getTaskId().getValue().startsWith(prefix))
          .map(s -> s.getTaskId().getValue()).distinct().count();
    }
  }

  /** Waits for the task's update in {@code state} (it was acknowledged on arrival). */
  TaskStatus update(String taskId, TaskState state, Duration timeout) throws Exception {
    return next(e -> e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().getTaskId().getValue().equals(taskId)
        && e.getUpdate().getStatus().getState() == state, timeout).getUpdate().getStatus();
  }

  /** Every update received so far for a task, in order (consumed). */
  synchronized List<TaskState> drainStates(String taskId) {
    events.drainTo(seen);
    List<TaskState> out = new ArrayList<>();
    for (Iterator<Event> it = seen.iterator(); it.hasNext(); ) {
      Event e = it.next();
      if (e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().getTaskId().getValue().equals(taskId)) {
        out.add(e.getUpdate().getStatus().getState());
        it.remove();
      }
    }
    return out;
  }

  /** The states of every update received so far for a task, in arrival order, duplicates included. */
  List<TaskState> history(String taskId) {
    synchronized (history) {
      return history.stream().filter(s -> s.getTaskId().getValue().equals(taskId)).map(TaskStatus::getState).toList();
    }
  }

  int call(Call call) throws IOException, InterruptedException {
    Call withId = call.toBuilder().setFrameworkId(frameworkId).build();
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", mediaType)
        .header("Mesos-Stream-Id", streamId).POST(body(withId)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Override
  public void close() throws IOException {
    if (stream != null) {
      stream.close();
    }
  }
}
