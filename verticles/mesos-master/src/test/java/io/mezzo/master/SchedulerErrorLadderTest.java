package io.mezzo.master;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.mesos.proto.MesosJson;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every rung of Mesos's request ladder on {@code /api/v1/scheduler} and {@code /api/v1}, in Mesos's
 * order, checked by status and body: 307 from a follower, 503 while no leader is known, 405, 400
 * without Content-Type, 415, 400 for bodies that do not parse or validate, 406, the stream-id rules,
 * 403 for a disconnected framework, 202/200 on success and 413 above {@code max_request_bytes}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchedulerErrorLadderTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String JSON = "application/json";
  private static final String PROTOBUF = "application/x-protobuf";
  private static final int MAX_BODY = 64 * 1024;

  @TempDir
  static Path dir;

  private MasterFixture fixture;
  private MasterFixture.Deployed leader;
  private MasterFixture.Deployed follower;

  @BeforeAll
  void start() throws Exception {
    fixture = new MasterFixture(dir);
    JsonObject config = new JsonObject().put("max_request_bytes", MAX_BODY);
    MasterFixture.Deployed a = fixture.deploy(config);
    MasterFixture.Deployed b = fixture.deploy(config);
    leader = fixture.leader(List.of(a, b), WAIT);
    follower = leader == a ? b : a;
    // the follower learns the leader's address from the election
    await().atMost(WAIT).until(() -> post(follower, "/api/v1", "{\"type\":\"GET_HEALTH\"}", "Content-Type", JSON).statusCode() == 307);
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  private HttpResponse<byte[]> send(MasterFixture.Deployed m, String method, String path, byte[] body, String... headers)
      throws Exception {
    return fixture.send(method, m.url() + path, body, headers);
  }

  private HttpResponse<byte[]> post(MasterFixture.Deployed m, String path, String body, String... headers) throws Exception {
    return send(m, "POST", path, body.getBytes(UTF_8), headers);
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), UTF_8);
  }

  private static void expect(HttpResponse<byte[]> r, int status, String body) {
    assertThat(r.statusCode()).as(text(r)).isEqualTo(status);
    assertThat(text(r)).isEqualTo(body);
  }

  private static String subscribeJson(String name) {
    return MesosJson.print(Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("root").setName(name).setFailoverTimeout(600))).build());
  }

  @Test
  void follower_redirectsBothApisToTheLeader_beforeAnyOtherCheck() throws Exception {
    String location = "//127.0.0.1:" + leader.port();
    for (String path : List.of("/api/v1/scheduler", "/api/v1")) {
      HttpResponse<byte[]> r = post(follower, path, subscribeJson("redirected"), "Content-Type", JSON);
      assertThat(r.statusCode()).isEqualTo(307);
      assertThat(r.headers().firstValue("Location")).contains(location + path);
      // redirection comes first: even a GET without a body, or a wrong Content-Type, is redirected
      assertThat(send(follower, "GET", path, null).statusCode()).isEqualTo(307);
      assertThat(post(follower, path, "x", "Content-Type", "text/plain").headers().firstValue("Location")).contains(location + path);
    }
    HttpResponse<byte[]> state = send(follower, "GET", "/master/state", null);
    assertThat(state.statusCode()).isEqualTo(307);
    assertThat(state.headers().firstValue("Location")).contains(location + "/master/state");
  }

  /**
   * A contender that holds the lowest election node but has not published an address (a leader that
   * just crashed, or one still starting): no leader is known, so 503 "No leader elected". When that
   * contender's session ends, the waiting master takes over.
   */
  @Test
  void noLeaderKnown_answers503_untilTheWaitingMasterIsElected() throws Exception {
    String zkPath = "/mesos-no-leader";
    CuratorFramework other = fixture.newSession();
    other.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
        .forPath(zkPath + "/leader/_c_0a8e7a3e-0000-4000-8000-000000000000-latch-", new byte[0]);
    MasterFixture.Deployed waiting = fixture.deploy(new JsonObject().put("zk_path", zkPath));
    try {
      for (String path : List.of("/api/v1/scheduler", "/api/v1")) {
        expect(post(waiting, path, subscribeJson("nobody"), "Content-Type", JSON), 503, "No leader elected");
        expect(send(waiting, "GET", path, null), 503, "No leader elected");
      }
      other.close();
      await().atMost(WAIT).until(() -> post(waiting, "/api/v1", "{\"type\":\"GET_HEALTH\"}", "Content-Type", JSON).statusCode() == 200);
    } finally {
      fixture.undeploy(waiting);
    }
  }

  @Test
  void scheduler_requestLadder_inMesosOrder() throws Exception {
    String path = "/api/v1/scheduler";
    HttpResponse<byte[]> get = send(leader, "GET", path, null);
    expect(get, 405, "Expecting a 'POST' request, received 'GET'");
    assertThat(get.headers().firstValue("Allow")).contains("POST");
    expect(send(leader, "PUT", path, "{}".getBytes(UTF_8), "Content-Type", JSON), 405, "Expecting a 'POST' request, received 'PUT'");

    expect(post(leader, path, subscribeJson("no-type")), 400, "Expecting 'Content-Type' to be present");
    // 415 is decided before the body is looked at
    expect(post(leader, path, "not json at all", "Content-Type", "text/plain"), 415,
        "Expecting 'Content-Type' of application/json or application/x-protobuf");

    HttpResponse<byte[]> malformed = post(leader, path, "{\"type\": \"SUBSCRIBE\",", "Content-Type", JSON);
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(text(malformed)).startsWith("Failed to parse body into scheduler::Call: ");
    HttpResponse<byte[]> notAnObject = post(leader, path, "[1,2,3]", "Content-Type", JSON);
    assertThat(notAnObject.statusCode()).isEqualTo(400);
    assertThat(text(notAnObject)).startsWith("Failed to parse body into scheduler::Call: ");
    HttpResponse<byte[]> badProto = send(leader, "POST", path, new byte[] {(byte) 0x0a, (byte) 0xff, (byte) 0xff, 1, 2},
        "Content-Type", PROTOBUF);
    assertThat(badProto.statusCode()).isEqualTo(400);
    assertThat(text(badProto)).startsWith("Failed to parse body into scheduler::Call: ");

    expect(post(leader, path, "{}", "Content-Type", JSON), 400, "Failed to validate scheduler::Call: Expecting 'type' to be present");
    // an unknown enum name in an optional field is dropped, so the call has no type
    expect(post(leader, path, "{\"type\":\"LAUNCH_ROCKETS\"}", "Content-Type", JSON), 400,
        "Failed to validate scheduler::Call: Expecting 'type' to be present");
    expect(post(leader, path, "{\"type\":\"ACCEPT\",\"framework_id\":{\"value\":\"f\"}}", "Content-Type", JSON), 400,
        "Failed to validate scheduler::Call: Expecting 'accept' to be present");
    expect(post(leader, path, "{\"type\":\"DECLINE\",\"decline\":{}}", "Content-Type", JSON), 400,
        "Failed to validate scheduler::Call: Expecting 'framework_id' to be present");
    // validation comes before the Accept header is looked at
    expect(post(leader, path, "{\"type\":\"SUBSCRIBE\"}", "Content-Type", JSON, "Accept", "text/html"), 400,
        "Failed to validate scheduler::Call: Expecting 'subscribe' to be present");

    expect(post(leader, path, subscribeJson("html"), "Content-Type", JSON, "Accept", "text/html"), 406,
        "Expecting 'Accept' to allow application/json or application/x-protobuf");
    expect(post(leader, path, subscribeJson("q0"), "Content-Type", JSON, "Accept", "application/json;q=0"), 406,
        "Expecting 'Accept' to allow application/json or application/x-protobuf");
    // 406 comes before the stream id rule
    expect(post(leader, path, subscribeJson("html"), "Content-Type", JSON, "Accept", "text/html", "Mesos-Stream-Id", "x"), 406,
        "Expecting 'Accept' to allow application/json or application/x-protobuf");
    expect(post(leader, path, subscribeJson("with-stream"), "Content-Type", JSON, "Mesos-Stream-Id", "0b5c4a4e"), 400,
        "Subscribe calls should not include the 'Mesos-Stream-Id' header");

    expect(post(leader, path, "{\"type\":\"REVIVE\",\"framework_id\":{\"value\":\"no-such-framework\"}}",
        "Content-Type", JSON, "Mesos-Stream-Id", "x"), 400, "Framework cannot be found");
  }

  @Test
  void scheduler_subscribedFramework_streamIdRulesAcceptedCallsAndDisconnection() throws Exception {
    String path = "/api/v1/scheduler";
    TestScheduler s = new TestScheduler(leader.url(), JSON);
    Call.Subscribe.Builder subscribe = Call.Subscribe.newBuilder().setFrameworkInfo(FrameworkInfo.newBuilder()
        .setUser("root").setName("ladder").setFailoverTimeout(600));
    assertThat(s.subscribe(Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(subscribe).build())).isEqualTo(200);
    String id = s.frameworkId.getValue();
    assertThat(s.streamId).hasSizeLessThanOrEqualTo(128).isNotBlank();
    String revive = "{\"type\":\"REVIVE\",\"framework_id\":{\"value\":\"" + id + "\"}}";

    expect(post(leader, path, revive, "Content-Type", JSON), 400,
        "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
    expect(post(leader, path, revive, "Content-Type", JSON, "Mesos-Stream-Id", "another-stream"), 400,
        "The stream ID 'another-stream' included in this request didn't match the stream ID currently associated with framework ID " + id);
    expect(post(leader, path, revive, "Content-Type", JSON, "Mesos-Stream-Id", s.streamId), 202, "");
    Call protoRevive = Call.newBuilder().setType(Call.Type.REVIVE).setFrameworkId(s.frameworkId).build();
    expect(send(leader, "POST", path, protoRevive.toByteArray(), "Content-Type", PROTOBUF, "Mesos-Stream-Id", s.streamId), 202, "");

    Call update = Call.newBuilder().setType(Call.Type.UPDATE_FRAMEWORK).setFrameworkId(s.frameworkId)
        .setUpdateFramework(Call.UpdateFramework.newBuilder().setFrameworkInfo(subscribe.getFrameworkInfo().toBuilder()
            .setId(s.frameworkId).setWebuiUrl("http://ladder.example"))).build();
    expect(post(leader, path, MesosJson.print(update), "Content-Type", JSON, "Mesos-Stream-Id", s.streamId), 200, "");
    JsonObject frameworks = new JsonObject(text(post(leader, "/api/v1", "{\"type\":\"GET_FRAMEWORKS\"}", "Content-Type", JSON)));
    assertThat(frameworks.encode()).contains("http://ladder.example");
    Call otherId = update.toBuilder().setUpdateFramework(update.getUpdateFramework().toBuilder().setFrameworkInfo(
        update.getUpdateFramework().getFrameworkInfo().toBuilder().setId(FrameworkID.newBuilder().setValue("someone-else")))).build();
    expect(post(leader, path, MesosJson.print(otherId), "Content-Type", JSON, "Mesos-Stream-Id", s.streamId), 400,
        "'framework_info.id' must match the framework being updated");

    // the stream ends; within its failover timeout the framework is known but not subscribed
    String oldStream = s.streamId;
    s.close();
    await().atMost(WAIT).until(() -> post(leader, path, revive, "Content-Type", JSON, "Mesos-Stream-Id", oldStream).statusCode() == 403);
    expect(post(leader, path, revive, "Content-Type", JSON, "Mesos-Stream-Id", oldStream), 403, "Framework is not subscribed");
    // and it can come back with its id
    TestScheduler again = new TestScheduler(leader.url(), PROTOBUF);
    assertThat(again.subscribe(Call.newBuilder().setType(Call.Type.SUBSCRIBE).setFrameworkId(s.frameworkId)
        .setSubscribe(subscribe.setFrameworkInfo(subscribe.getFrameworkInfo().toBuilder().setId(s.frameworkId))).build())).isEqualTo(200);
    assertThat(again.frameworkId).isEqualTo(s.frameworkId);
    assertThat(again.streamId).isNotEqualTo(oldStream);
    expect(post(leader, path, revive, "Content-Type", JSON, "Mesos-Stream-Id", again.streamId), 202, "");
    again.close();
  }

  @Test
  void bodiesAboveTheLimit_areRefusedWith413() throws Exception {
    byte[] huge = new byte[MAX_BODY * 4];
    java.util.Arrays.fill(huge, (byte) ' ');
    huge[0] = '{';
    huge[huge.length - 1] = '}';
    for (String path : List.of("/api/v1/scheduler", "/api/v1")) {
      expect(send(leader, "POST", path, huge, "Content-Type", JSON), 413, "Request body is larger than 65536 bytes");
    }
    // one byte under the limit is fine (and then fails validation, as an empty call)
    byte[] fits = java.util.Arrays.copyOf(huge, MAX_BODY);
    fits[fits.length - 1] = '}';
    expect(send(leader, "POST", "/api/v1", fits, "Content-Type", JSON), 400, "Failed to validate master::Call: Expecting 'type' to be present");
  }

  @Test
  void operator_requestLadder_inMesosOrder() throws Exception {
    String path = "/api/v1";
    HttpResponse<byte[]> get = send(leader, "GET", path, null);
    expect(get, 405, "Expecting a 'POST' request, received 'GET'");
    assertThat(get.headers().firstValue("Allow")).contains("POST");
    expect(post(leader, path, "{\"type\":\"GET_HEALTH\"}"), 400, "Expecting 'Content-Type' to be present");
    expect(post(leader, path, "{\"type\":\"GET_HEALTH\"}", "Content-Type", "text/plain"), 415,
        "Expecting 'Content-Type' of application/json or application/x-protobuf");
    HttpResponse<byte[]> malformed = post(leader, path, "{\"type\":", "Content-Type", JSON);
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(text(malformed)).startsWith("Failed to parse body into master::Call: ");
    HttpResponse<byte[]> badProto = send(leader, "POST", path, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}, "Content-Type", PROTOBUF);
    assertThat(badProto.statusCode()).isEqualTo(400);
    assertThat(text(badProto)).startsWith("Failed to parse body into master::Call: ");
    expect(post(leader, path, "{\"type\":\"SHUTDOWN_EVERYTHING\"}", "Content-Type", JSON), 400,
        "Failed to validate master::Call: Expecting 'type' to be present");
    // validation comes before the Accept header
    expect(post(leader, path, "{\"type\":\"TEARDOWN\"}", "Content-Type", JSON, "Accept", "text/html"), 400,
        "Failed to validate master::Call: Expecting 'teardown' to be present");
    expect(post(leader, path, "{\"type\":\"MARK_AGENT_GONE\"}", "Content-Type", JSON), 400,
        "Failed to validate master::Call: Expecting 'mark_agent_gone' to be present");
    expect(post(leader, path, "{\"type\":\"GET_HEALTH\"}", "Content-Type", JSON, "Accept", "text/html"), 406,
        "Expecting 'Accept' to allow application/json or application/x-protobuf");

    HttpResponse<byte[]> health = post(leader, path, "{\"type\":\"GET_HEALTH\"}", "Content-Type", JSON, "Accept", PROTOBUF);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.headers().firstValue("Content-Type")).contains(PROTOBUF);
    assertThat(org.apache.mesos.v1.master.Protos.Response.parseFrom(health.body()).getGetHealth().getHealthy()).isTrue();
    expect(post(leader, path, "{\"type\":\"TEARDOWN\",\"teardown\":{\"framework_id\":{\"value\":\"nope\"}}}", "Content-Type", JSON),
        400, "No framework found with specified ID");
  }
}
