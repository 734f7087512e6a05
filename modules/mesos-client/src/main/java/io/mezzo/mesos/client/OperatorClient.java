package io.mezzo.mesos.client;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Single;
import java.net.URI;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.apache.mesos.v1.master.Protos.Call;
import org.apache.mesos.v1.master.Protos.Event;

/**
 * A Mesos v1 operator API client for the master ({@code POST /api/v1}): synchronous calls
 * (GET_STATE, GET_AGENTS, ...) and the SUBSCRIBE event stream.
 *
 * <p>{@link #subscribe()} reconnects exactly like {@link SchedulerClient#events()} (307s followed,
 * 5xx and broken or silent streams retried with backoff, 4xx fatal). The operator stream has no
 * memory: every connection, including each reconnect, begins with a SUBSCRIBED event carrying the
 * complete {@code get_state} snapshot, and events that happened while disconnected are not replayed.
 * A consumer must therefore treat every SUBSCRIBED as "replace everything I know" and rebuild its
 * view from it, then apply TASK_ADDED, TASK_UPDATED, AGENT_ADDED, ... on top.
 *
 * <p>Thread-safe. Events are emitted on a client I/O thread.
 */
public final class OperatorClient implements AutoCloseable {
  static final String PATH = "/api/v1";

  private final Builder options;
  private final Encoding encoding;
  private final OkHttpClient calls;
  private final MasterHttp callHttp;
  private final EventStream<Event> stream;
  private volatile boolean closed;

  private OperatorClient(Builder b) {
    this.options = b;
    this.encoding = b.encoding;
    this.calls = b.callClient();
    this.callHttp = new MasterHttp(calls);
    this.stream = new EventStream<>(new MasterHttp(ClientOptions.streamClient(calls)), b.detector, PATH, encoding,
        Event.getDefaultInstance(), b.streamOptions(), new StreamSession());
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Sends {@code call} to the leading master. Succeeds with the decoded Response on 200, with an
   * empty Response on 202 (calls without an answer, e.g. UPDATE_WEIGHTS); fails with
   * {@link MesosClientException} otherwise. Not retried. Use {@link #subscribe()} for SUBSCRIBE.
   */
  public Single<org.apache.mesos.v1.master.Protos.Response> call(Call call) {
    if (call.getType() == Call.Type.SUBSCRIBE) {
      return Single.error(new IllegalArgumentException("SUBSCRIBE is sent by subscribe(), not call()"));
    }
    return Calls.single(cancel -> {
      URI master = options.detector.leader().blockingGet();
      MasterHttp.Answer answer;
      try {
        answer = callHttp.post(master, PATH, Headers.of("Accept", encoding.mediaType()), MediaType.get(encoding.mediaType()),
            encoding.encode(call), cancel);
      } catch (java.io.IOException e) {
        options.detector.unreachable(master);
        throw e;
      }
      try (Response response = answer.response()) {
        if (!response.isSuccessful()) {
          throw new MesosClientException(response.code(), MasterHttp.text(response));
        }
        byte[] body = response.body().bytes();
        if (response.code() == 202 || body.length == 0) {
          return org.apache.mesos.v1.master.Protos.Response.getDefaultInstance();
        }
        return encoding.decode(body, org.apache.mesos.v1.master.Protos.Response.getDefaultInstance());
      }
    });
  }

  /** A call with just a type, e.g. {@code call(Call.Type.GET_STATE)}. */
  public Single<org.apache.mesos.v1.master.Protos.Response> call(Call.Type type) {
    return call(Call.newBuilder().setType(type).build());
  }

  /**
   * The master's event stream across reconnects; hot and shared like {@link SchedulerClient#events()}.
   * Each (re)connection starts with SUBSCRIBED holding the full state: rebuild from it.
   */
  public Flowable<Event> subscribe() {
    return stream.events();
  }

  /** Completes the stream, cancels its connection and releases what the client owns. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stream.close();
    options.release(calls);
  }

  private final class StreamSession implements EventStream.Session<Event> {
    private final byte[] body = encoding.encode(Call.newBuilder().setType(Call.Type.SUBSCRIBE).build());

    @Override
    public byte[] subscribeBody() {
      return body;
    }

    @Override
    public Headers headers() {
      return Headers.of("Accept", encoding.mediaType());
    }

    @Override
    public Object connected(URI master, Response response) {
      return master;
    }

    @Override
    public void disconnected(Object token) {
    }

    @Override
    public double heartbeatSeconds(Event event) {
      if (event.getType() != Event.Type.SUBSCRIBED) {
        return -1;
      }
      return event.getSubscribed().hasHeartbeatIntervalSeconds() ? event.getSubscribed().getHeartbeatIntervalSeconds() : 0;
    }

    @Override
    public boolean isFinal(Event event) {
      return false;
    }

    @Override
    public boolean finished() {
      return closed;
    }
  }

  /** Builds an {@link OperatorClient}; a master is required. */
  public static final class Builder extends ClientOptions<Builder> {
    private Builder() {
    }

    public OperatorClient build() {
      check();
      return new OperatorClient(this);
    }
  }
}
