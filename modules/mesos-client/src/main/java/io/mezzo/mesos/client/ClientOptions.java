package io.mezzo.mesos.client;

import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.schedulers.Schedulers;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import okhttp3.OkHttpClient;

/**
 * Connection settings shared by {@link SchedulerClient.Builder} and {@link OperatorClient.Builder}.
 * Defaults: JSON, 10 s connect timeout, 75 s request timeout (also the time allowed for the first
 * event of a stream), reconnect after 5 missed heartbeats, {@link Backoff#DEFAULT}, RxJava's
 * computation scheduler for timers.
 */
@SuppressWarnings("unchecked")
public abstract class ClientOptions<B extends ClientOptions<B>> {
  MasterDetector detector;
  boolean ownsDetector;
  Encoding encoding = Encoding.JSON;
  Duration connectTimeout = Duration.ofSeconds(10);
  Duration requestTimeout = Duration.ofSeconds(75);
  int heartbeatMisses = 5;
  Backoff backoff = Backoff.DEFAULT;
  Scheduler timers = Schedulers.computation();
  DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
  ConnectionListener listener = ConnectionListener.NONE;
  OkHttpClient httpClient;

  ClientOptions() {
  }

  /**
   * The master(s) as Mesos's {@code --master} flag takes them: {@code zk://host:port/path} or a
   * comma-separated list of {@code http://host:port}. The client owns (and closes) this detector.
   */
  public B master(String spec) {
    this.detector = MasterDetector.of(spec);
    this.ownsDetector = true;
    return (B) this;
  }

  /** A fixed list of masters, tried in turn when unreachable; 307s lead to the leader from any of them. */
  public B masters(List<URI> masters) {
    this.detector = new StaticMasterDetector(masters);
    this.ownsDetector = true;
    return (B) this;
  }

  /** A detector the caller owns (the client does not close it). */
  public B detector(MasterDetector detector) {
    this.detector = Objects.requireNonNull(detector);
    this.ownsDetector = false;
    return (B) this;
  }

  public B encoding(Encoding encoding) {
    this.encoding = Objects.requireNonNull(encoding);
    return (B) this;
  }

  public B connectTimeout(Duration timeout) {
    this.connectTimeout = positive(timeout, "connectTimeout");
    return (B) this;
  }

  /** Read timeout of calls, and how long a new stream may take to deliver its first event. */
  public B requestTimeout(Duration timeout) {
    this.requestTimeout = positive(timeout, "requestTimeout");
    return (B) this;
  }

  /** Reconnect once this many heartbeat intervals pass without any event (default 5). */
  public B heartbeatMisses(int misses) {
    if (misses < 1) {
      throw new IllegalArgumentException("heartbeatMisses must be at least 1, got " + misses);
    }
    this.heartbeatMisses = misses;
    return (B) this;
  }

  public B backoff(Backoff backoff) {
    this.backoff = Objects.requireNonNull(backoff);
    return (B) this;
  }

  /** Scheduler for heartbeat timeouts and reconnect delays (a {@code TestScheduler} in tests). */
  public B timers(Scheduler timers) {
    this.timers = Objects.requireNonNull(timers);
    return (B) this;
  }

  /** Source of jitter, uniform in [0, 1). */
  public B random(DoubleSupplier random) {
    this.random = Objects.requireNonNull(random);
    return (B) this;
  }

  public B listener(ConnectionListener listener) {
    this.listener = Objects.requireNonNull(listener);
    return (B) this;
  }

  /**
   * A base OkHttp client (TLS, proxies, interceptors, a shared pool). The client derives its own from
   * it with redirects off and its timeouts; it does not shut the base client down.
   */
  public B httpClient(OkHttpClient client) {
    this.httpClient = Objects.requireNonNull(client);
    return (B) this;
  }

  private static Duration positive(Duration d, String name) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
    return d;
  }

  void check() {
    if (detector == null) {
      throw new IllegalStateException("No master: set master(...), masters(...) or detector(...)");
    }
  }

  /** The OkHttp client for calls (read timeout = request timeout); streams use {@link #streamClient}. */
  OkHttpClient callClient() {
    OkHttpClient base = httpClient != null ? httpClient : new OkHttpClient();
    return base.newBuilder().followRedirects(false).followSslRedirects(false)
        .connectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .readTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .writeTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS).build();
  }

  /** No read timeout: a stream's liveness is judged by its heartbeats. */
  static OkHttpClient streamClient(OkHttpClient calls) {
    return calls.newBuilder().readTimeout(0, TimeUnit.MILLISECONDS).build();
  }

  EventStream.Options streamOptions() {
    return new EventStream.Options(backoff, heartbeatMisses, requestTimeout, timers, random, listener);
  }

  void release(OkHttpClient calls) {
    if (ownsDetector) {
      detector.close();
    }
    if (httpClient == null) {
      calls.dispatcher().executorService().shutdown();
      calls.connectionPool().evictAll();
    }
  }
}
