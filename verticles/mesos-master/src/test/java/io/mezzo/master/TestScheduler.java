package io.mezzo.master;

import com.google.protobuf.InvalidProtocolBufferException;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * A v1 scheduler written the way a third-party framework would be: the official protobuf classes,
 * a plain HTTP client, a RecordIO stream in JSON or protobuf.
 */
final class TestScheduler implements AutoCloseable {
  static final String JSON = "application/json";
  static final String PROTOBUF = "application/x-protobuf";

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final String url;
  private final String encoding;
  final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  String streamId;
  FrameworkID frameworkId;
  private InputStream stream;
  private Thread reader;

  TestScheduler(String masterUrl, String encoding) {
    this.url = masterUrl + "/api/v1/scheduler";
    this.encoding = encoding;
  }

  byte[] encode(Call call) {
    return encoding.equals(JSON) ? MesosJson.print(call).getBytes(StandardCharsets.UTF_8) : call.toByteArray();
  }

  /** SUBSCRIBE; returns the HTTP status. On 200 events start arriving in {@link #events}. */
  int subscribe(Call call) throws Exception {
    HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", encoding).header("Accept", encoding)
        .POST(HttpRequest.BodyPublishers.ofByteArray(encode(call))).build(), HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      response.body().close();
      return response.statusCode();
    }
    streamId = response.headers().firstValue("Mesos-Stream-Id").orElseThrow();
    stream = response.body();
    reader = new Thread(this::read, "scheduler-stream");
    reader.setDaemon(true);
    reader.start();
    Event subscribed = next(e -> e.getType() == Event.Type.SUBSCRIBED, Duration.ofSeconds(10));
    frameworkId = subscribed.getSubscribed().getFrameworkId();
    return 200;
  }

  private void read() {
    RecordIO.Decoder decoder = new RecordIO.Decoder();
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = stream.read(buffer)) > 0) {
        for (byte[] record : decoder.feed(buffer, 0, n)) {
          events.add(encoding.equals(JSON) ? MesosJson.parse(new String(record, StandardCharsets.UTF_8), Event.getDefaultInstance())
              : Event.parseFrom(record));
        }
      }
    } catch (IOException e) {
      // stream closed
    }
  }

  private final java.util.List<Event> seen = new java.util.ArrayList<>();

  /** Waits for the first event matching the predicate; events that do not match stay for later calls. */
  Event next(Predicate<Event> wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (java.util.Iterator<Event> it = seen.iterator(); it.hasNext(); ) {
        Event e = it.next();
        if (wanted.test(e)) {
          it.remove();
          return e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no matching event within " + timeout + "; unmatched: " + seen.stream().map(Event::getType).toList());
      }
      Event e = events.poll(50, TimeUnit.MILLISECONDS);
      if (e != null) {
        seen.add(e);
      }
    }
  }

  /** Any call but SUBSCRIBE, with the stream id; returns status and body. */
  HttpResponse<String> call(Call call) throws IOException, InterruptedException {
    Call withId = call.toBuilder().setFrameworkId(frameworkId).build();
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", encoding)
        .header("Mesos-Stream-Id", streamId).POST(HttpRequest.BodyPublishers.ofByteArray(encode(withId))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  boolean streamOpen() {
    return reader != null && reader.isAlive();
  }

  @Override
  public void close() throws IOException {
    if (stream != null) {
      stream.close();
    }
  }

  static Event parse(byte[] record, String encoding) throws InvalidProtocolBufferException {
    return encoding.equals(JSON) ? MesosJson.parse(new String(record, StandardCharsets.UTF_8), Event.getDefaultInstance())
        : Event.parseFrom(record);
  }
}
