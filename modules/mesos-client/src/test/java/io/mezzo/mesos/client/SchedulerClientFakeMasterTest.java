package io.mezzo.mesos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.reactivex.rxjava3.schedulers.TestScheduler;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import io.vertx.core.Vertx;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The scheduler client against a scripted master: framing, redirects, retries, heartbeats, errors. */
class SchedulerClientFakeMasterTest {
  static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder().setUser("root").setName("fake-test").build();
  static final FrameworkID FRAMEWORK_ID = FrameworkID.newBuilder().setValue("m1-0000").build();
  static final Backoff FAST = new Backoff(Duration.ofMillis(10), Duration.ofMillis(40), 0);

  private static Vertx vertx;
  private FakeMaster fake;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start() throws Exception {
    fake = track(new FakeMaster(vertx));
  }

  @AfterEach
  void stop() throws Exception {
    Collections.reverse(closeables);
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T track(T c) {
    closeables.add(c);
    return c;
  }

  private SchedulerClient.Builder client() {
    return SchedulerClient.builder().master(fake.url()).frameworkInfo(FRAMEWORK).backoff(FAST);
  }

  static Event subscribed(double heartbeatSeconds) {
    return Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed.newBuilder()
        .setFrameworkId(FRAMEWORK_ID).setHeartbeatIntervalSeconds(heartbeatSeconds)).build();
  }

  static Event heartbeat() {
    return Event.newBuilder().setType(Event.Type.HEARTBEAT).build();
  }

