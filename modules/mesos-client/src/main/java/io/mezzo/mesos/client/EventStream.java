package io.mezzo.mesos.client;

import com.google.protobuf.Message;
import io.mezzo.mesos.proto.RecordIO;
import io.reactivex.rxjava3.core.BackpressureStrategy;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.FlowableEmitter;
import io.reactivex.rxjava3.processors.BehaviorProcessor;
import io.reactivex.rxjava3.schedulers.Schedulers;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * A Mesos event stream that survives its connection. One connection attempt:
 *
 * <pre>
 *   detector.leader() -> POST subscribe body (following 307s) -> 200 + RecordIO body
 *        -> decode records across chunk boundaries -> emit events
 * </pre>
 *
 * The attempt fails on I/O errors, non-200 answers, undecodable records, the master closing the
 * stream, or silence: no event within the first-event timeout, then within {@code misses} heartbeat
 * intervals once the SUBSCRIBED event announced one. A failed attempt is retried after a capped,
 * jittered exponential backoff whose attempt count restarts at every SUBSCRIBED; a 4xx ends the stream
 * with that error, and a final event ({@link Session#isFinal}) or a finished session completes it.
 */
final class EventStream<E extends Message> {

  /** What the owning client contributes: the request, and what it learns from the stream. */
  interface Session<E> {
    /** The SUBSCRIBE call for the next attempt. */
    byte[] subscribeBody();

    /** Extra request headers. */
    Headers headers();

    /** A stream opened; the returned token is handed back to {@link #disconnected}. */
    Object connected(URI master, Response response);

    void disconnected(Object token);

    /** The heartbeat interval in seconds announced by a SUBSCRIBED event, or a negative value for other events. */
    double heartbeatSeconds(E event);

    /** Emit this event, then complete without reconnecting. */
    boolean isFinal(E event);

    /** No more reconnects: a stream that ends now completes. */
    boolean finished();
  }

  record Options(Backoff backoff, int heartbeatMisses, Duration firstEventTimeout,
                 io.reactivex.rxjava3.core.Scheduler timers, java.util.function.DoubleSupplier random,
                 ConnectionListener listener) {
  }

  private final MasterHttp http;
  private final MasterDetector detector;
  private final String path;
  private final Encoding encoding;
  private final E defaultInstance;
  private final Options options;
  private final Session<E> session;
  private final BehaviorProcessor<Boolean> closed = BehaviorProcessor.create();
  private final Flowable<E> shared;

  EventStream(MasterHttp http, MasterDetector detector, String path, Encoding encoding, E defaultInstance,
              Options options, Session<E> session) {
    this.http = http;
    this.detector = detector;
    this.path = path;
    this.encoding = encoding;
    this.defaultInstance = defaultInstance;
    this.options = options;
    this.session = session;
    this.shared = Flowable.defer(this::reconnecting).takeUntil(closed).share();
  }

  Flowable<E> events() {
    return shared;
  }

  /** Completes every subscriber and cancels the open connection, if any. */
  void close() {
    closed.onNext(true);
  }

  private Flowable<E> reconnecting() {
    AtomicInteger attempt = new AtomicInteger();
    return Flowable.defer(() -> once(attempt)).retryWhen(errors -> errors.concatMap(error -> {
      if (isTerminal(error) || session.finished()) {
        return Flowable.error(error);
      }
      Duration delay = options.backoff().delay(attempt.getAndIncrement(), options.random());
      options.listener().disconnected(error, delay);
      return Flowable.timer(delay.toNanos(), TimeUnit.NANOSECONDS, options.timers());
    }));
  }

  static boolean isTerminal(Throwable error) {
    return error instanceof MesosClientException m && m.isClientError() || error instanceof IllegalArgumentException;
  }

  private Flowable<E> once(AtomicInteger attempt) {
    AtomicLong windowNanos = new AtomicLong(options.firstEventTimeout().toNanos());
    Flowable<E> connection = Flowable.<E>create(emitter -> read(emitter, attempt, windowNanos), BackpressureStrategy.BUFFER)
        .subscribeOn(Schedulers.io());
    return connection
        .timeout(Flowable.timer(windowNanos.get(), TimeUnit.NANOSECONDS, options.timers()),
            event -> Flowable.timer(windowNanos.get(), TimeUnit.NANOSECONDS, options.timers()))
        .onErrorResumeNext(e -> Flowable.error(e instanceof TimeoutException
            ? new TimeoutException("No event from the master within " + Duration.ofNanos(windowNanos.get()))
            : e));
  }

  private void read(FlowableEmitter<E> emitter, AtomicInteger attempt, AtomicLong windowNanos) {
    if (session.finished()) {
      emitter.onComplete();
      return;
    }
    AtomicReference<okhttp3.Call> current = new AtomicReference<>();
    emitter.setCancellable(() -> {
      okhttp3.Call call = current.get();
      if (call != null) {
        call.cancel();
      }
    });
    URI master;
    try {
      master = detector.leader().blockingGet();
    } catch (RuntimeException e) {
      emitter.tryOnError(e.getCause() != null && !(e instanceof MesosClientException) ? e.getCause() : e);
      return;
    }
    MasterHttp.Answer answer;
    try {
      answer = http.post(master, path, session.headers(), MediaType.get(encoding.mediaType()), session.subscribeBody(), call -> {
        current.set(call);
        if (emitter.isCancelled()) {
          call.cancel();
        }
      });
    } catch (IOException e) {
      if (!emitter.isCancelled()) {
        detector.unreachable(master);
      }
      emitter.tryOnError(e);
      return;
    } catch (RuntimeException e) {
      emitter.tryOnError(e);
      return;
    }
    Object token = null;
    try (Response response = answer.response()) {
      if (response.code() != 200) {
        emitter.tryOnError(new MesosClientException(response.code(), MasterHttp.text(response)));
        return;
      }
      token = session.connected(answer.base(), response);
      options.listener().connected(answer.base());
      RecordIO.Decoder decoder = new RecordIO.Decoder();
      BufferedSource source = response.body().source();
      byte[] buffer = new byte[16 * 1024];
      int n;
      while (!emitter.isCancelled() && (n = source.read(buffer)) != -1) {
        for (byte[] record : decoder.feed(buffer, 0, n)) {
          E event = encoding.decode(record, defaultInstance);
          double heartbeat = session.heartbeatSeconds(event);
          if (heartbeat >= 0) {
            attempt.set(0);
            if (heartbeat > 0) {
              windowNanos.set((long) (heartbeat * 1e9 * options.heartbeatMisses()));
            }
          }
          emitter.onNext(event);
          if (session.isFinal(event)) {
            emitter.onComplete();
            return;
          }
        }
      }
      if (session.finished()) {
        emitter.onComplete();
      } else {
        emitter.tryOnError(new IOException("Master closed the event stream"
            + (decoder.hasPartialRecord() ? " in the middle of a record" : "")));
      }
    } catch (IOException | RuntimeException e) {
      if (session.finished() && !emitter.isCancelled()) {
        emitter.onComplete();
      } else {
        emitter.tryOnError(e);
      }
    } finally {
      if (token != null) {
        session.disconnected(token);
      }
    }
  }
}
