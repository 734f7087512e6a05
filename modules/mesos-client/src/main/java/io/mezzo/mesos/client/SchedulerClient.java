package io.mezzo.mesos.client;

import com.google.protobuf.ByteString;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * A Mesos v1 scheduler API client ({@code POST /api/v1/scheduler}).
 *
 * <p>{@link #events()} subscribes the framework and streams its events. The stream reconnects by
 * itself (see {@link EventStream} and the module README): after an I/O error, a 5xx, the master
 * closing the connection or ~{@code heartbeatMisses} silent heartbeat intervals it waits a capped,
 * jittered exponential backoff and SUBSCRIBEs again, carrying the framework id learnt from the first
 * SUBSCRIBED event, so the master treats it as a failover of the same framework. Each new connection
 * starts with a new SUBSCRIBED event; a scheduler should reconcile after every one of them. The
 * stream ends with an error on a 4xx answer to SUBSCRIBE, and completes after an ERROR event (which is
 * delivered), after {@link #teardown()}, or on {@link #close()}.
 *
 * <p>Calls are sent to the master holding the current stream with its {@code Mesos-Stream-Id}; they
 * fail with {@link IllegalStateException} while no stream is open, with {@link MesosClientException}
 * on a non-2xx answer and with an {@link java.io.IOException} when the master cannot be reached.
 * Calls are not retried. Every {@code Completable} is cold: nothing is sent until it is subscribed.
 *
 * <p>Thread-safe. Events are emitted on a client I/O thread (use {@code observeOn} for your own);
 * they are buffered if the consumer is slower than the master.
 */
public final class SchedulerClient implements AutoCloseable {
  static final String PATH = "/api/v1/scheduler";
  static final String STREAM_ID = "Mesos-Stream-Id";
  private static final double DEFAULT_HEARTBEAT_SECONDS = 15;

  private final Builder options;
  private final Encoding encoding;
  private final OkHttpClient calls;
  private final MasterHttp callHttp;
  private final EventStream<Event> stream;
  private volatile FrameworkInfo frameworkInfo;
  private volatile List<String> suppressedRoles;
  private volatile FrameworkID frameworkId;
  private volatile Connection connection;
  /**
   * Calls run on at most this many threads per client: a burst (thousands of ACKNOWLEDGEs) queues instead of
   * opening a thread and a connection per call, which made every call slower (the connection pool is scanned per
   * call) than the calls themselves. Idle threads end after 10 s, so a closed client leaves none behind (and a
   * call made after close still runs and fails as before, instead of being refused by a shut-down pool).
   */
  static final int CALL_THREADS = 8;
  private final java.util.concurrent.ThreadPoolExecutor callThreads = callThreads();

  private static java.util.concurrent.ThreadPoolExecutor callThreads() {
    java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(CALL_THREADS,
        CALL_THREADS, 10, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "mesos-scheduler-call");
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private final io.reactivex.rxjava3.core.Scheduler callScheduler =
      io.reactivex.rxjava3.schedulers.Schedulers.from(callThreads);
  private volatile boolean tearingDown;
  private volatile boolean closed;

  private record Connection(URI master, String streamId) {
  }

  private SchedulerClient(Builder b) {
    this.options = b;
    this.encoding = b.encoding;
    this.frameworkInfo = b.frameworkInfo;
    this.suppressedRoles = List.copyOf(b.suppressedRoles);
    this.frameworkId = b.frameworkId != null ? b.frameworkId : b.frameworkInfo.hasId() ? b.frameworkInfo.getId() : null;
    this.calls = b.callClient();
    this.callHttp = new MasterHttp(calls);
    this.stream = new EventStream<>(new MasterHttp(ClientOptions.streamClient(calls)), b.detector, PATH, encoding,
        Event.getDefaultInstance(), b.streamOptions(), new StreamSession());
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The framework's events, from SUBSCRIBED on, across reconnects. Hot and shared: the first
   * subscriber opens the subscription, later ones join it (and miss earlier events), and when the
   * last one cancels the connection is closed; subscribing again then re-subscribes as a failover.
   */
  public Flowable<Event> events() {
    return stream.events();
  }

  /** The framework id: given to the builder, or learnt from the first SUBSCRIBED event. */
  public Optional<FrameworkID> frameworkId() {
    return Optional.ofNullable(frameworkId);
  }

  /** The {@code Mesos-Stream-Id} of the open stream. */
  public Optional<String> streamId() {
    Connection c = connection;
    return c == null ? Optional.empty() : Optional.of(c.streamId());
  }

  /** The master holding the open stream (the leader, after redirects). */
  public Optional<URI> master() {
    Connection c = connection;
    return c == null ? Optional.empty() : Optional.of(c.master());
  }

  /**
   * Sends any call but SUBSCRIBE, with this framework's id filled in. Completes on 202 (200 for
   * UPDATE_FRAMEWORK).
   */
  public Completable call(Call call) {
    if (call.getType() == Call.Type.SUBSCRIBE) {
      return Completable.error(new IllegalArgumentException("SUBSCRIBE is sent by events(), not call()"));
    }
    return Calls.completable(callScheduler, cancel -> {
      Connection c = connection;
      FrameworkID id = frameworkId;
      if (c == null || id == null) {
        throw new IllegalStateException("Framework is not subscribed: no event stream is open");
      }
      byte[] body = encoding.encode(call.toBuilder().setFrameworkId(id).build());
      MasterHttp.Answer answer = callHttp.post(c.master(), PATH, Headers.of(STREAM_ID, c.streamId()),
          okhttp3.MediaType.get(encoding.mediaType()), body, cancel);
      try (Response response = answer.response()) {
        if (!response.isSuccessful()) {
          throw new MesosClientException(response.code(), MasterHttp.text(response));
        }
      }
    });
  }

  /** ACCEPT: apply {@code operations} (LAUNCH, RESERVE, ...) to the offers; unused resources go back with {@code filters}. */
  public Completable accept(Collection<OfferID> offerIds, Collection<Offer.Operation> operations, Filters filters) {
    Call.Accept.Builder accept = Call.Accept.newBuilder().addAllOfferIds(offerIds).addAllOperations(operations);
    if (filters != null) {
      accept.setFilters(filters);
    }
    return call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(accept).build());
  }

  /** DECLINE the offers; {@code filters} (may be null) sets how long they stay away (Mesos default 5 s). */
  public Completable decline(Collection<OfferID> offerIds, Filters filters) {
    Call.Decline.Builder decline = Call.Decline.newBuilder().addAllOfferIds(offerIds);
    if (filters != null) {
      decline.setFilters(filters);
    }
    return call(Call.newBuilder().setType(Call.Type.DECLINE).setDecline(decline).build());
  }

  /** REVIVE offers for {@code roles} (all of the framework's roles when empty), clearing filters. */
  public Completable revive(Collection<String> roles) {
    return call(Call.newBuilder().setType(Call.Type.REVIVE).setRevive(Call.Revive.newBuilder().addAllRoles(roles)).build());
  }

  /** SUPPRESS offers for {@code roles} (all when empty). Not remembered across reconnects; see {@link Builder#suppressedRoles}. */
  public Completable suppress(Collection<String> roles) {
    return call(Call.newBuilder().setType(Call.Type.SUPPRESS).setSuppress(Call.Suppress.newBuilder().addAllRoles(roles)).build());
  }

  /** KILL a task; {@code agentId} may be null when unknown. */
  public Completable kill(TaskID taskId, AgentID agentId) {
    Call.Kill.Builder kill = Call.Kill.newBuilder().setTaskId(taskId);
    if (agentId != null) {
      kill.setAgentId(agentId);
    }
    return call(Call.newBuilder().setType(Call.Type.KILL).setKill(kill).build());
  }

  /** SHUTDOWN an executor and its tasks. */
  public Completable shutdown(ExecutorID executorId, AgentID agentId) {
    return call(Call.newBuilder().setType(Call.Type.SHUTDOWN)
        .setShutdown(Call.Shutdown.newBuilder().setExecutorId(executorId).setAgentId(agentId)).build());
  }

  /**
   * ACKNOWLEDGE a status update. Only updates carrying a {@code uuid} expect one (those from the
   * agent); for the others (reconciliation answers, master-generated updates) this completes at once
   * without sending anything, so it is safe to call for every UPDATE event.
   */
  public Completable acknowledge(TaskStatus status) {
    if (!status.hasUuid() || status.getUuid().isEmpty()) {
      return Completable.complete();
    }
    if (!status.hasAgentId()) {
      return Completable.error(new IllegalArgumentException("Status update of task '" + status.getTaskId().getValue()
          + "' has a uuid but no agent id"));
    }
    return acknowledge(status.getAgentId(), status.getTaskId(), status.getUuid());
  }

  /** ACKNOWLEDGE with explicit fields. */
  public Completable acknowledge(AgentID agentId, TaskID taskId, ByteString uuid) {
    return call(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE)
        .setAcknowledge(Call.Acknowledge.newBuilder().setAgentId(agentId).setTaskId(taskId).setUuid(uuid)).build());
  }

  /** RECONCILE: explicit for the given tasks, implicit (every task the master knows) when empty. */
  public Completable reconcile(Collection<Call.Reconcile.Task> tasks) {
    return call(Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(Call.Reconcile.newBuilder().addAllTasks(tasks)).build());
  }

  /** MESSAGE: opaque data to an executor. */
  public Completable message(AgentID agentId, ExecutorID executorId, ByteString data) {
    return call(Call.newBuilder().setType(Call.Type.MESSAGE).setMessage(Call.Message.newBuilder()
        .setAgentId(agentId).setExecutorId(executorId).setData(data)).build());
  }

  /**
   * TEARDOWN: the master kills all tasks and removes the framework for good. Once sent, the event
   * stream completes when the master closes it instead of reconnecting.
   */
  public Completable teardown() {
    return Completable.fromAction(() -> tearingDown = true)
        .andThen(call(Call.newBuilder().setType(Call.Type.TEARDOWN).build()))
        .doOnError(e -> tearingDown = false);
  }

  /**
   * UPDATE_FRAMEWORK: changes the FrameworkInfo (name, roles, capabilities, ...) and the suppressed
   * roles without re-subscribing. On success later re-subscriptions use the new values. The id is
   * filled in from the subscription when {@code info} has none.
   */
  public Completable updateFramework(FrameworkInfo info, Collection<String> suppressedRoles) {
    return Completable.defer(() -> {
      FrameworkID id = frameworkId;
      FrameworkInfo withId = info.hasId() || id == null ? info : info.toBuilder().setId(id).build();
      List<String> roles = List.copyOf(suppressedRoles);
      return call(Call.newBuilder().setType(Call.Type.UPDATE_FRAMEWORK).setUpdateFramework(Call.UpdateFramework.newBuilder()
          .setFrameworkInfo(withId).addAllSuppressedRoles(roles)).build())
          .doOnComplete(() -> {
            frameworkInfo = withId;
            this.suppressedRoles = roles;
          });
    });
  }

  /** Completes the event stream, cancels its connection and releases what the client owns. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stream.close();
    options.release(calls);
  }

  private Call subscribeCall() {
    FrameworkInfo.Builder info = frameworkInfo.toBuilder();
    Call.Builder call = Call.newBuilder().setType(Call.Type.SUBSCRIBE);
    FrameworkID id = frameworkId;
    if (id != null) {
      info.setId(id);
      call.setFrameworkId(id);
    }
    return call.setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info).addAllSuppressedRoles(suppressedRoles)).build();
  }

  private final class StreamSession implements EventStream.Session<Event> {
    @Override
    public byte[] subscribeBody() {
      return encoding.encode(subscribeCall());
    }

    @Override
    public Headers headers() {
      return Headers.of("Accept", encoding.mediaType());
    }

    @Override
    public Object connected(URI master, Response response) {
      String streamId = response.header(STREAM_ID);
      if (streamId == null || streamId.isEmpty()) {
        throw new MesosClientException(response.code(), "SUBSCRIBE answer from '" + master + "' has no " + STREAM_ID + " header");
      }
      Connection c = new Connection(master, streamId);
      connection = c;
      return c;
    }

    @Override
    public void disconnected(Object token) {
      if (connection == token) {
        connection = null;
      }
    }

    @Override
    public double heartbeatSeconds(Event event) {
      if (event.getType() != Event.Type.SUBSCRIBED) {
        return -1;
      }
      Event.Subscribed subscribed = event.getSubscribed();
      frameworkId = subscribed.getFrameworkId();
      return subscribed.hasHeartbeatIntervalSeconds() ? subscribed.getHeartbeatIntervalSeconds() : DEFAULT_HEARTBEAT_SECONDS;
    }

    @Override
    public boolean isFinal(Event event) {
      return event.getType() == Event.Type.ERROR;
    }

    @Override
    public boolean finished() {
      return closed || tearingDown;
    }
  }

  /** Builds a {@link SchedulerClient}; a master and a FrameworkInfo are required. */
  public static final class Builder extends ClientOptions<Builder> {
    private FrameworkInfo frameworkInfo;
    private FrameworkID frameworkId;
    private List<String> suppressedRoles = List.of();

    private Builder() {
    }

    /** The framework to subscribe ({@code user} and {@code name} are required by Mesos). */
    public Builder frameworkInfo(FrameworkInfo info) {
      this.frameworkInfo = Objects.requireNonNull(info);
      return this;
    }

    /**
     * Subscribe as this existing framework (e.g. a stored id after a scheduler failover); overrides
     * {@code FrameworkInfo.id}.
     */
    public Builder frameworkId(FrameworkID id) {
      this.frameworkId = Objects.requireNonNull(id);
      return this;
    }

    /** Roles to subscribe suppressed (Subscribe.suppressed_roles), on every (re-)subscription. */
    public Builder suppressedRoles(Collection<String> roles) {
      this.suppressedRoles = List.copyOf(roles);
      return this;
    }

    public SchedulerClient build() {
      check();
      if (frameworkInfo == null) {
        throw new IllegalStateException("frameworkInfo(...) is required");
      }
      return new SchedulerClient(this);
    }
  }
}