  static Event update(String taskId, boolean withUuid) {
    TaskStatus.Builder status = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId))
        .setAgentId(AgentID.newBuilder().setValue("m1-S0")).setState(TaskState.TASK_RUNNING);
    if (withUuid) {
      status.setUuid(ByteString.copyFromUtf8("0123456789abcdef"));
    }
    return Event.newBuilder().setType(Event.Type.UPDATE).setUpdate(Event.Update.newBuilder().setStatus(status)).build();
  }

  static Event offers(int n) {
    Event.Offers.Builder offers = Event.Offers.newBuilder();
    for (int i = 0; i < n; i++) {
      offers.addOffers(Protos.Offer.newBuilder().setId(OfferID.newBuilder().setValue("m1-O" + i))
          .setFrameworkId(FRAMEWORK_ID).setAgentId(AgentID.newBuilder().setValue("m1-S" + i)).setHostname("agent-" + i)
          .addAllResources(io.mezzo.mesos.proto.Resources.parse("cpus:4;mem:4096;ports:[31000-32000]", "*")));
    }
    return Event.newBuilder().setType(Event.Type.OFFERS).setOffers(offers).build();
  }

  static Call parseCall(FakeMaster.Request request) throws Exception {
    Encoding encoding = "application/x-protobuf".equals(request.header("Content-Type")) ? Encoding.PROTOBUF : Encoding.JSON;
    return encoding.decode(request.body(), Call.getDefaultInstance());
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void stream_recordsSplitAtEveryChunkBoundary_eventsDecodedInOrder(Encoding encoding) throws Exception {
    Event[] events = {subscribed(15), offers(3), heartbeat(), update("t-1", true)};
    byte[] bytes = FakeMaster.records(encoding, events);
    for (int size = 1; size <= 9; size++) {
      fake.then(fake.stream(encoding, "stream-" + size, FakeMaster.chunks(bytes, size), 0, false));
      try (SchedulerClient c = client().encoding(encoding).build()) {
        TestSubscriber<Event> ts = c.events().test();
        assertThat(ts.awaitCount(events.length).values()).as("chunk size %d", size).containsExactly(events);
        SubscribeRequest req = SubscribeRequest.of(fake.take());
        assertThat(req.contentType).isEqualTo(encoding.mediaType());
        assertThat(req.accept).isEqualTo(encoding.mediaType());
        assertThat(req.call.getSubscribe().getFrameworkInfo().getName()).isEqualTo("fake-test");
        assertThat(c.streamId()).contains("stream-" + size);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void stream_pausesInsideLengthNewlineAndData_eachReadCompletesRecordsCorrectly(Encoding encoding) throws Exception {
    Event[] events = {subscribed(15), offers(1), update("t-1", false)};
    byte[] first = FakeMaster.records(encoding, events[0]);
    byte[] bytes = FakeMaster.records(encoding, events);
    int newline = new String(first, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf('\n');
    // inside the length, right after the newline, inside the data, exactly at the record end, one byte into the next length
    int[] cuts = {1, newline + 1, newline + 3, first.length, first.length + 1};
    fake.then(fake.stream(encoding, "s", FakeMaster.cut(bytes, cuts), 30, false));
    try (SchedulerClient c = client().encoding(encoding).build()) {
      assertThat(c.events().test().awaitCount(3).values()).containsExactly(events);
    }
  }

  @Test
  void subscribe_redirectChainWithProtocolRelativeLocations_streamsFromLeaderAndCallsGoThere() throws Exception {
    FakeMaster b = track(new FakeMaster(vertx));
    FakeMaster leader = track(new FakeMaster(vertx));
    fake.then(FakeMaster.redirect("//127.0.0.1:" + b.port() + "/api/v1/scheduler"));
    b.then(FakeMaster.redirect("//127.0.0.1:" + leader.port() + "/api/v1/scheduler"));
    leader.then(leader.stream(Encoding.JSON, "leader-stream", false, subscribed(15)))
        .then(FakeMaster.status(202, ""));
    try (SchedulerClient c = client().build()) {
      TestSubscriber<Event> ts = c.events().test();
      ts.awaitCount(1);
      assertThat(c.master()).contains(URI.create(leader.url()));
      assertThat(c.frameworkId()).contains(FRAMEWORK_ID);
      assertThat(fake.take().path()).isEqualTo("/api/v1/scheduler");
      assertThat(b.take().path()).isEqualTo("/api/v1/scheduler");
      leader.take();

      assertThat(c.acknowledge(update("t-1", true).getUpdate().getStatus()).blockingAwait(10, TimeUnit.SECONDS)).isTrue();
      FakeMaster.Request ack = leader.take();
      assertThat(ack.header("Mesos-Stream-Id")).isEqualTo("leader-stream");
      Call call = parseCall(ack);
      assertThat(call.getType()).isEqualTo(Call.Type.ACKNOWLEDGE);
      assertThat(call.getFrameworkId()).isEqualTo(FRAMEWORK_ID);
      assertThat(call.getAcknowledge().getUuid().toStringUtf8()).isEqualTo("0123456789abcdef");
      assertThat(fake.count.get() + b.count.get()).isEqualTo(2);
    }
  }

  @Test
  void burstOfCalls_allAnswered_atMostCallThreadsAtOnce() throws Exception {
    java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
    fake.then(fake.stream(Encoding.JSON, "s-1", false, subscribed(15)));
    for (int i = 0; i < 100; i++) {
      fake.then((req, resp) -> {
        most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        vertx.setTimer(20, t -> {
          inFlight.decrementAndGet();
          resp.setStatusCode(202).end();
        });
      });
    }
    try (SchedulerClient c = client().build()) {
      c.events().test().awaitCount(1);
      List<io.reactivex.rxjava3.core.Completable> acks = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        acks.add(c.acknowledge(update("t-" + i, true).getUpdate().getStatus()));
      }
      assertThat(io.reactivex.rxjava3.core.Completable.merge(acks).blockingAwait(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(fake.count.get()).isEqualTo(101);
    assertThat(most.get()).isBetween(2, SchedulerClient.CALL_THREADS);
  }

  @Test
  void subscribe_503NoLeaderThenSuccess_retriesAndStreams() throws Exception {
    List<Duration> delays = Collections.synchronizedList(new ArrayList<>());
    fake.then(FakeMaster.status(503, "No leader elected")).then(FakeMaster.status(503, "Master has not finished recovery"))
        .then(fake.stream(Encoding.JSON, "s", false, subscribed(15), heartbeat()));
    try (SchedulerClient c = client().listener(new ConnectionListener() {
      @Override
      public void disconnected(Throwable cause, Duration reconnectIn) {
        assertThat(cause).isInstanceOf(MesosClientException.class);
        delays.add(reconnectIn);
      }
    }).build()) {
      TestSubscriber<Event> ts = c.events().test();
      assertThat(ts.awaitCount(2).values()).extracting(Event::getType).containsExactly(Event.Type.SUBSCRIBED, Event.Type.HEARTBEAT);
      ts.assertNoErrors();
      assertThat(fake.count.get()).isEqualTo(3);
      assertThat(delays).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20));
    }
  }

  @Test
  void heartbeatSilence_fiveIntervalsAfterSubscribed_reconnectsAndResubscribesWithFrameworkId() throws Exception {
    fake.then(fake.stream(Encoding.JSON, "first", false, subscribed(0.05)))
        .then(fake.stream(Encoding.JSON, "second", false, subscribed(15), heartbeat()));
    try (SchedulerClient c = client().build()) {
      long start = System.nanoTime();
      TestSubscriber<Event> ts = c.events().test();
      ts.awaitCount(3);
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(ts.values()).extracting(Event::getType)
          .containsExactly(Event.Type.SUBSCRIBED, Event.Type.SUBSCRIBED, Event.Type.HEARTBEAT);
      assertThat(elapsedMs).as("5 x 50 ms of silence before giving up").isGreaterThanOrEqualTo(250);

      SubscribeRequest first = SubscribeRequest.of(fake.take());
      assertThat(first.call.hasFrameworkId()).isFalse();
      assertThat(first.call.getSubscribe().getFrameworkInfo().hasId()).isFalse();
      assertThat(first.streamIdHeader).isNull();
      SubscribeRequest second = SubscribeRequest.of(fake.take());
      assertThat(second.call.getFrameworkId()).isEqualTo(FRAMEWORK_ID);
      assertThat(second.call.getSubscribe().getFrameworkInfo().getId()).isEqualTo(FRAMEWORK_ID);
      assertThat(second.streamIdHeader).as("SUBSCRIBE must not carry a stream id").isNull();
      await().atMost(Duration.ofSeconds(5)).until(() -> fake.clientClosed.get() >= 1);
      assertThat(c.streamId()).contains("second");
    }
  }

  @Test
  void streamClosedByMaster_then503s_reconnectsAfterDoublingBackoffOnInjectedScheduler() throws Exception {
    TestScheduler timers = new TestScheduler();
    fake.then(fake.stream(Encoding.JSON, "s1", true, subscribed(15)))
        .then(FakeMaster.status(503, "No leader elected")).then(FakeMaster.status(503, "No leader elected"))
        .then(fake.stream(Encoding.JSON, "s2", false, subscribed(15)));
    List<Duration> delays = Collections.synchronizedList(new ArrayList<>());
    try (SchedulerClient c = SchedulerClient.builder().master(fake.url()).frameworkInfo(FRAMEWORK)
        .timers(timers).random(() -> 0.5).listener(new ConnectionListener() {
          @Override
          public void disconnected(Throwable cause, Duration reconnectIn) {
            delays.add(reconnectIn);
          }
        }).build()) {
      TestSubscriber<Event> ts = c.events().test();
      for (int i = 0; i < 3; i++) {
        int attempt = i;
        await().atMost(Duration.ofSeconds(5)).until(() -> delays.size() == attempt + 1);
        Thread.sleep(30); // the client schedules its timer right after telling the listener
        long delayNanos = delays.get(i).toNanos();
        timers.advanceTimeBy(delayNanos - 1_000_000, TimeUnit.NANOSECONDS);
        Thread.sleep(50);
        assertThat(fake.count.get()).as("no reconnect 1 ms before delay %d", attempt).isEqualTo(attempt + 1);
        timers.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> fake.count.get() == attempt + 2);
      }
      // Default backoff 1 s, 2 s, 4 s (the count restarts at each SUBSCRIBED), each cut by jitter 0.5 x 0.5
      assertThat(delays).containsExactly(Duration.ofMillis(750), Duration.ofMillis(1500), Duration.ofMillis(3000));
      assertThat(ts.awaitCount(2).values()).extracting(Event::getType).containsExactly(Event.Type.SUBSCRIBED, Event.Type.SUBSCRIBED);
      assertThat(SubscribeRequest.of(fake.requests.stream().toList().get(3)).call.getFrameworkId()).isEqualTo(FRAMEWORK_ID);
    }
  }

  @Test
  void errorEvent_frameworkFailedOver_deliveredThenStreamCompletesWithoutReconnect() throws Exception {
    Event error = Event.newBuilder().setType(Event.Type.ERROR).setError(Event.Error.newBuilder().setMessage("Framework failed over")).build();
    fake.then(fake.stream(Encoding.JSON, "s", false, subscribed(15), error));
    try (SchedulerClient c = client().build()) {
      TestSubscriber<Event> ts = c.events().test();
      ts.awaitDone(10, TimeUnit.SECONDS);
      ts.assertComplete().assertNoErrors();
      assertThat(ts.values()).last().extracting(e -> e.getError().getMessage()).isEqualTo("Framework failed over");
      Thread.sleep(200);
      assertThat(fake.count.get()).isEqualTo(1);
    }
  }

  @Test
  void subscribe_answered403_streamFailsWithTypedErrorAndNoRetry() throws Exception {
    fake.then(FakeMaster.status(403, "Framework has been removed"));
    try (SchedulerClient c = client().frameworkId(FRAMEWORK_ID).build()) {
      TestSubscriber<Event> ts = c.events().test();
      ts.awaitDone(10, TimeUnit.SECONDS);
      ts.assertError(e -> e instanceof MesosClientException m && m.status() == 403 && m.body().equals("Framework has been removed"));
      assertThat(SubscribeRequest.of(fake.take()).call.getFrameworkId()).isEqualTo(FRAMEWORK_ID);
      assertThat(fake.count.get()).isEqualTo(1);
    }
  }

  @Test
  void call_answered400_failsWithMesosClientExceptionCarryingStatusAndBody() throws Exception {
    fake.then(fake.stream(Encoding.PROTOBUF, "s", false, subscribed(15)))
        .then(FakeMaster.status(400, "Framework cannot be found"));
    try (SchedulerClient c = client().encoding(Encoding.PROTOBUF).build()) {
      c.events().test().awaitCount(1);
      fake.take();
      Throwable error = errorOf(c.decline(List.of(OfferID.newBuilder().setValue("m1-O1").build()), null));
      assertThat(error).isInstanceOf(MesosClientException.class);
      assertThat(((MesosClientException) error).status()).isEqualTo(400);
      assertThat(((MesosClientException) error).body()).isEqualTo("Framework cannot be found");
      FakeMaster.Request decline = fake.take();
      assertThat(decline.header("Content-Type")).isEqualTo("application/x-protobuf");
      assertThat(decline.header("Mesos-Stream-Id")).isEqualTo("s");
      assertThat(parseCall(decline).getDecline().getOfferIds(0).getValue()).isEqualTo("m1-O1");
    }
  }

  @Test
  void acknowledge_updateWithoutUuid_sendsNothing() throws Exception {
    fake.then(fake.stream(Encoding.JSON, "s", false, subscribed(15)));
    try (SchedulerClient c = client().build()) {
      c.events().test().awaitCount(1);
      fake.take();
      assertThat(c.acknowledge(update("t-1", false).getUpdate().getStatus()).blockingAwait(5, TimeUnit.SECONDS)).isTrue();
      Thread.sleep(100);
      assertThat(fake.count.get()).isEqualTo(1);
    }
  }

  @Test
  void call_beforeSubscribed_failsWithoutSendingAnything() {
    try (SchedulerClient c = client().build()) {
      assertThat(errorOf(c.revive(List.of()))).isInstanceOf(IllegalStateException.class);
      assertThat(fake.count.get()).isZero();
    }
  }

  @Test
  void staticMasters_firstUnreachable_movesToNextMaster() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    List<Throwable> causes = Collections.synchronizedList(new ArrayList<>());
    fake.then(fake.stream(Encoding.JSON, "s", false, subscribed(15)));
    try (SchedulerClient c = SchedulerClient.builder().masters(List.of(URI.create("http://127.0.0.1:" + closedPort), URI.create(fake.url())))
        .frameworkInfo(FRAMEWORK).backoff(FAST).listener(new ConnectionListener() {
          @Override
          public void disconnected(Throwable cause, Duration reconnectIn) {
            causes.add(cause);
          }
        }).build()) {
      c.events().test().awaitCount(1).assertValueCount(1);
      assertThat(causes).hasSize(1).first().isInstanceOf(ConnectException.class);
      assertThat(c.master()).contains(URI.create(fake.url()));
    }
  }

  @Test
  void teardown_accepted_streamCompletesWhenMasterClosesItInsteadOfReconnecting() throws Exception {
    fake.then(fake.stream(Encoding.JSON, "s", false, subscribed(15))).then(FakeMaster.status(202, ""));
    try (SchedulerClient c = client().build()) {
      TestSubscriber<Event> ts = c.events().test();
      ts.awaitCount(1);
      fake.take();
      assertThat(errorOf(c.teardown())).isNull();
      assertThat(parseCall(fake.take()).getType()).isEqualTo(Call.Type.TEARDOWN);
      fake.endStreams();
      ts.awaitDone(5, TimeUnit.SECONDS).assertComplete().assertNoErrors();
      Thread.sleep(100);
      assertThat(fake.count.get()).isEqualTo(2);
    }
  }

  @Test
  void close_whileStreaming_completesSubscribersAndCancelsConnection() throws Exception {
    fake.then(fake.stream(Encoding.JSON, "s", false, subscribed(15)));
    SchedulerClient c = client().build();
    TestSubscriber<Event> ts = c.events().test();
    ts.awaitCount(1);
    c.close();
    ts.awaitDone(5, TimeUnit.SECONDS).assertComplete();
    await().atMost(Duration.ofSeconds(5)).until(() -> fake.clientClosed.get() >= 1);
  }

  /** The error a Completable ends with, or null. */
  static Throwable errorOf(io.reactivex.rxjava3.core.Completable completable) {
    return completable.materialize().timeout(10, TimeUnit.SECONDS).blockingGet().getError();
  }

  /** A recorded SUBSCRIBE request. */
  record SubscribeRequest(Call call, String contentType, String accept, String streamIdHeader) {
    static SubscribeRequest of(FakeMaster.Request r) throws Exception {
      Call call = parseCall(r);
      assertThat(call.getType()).isEqualTo(Call.Type.SUBSCRIBE);
      return new SubscribeRequest(call, r.header("Content-Type"), r.header("Accept"), r.header("Mesos-Stream-Id"));
    }
  }
}
