package io.mezzo.mesos.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.subscribers.TestSubscriber;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.master.Protos.Call;
import org.apache.mesos.v1.master.Protos.Event;
import org.apache.mesos.v1.master.Protos.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OperatorClientFakeMasterTest {
  private Vertx vertx;
  private FakeMaster fake;
  private FakeMaster leader;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    fake = new FakeMaster(vertx);
    leader = new FakeMaster(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    fake.close();
    leader.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private OperatorClient client() {
    return OperatorClient.builder().master(fake.url()).backoff(new Backoff(Duration.ofMillis(10), Duration.ofMillis(40), 0)).build();
  }

  static Event subscribed(double heartbeat) {
    return Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed.newBuilder()
        .setHeartbeatIntervalSeconds(heartbeat)).build();
  }

  @Test
  void subscribe_redirectedThenStreamBreaks_reconnectsAndStartsAgainWithSnapshot() throws Exception {
    Event added = Event.newBuilder().setType(Event.Type.TASK_ADDED).build();
    for (int i = 0; i < 3; i++) {
      fake.then(FakeMaster.redirect("//127.0.0.1:" + leader.port() + "/api/v1"));
    }
    leader.then(leader.stream(Encoding.JSON, "unused", true, subscribed(15), added))
        .then(leader.stream(Encoding.JSON, "unused", false, subscribed(0.04)))
        .then(leader.stream(Encoding.JSON, "unused", false, subscribed(15)));
    try (OperatorClient c = client()) {
      TestSubscriber<Event> ts = c.subscribe().test();
      assertThat(ts.awaitCount(4).values()).extracting(Event::getType)
          .containsExactly(Event.Type.SUBSCRIBED, Event.Type.TASK_ADDED, Event.Type.SUBSCRIBED, Event.Type.SUBSCRIBED);
      ts.assertNoErrors();
      // closed by the master, then silent for 5 heartbeats: both reconnected, both via the original master's redirect
      assertThat(fake.count.get()).isEqualTo(3);
      FakeMaster.Request request = leader.take();
      assertThat(request.path()).isEqualTo("/api/v1");
      assertThat(Encoding.JSON.decode(request.body(), Call.getDefaultInstance()).getType()).isEqualTo(Call.Type.SUBSCRIBE);
    }
  }

  @Test
  void call_getState_decodesResponseInRequestedEncoding() throws Exception {
    Response state = Response.newBuilder().setType(Response.Type.GET_STATE).setGetState(Response.GetState.newBuilder()
        .setGetTasks(Response.GetTasks.newBuilder())).build();
    fake.then((req, resp) -> resp.putHeader("content-type", "application/x-protobuf")
        .end(io.vertx.core.buffer.Buffer.buffer(state.toByteArray())));
    try (OperatorClient c = OperatorClient.builder().master(fake.url()).encoding(Encoding.PROTOBUF).build()) {
      assertThat(c.call(Call.Type.GET_STATE).blockingGet()).isEqualTo(state);
      FakeMaster.Request request = fake.take();
      assertThat(request.header("Accept")).isEqualTo("application/x-protobuf");
      assertThat(Call.parseFrom(request.body()).getType()).isEqualTo(Call.Type.GET_STATE);
    }
  }

  @Test
  void call_answered400_failsWithTypedError() throws Exception {
    fake.then(FakeMaster.status(400, "Failed to validate master::Call: Expecting 'get_metrics' to be present"));
    try (OperatorClient c = client()) {
      Throwable error = c.call(Call.Type.GET_METRICS).materialize().blockingGet().getError();
      assertThat(error).isInstanceOf(MesosClientException.class);
      assertThat(((MesosClientException) error).status()).isEqualTo(400);
      assertThat(((MesosClientException) error).body()).startsWith("Failed to validate");
    }
  }
}
