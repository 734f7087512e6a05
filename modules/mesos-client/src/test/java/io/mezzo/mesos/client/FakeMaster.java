package io.mezzo.mesos.client;

import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.Message;
import io.mezzo.mesos.proto.RecordIO;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted master on loopback: each request is recorded and answered by the next script step
 * (500 once the script runs out). Steps stream RecordIO in chosen chunks, redirect, or fail.
 */
final class FakeMaster implements AutoCloseable {

  record Request(String path, MultiMap headers, byte[] body) {
    String header(String name) {
      return headers.get(name);
    }
  }

  interface Step {
    void answer(Request request, HttpServerResponse response);
  }

  private final Vertx vertx;
  private final HttpServer server;
  private final Queue<Step> script = new ConcurrentLinkedQueue<>();
  final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  final AtomicInteger count = new AtomicInteger();
  final AtomicInteger clientClosed = new AtomicInteger();
  private final List<HttpServerResponse> open = new ArrayList<>();

  FakeMaster(Vertx vertx) throws Exception {
    this.vertx = vertx;
    this.server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(req.headers());
      Request r = new Request(req.path(), headers, body.getBytes());
      req.response().closeHandler(v -> clientClosed.incrementAndGet());
      Step step = script.poll();
      requests.add(r);
      count.incrementAndGet();
      if (step == null) {
        req.response().setStatusCode(500).end("unscripted request");
      } else {
        step.answer(r, req.response());
      }
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  FakeMaster then(Step step) {
    script.add(step);
    return this;
  }

  int port() {
    return server.actualPort();
  }

  String url() {
    return "http://127.0.0.1:" + port();
  }

  Request take() throws InterruptedException {
    Request r = requests.poll(10, TimeUnit.SECONDS);
    if (r == null) {
      fail("no request reached the fake master at " + url());
    }
    return r;
  }

  static Step status(int code, String body) {
    return (req, resp) -> resp.setStatusCode(code).putHeader("content-type", "text/plain").end(body);
  }

  static Step redirect(String location) {
    return (req, resp) -> resp.setStatusCode(307).putHeader("location", location).end();
  }

  /** 200 with a stream id; writes {@code chunks} one HTTP chunk each, {@code pauseMs} apart; ends the response if asked. */
  Step stream(Encoding encoding, String streamId, List<byte[]> chunks, long pauseMs, boolean end) {
    return (req, resp) -> {
      resp.setChunked(true).setStatusCode(200).putHeader("content-type", encoding.mediaType())
          .putHeader("Mesos-Stream-Id", streamId);
      synchronized (open) {
        open.add(resp);
      }
      resp.writeHead();
      write(resp, chunks, 0, pauseMs, end);
    };
  }

  Step stream(Encoding encoding, String streamId, boolean end, Message... events) {
    return stream(encoding, streamId, List.of(records(encoding, events)), 0, end);
  }

  private void write(HttpServerResponse resp, List<byte[]> chunks, int i, long pauseMs, boolean end) {
    if (resp.closed()) {
      return;
    }
    if (i == chunks.size()) {
      if (end) {
        resp.end();
      }
      return;
    }
    resp.write(Buffer.buffer(chunks.get(i)));
    if (pauseMs > 0) {
      vertx.setTimer(pauseMs, t -> write(resp, chunks, i + 1, pauseMs, end));
    } else {
      write(resp, chunks, i + 1, pauseMs, end);
    }
  }

  /** The RecordIO bytes of {@code events}, concatenated. */
  static byte[] records(Encoding encoding, Message... events) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Message e : events) {
      out.writeBytes(RecordIO.encode(encoding.encode(e)));
    }
    return out.toByteArray();
  }

  /** {@code bytes} cut into chunks of {@code size} (the last may be shorter). */
  static List<byte[]> chunks(byte[] bytes, int size) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < bytes.length; i += size) {
      out.add(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + size)));
    }
    return out;
  }

  /** {@code bytes} cut at the given offsets. */
  static List<byte[]> cut(byte[] bytes, int... offsets) {
    List<byte[]> out = new ArrayList<>();
    int from = 0;
    for (int at : offsets) {
      out.add(java.util.Arrays.copyOfRange(bytes, from, at));
      from = at;
    }
    out.add(java.util.Arrays.copyOfRange(bytes, from, bytes.length));
    return out;
  }

  /** Ends every open stream normally, as a master does after TEARDOWN. */
  void endStreams() {
    synchronized (open) {
      open.forEach(r -> vertx.runOnContext(v -> {
        if (!r.closed() && !r.ended()) {
          r.end();
        }
      }));
    }
  }

  @Override
  public void close() throws Exception {
    synchronized (open) {
      open.forEach(r -> {
        if (!r.closed()) {
          r.reset();
        }
      });
    }
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
