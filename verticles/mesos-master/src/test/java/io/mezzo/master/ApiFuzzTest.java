package io.mezzo.master;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.master.sim.SimulatedAgent;
import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.proto.Resources;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of {@code /api/v1/scheduler} and {@code /api/v1} for about five seconds: mutated
 * JSON and protobuf calls, RecordIO-framed and truncated bodies, garbage, bodies above the limit,
 * unknown enum names, wrong Content-Types, Accept headers and methods, with and without a real
 * framework's stream id. While it runs, one framework is subscribed with a task running on a
 * simulated agent. Every answer must come within the per-request timeout and be below 500 (the only
 * 5xx allowed is 501 for a well-formed call this master does not implement); afterwards the framework
 * still gets heartbeats and offers and can launch. Set {@code -Dfuzz.seed} to replay a run.
 */
class ApiFuzzTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Duration BUDGET = Duration.ofSeconds(5);
  private static final int MAX_BODY = 256 * 1024;
  /** Operator calls that this master answers with 501 (documented in docs/mesos-master.md): none of those fuzzed. */
  private static final Set<String> NOT_IMPLEMENTED = Set.of();

  @TempDir
  Path dir;

  private MasterFixture fixture;
  private final Level rootLevel = Logger.getLogger("").getLevel();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void stop() throws Exception {
    Logger.getLogger("").setLevel(rootLevel);
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void fuzzedRequests_neverFailTheServer_andTheSubscribedFrameworkKeepsWorking() throws Exception {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    Random random = new Random(seed);
    fixture = new MasterFixture(dir);
    MasterFixture.Deployed master = fixture.deploy(new JsonObject().put("heartbeat_interval_seconds", 1)
        .put("max_request_bytes", MAX_BODY));
    fixture.leader(List.of(master), WAIT);
    SimulatedAgent agent = new SimulatedAgent(fixture.vertx, "fuzz-agent.example", "cpus:8;mem:8192;disk:1000;ports:[31000-32000]", 200);
    fixture.onLoop(agent::start);

    TestScheduler steady = new TestScheduler(master.url(), TestScheduler.JSON);
    assertThat(steady.subscribe(subscribe("steady"))).isEqualTo(200);
    launch(steady, "steady-1");

    TestScheduler victim = newVictim(master);
    Map<Integer, Integer> statuses = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    long deadline = System.nanoTime() + BUDGET.toNanos();
    int requests = 0;
    while (System.nanoTime() < deadline && failures.size() < 5) {
      if (requests % 100 == 99 && !victim.streamOpen()) {
        victim = newVictim(master);
      }
      boolean scheduler = random.nextBoolean();
      Fuzzed f = scheduler ? schedulerRequest(random, victim, agent.agentId()) : operatorRequest(random, victim);
      String path = scheduler ? "/api/v1/scheduler" : "/api/v1";
      int status;
      try {
        status = send(master.url() + path, f);
      } catch (HttpTimeoutException e) {
        failures.add("no answer within 5 s to " + f.describe(path));
        continue;
      } catch (IOException e) {
        // the server may close the connection on a body above the limit while it is still being sent
        assertThat(f.body().length).as("connection failed for " + f.describe(path) + ": " + e).isGreaterThan(MAX_BODY);
        status = 413;
      }
      requests++;
      statuses.merge(status, 1, Integer::sum);
      if (status >= 500 && !(status == 501 && notImplemented(scheduler, f))) {
        failures.add(status + " for " + f.describe(path));
      }
    }
    victim.close();
    assertThat(failures).as("seed " + seed + ", statuses " + statuses).isEmpty();
    assertThat(requests).as("requests in " + BUDGET).isGreaterThan(200);
    assertThat(statuses.keySet()).as("seed " + seed).contains(200, 202, 400);

    // the framework that was subscribed all along still works
    steady.next(e -> e.getType() == Event.Type.HEARTBEAT, WAIT);
    assertThat(steady.call(Call.newBuilder().setType(Call.Type.REVIVE).build()).statusCode()).isEqualTo(202);
    launch(steady, "after-fuzz");
    JsonObject tasks = new JsonObject(fixture.post(master.url() + "/api/v1", "application/json", null, "{\"type\":\"GET_TASKS\"}").body());
    assertThat(tasks.getJsonObject("get_tasks").getJsonArray("tasks").stream().map(t -> ((JsonObject) t).getString("state")
        + " " + ((JsonObject) t).getJsonObject("task_id").getString("value")))
        .contains("TASK_RUNNING steady-1", "TASK_RUNNING after-fuzz");
    steady.close();
  }

  private static Call subscribe(String name) {
    return Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("root").setName(name).setFailoverTimeout(3600)
            .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE)))).build();
  }

  private TestScheduler newVictim(MasterFixture.Deployed master) throws Exception {
    TestScheduler victim = new TestScheduler(master.url(), TestScheduler.PROTOBUF);
    assertThat(victim.subscribe(subscribe("victim"))).isEqualTo(200);
    return victim;
  }

  /** Takes the next offer, launches one small task on it and waits for TASK_RUNNING (acknowledged). */
  private static void launch(TestScheduler s, String taskId) throws Exception {
    Offer offer = s.next(e -> e.getType() == Event.Type.OFFERS, WAIT).getOffers().getOffers(0);
    TaskInfo task = TaskInfo.newBuilder().setName(taskId).setTaskId(TaskID.newBuilder().setValue(taskId))
        .setAgentId(offer.getAgentId()).setCommand(CommandInfo.newBuilder().setValue("sleep 1000"))
        .addAllResources(Resources.parse("cpus:0.5;mem:64", "*")).build();
    assertThat(s.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)))
        .setFilters(Filters.newBuilder().setRefuseSeconds(0))).build()).statusCode()).isEqualTo(202);
    TaskStatus running = s.next(e -> e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().getTaskId().getValue().equals(taskId)
        && e.getUpdate().getStatus().getState() == TaskState.TASK_RUNNING, WAIT).getUpdate().getStatus();
    assertThat(s.call(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
        .setAgentId(running.getAgentId()).setTaskId(running.getTaskId()).setUuid(running.getUuid())).build()).statusCode()).isEqualTo(202);
  }

  // ---- requests --------------------------------------------------------------------------------

  record Fuzzed(String method, String contentType, String accept, String streamId, byte[] body, String kind) {
    String describe(String path) {
      String shown = new String(body, 0, Math.min(body.length, 300), UTF_8);
      return method + " " + path + " [" + kind + "] Content-Type=" + contentType + " Accept=" + accept + " Mesos-Stream-Id="
          + streamId + " body(" + body.length + ")=" + shown;
    }
  }

  private int send(String url, Fuzzed f) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
        .method(f.method(), HttpRequest.BodyPublishers.ofByteArray(f.body()));
    if (f.contentType() != null) {
      b.header("Content-Type", f.contentType());
    }
    if (f.accept() != null) {
      b.header("Accept", f.accept());
    }
    if (f.streamId() != null) {
      b.header("Mesos-Stream-Id", f.streamId());
    }
    HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      if (r.headers().firstValue("content-length").isPresent()) {
        in.readAllBytes();
      }
      // otherwise a SUBSCRIBE stream: closing it ends the subscription
    }
    return r.statusCode();
  }

  private static boolean notImplemented(boolean scheduler, Fuzzed f) {
    try {
      if (scheduler) {
        Call call = parse(f, Call.getDefaultInstance());
        return call.getType() == Call.Type.UNKNOWN;
      }
      return NOT_IMPLEMENTED.contains(parse(f, org.apache.mesos.v1.master.Protos.Call.getDefaultInstance()).getType().name());
    } catch (RuntimeException | IOException e) {
      return false;
    }
  }

  @SuppressWarnings("unchecked")
  private static <M extends com.google.protobuf.Message> M parse(Fuzzed f, M prototype) throws IOException {
    if (f.contentType().startsWith(TestScheduler.PROTOBUF)) {
      return (M) prototype.getParserForType().parseFrom(f.body());
    }
    return MesosJson.parse(new String(f.body(), UTF_8), prototype);
  }

  private static final String[] CONTENT_TYPES = {"text/plain", "application/json; charset=utf-8", "APPLICATION/JSON",
      "application/x-protobuf; proto=mesos.v1.scheduler.Call", "application/recordio", "multipart/form-data; boundary=x", "",
      "application/", "*/*", ";;;", "application/json, application/x-protobuf"};
  private static final String[] ACCEPTS = {"text/html", "application/json;q=0", "*/*;q=0", "application/*", "*/*",
      "application/json;q=abc", ";;", "application/recordio", "application/x-protobuf, application/json;q=0.5", ""};
  private static final String[] METHODS = {"GET", "PUT", "DELETE", "PATCH", "OPTIONS"};

  private Fuzzed schedulerRequest(Random random, TestScheduler victim, String agentId) {
    String fid = victim.frameworkId.getValue();
    List<String> templates = List.of(
        MesosJson.print(subscribe("fuzz")),
        "{\"type\":\"SUBSCRIBE\",\"framework_id\":{\"value\":\"" + fid + "\"},\"subscribe\":{\"framework_info\":{\"user\":\"u\","
            + "\"name\":\"victim\",\"id\":{\"value\":\"" + fid + "\"},\"roles\":[\"a\",\"b\"],\"capabilities\":[{\"type\":\"MULTI_ROLE\"}]},"
            + "\"suppressed_roles\":[\"b\"]}}",
        "{\"type\":\"ACCEPT\",\"framework_id\":{\"value\":\"" + fid + "\"},\"accept\":{\"offer_ids\":[{\"value\":\"o-1\"}],"
            + "\"operations\":[{\"type\":\"LAUNCH\",\"launch\":{\"task_infos\":[{\"name\":\"t\",\"task_id\":{\"value\":\"t1\"},"
            + "\"agent_id\":{\"value\":\"" + agentId + "\"},\"resources\":[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":1}}],"
            + "\"command\":{\"value\":\"true\"}}]}},{\"type\":\"RESERVE\",\"reserve\":{\"resources\":[]}}],\"filters\":{\"refuse_seconds\":1}}}",
        "{\"type\":\"DECLINE\",\"framework_id\":{\"value\":\"" + fid + "\"},\"decline\":{\"offer_ids\":[{\"value\":\"o-2\"}],"
            + "\"filters\":{\"refuse_seconds\":1e300}}}",
        "{\"type\":\"REVIVE\",\"framework_id\":{\"value\":\"" + fid + "\"},\"revive\":{\"roles\":[\"*\"]}}",
        "{\"type\":\"SUPPRESS\",\"framework_id\":{\"value\":\"" + fid + "\"},\"suppress\":{\"roles\":[]}}",
        "{\"type\":\"KILL\",\"framework_id\":{\"value\":\"" + fid + "\"},\"kill\":{\"task_id\":{\"value\":\"t1\"},"
            + "\"agent_id\":{\"value\":\"" + agentId + "\"},\"kill_policy\":{\"grace_period\":{\"nanoseconds\":5}}}}",
        "{\"type\":\"SHUTDOWN\",\"framework_id\":{\"value\":\"" + fid + "\"},\"shutdown\":{\"executor_id\":{\"value\":\"e\"},"
            + "\"agent_id\":{\"value\":\"" + agentId + "\"}}}",
        "{\"type\":\"ACKNOWLEDGE\",\"framework_id\":{\"value\":\"" + fid + "\"},\"acknowledge\":{\"agent_id\":{\"value\":\"" + agentId
            + "\"},\"task_id\":{\"value\":\"t1\"},\"uuid\":\"AAECAwQFBgcICQoLDA0ODw==\"}}",
        "{\"type\":\"RECONCILE\",\"framework_id\":{\"value\":\"" + fid + "\"},\"reconcile\":{\"tasks\":[{\"task_id\":{\"value\":\"t1\"},"
            + "\"agent_id\":{\"value\":\"" + agentId + "\"}},{\"task_id\":{\"value\":\"t2\"}}]}}",
        "{\"type\":\"MESSAGE\",\"framework_id\":{\"value\":\"" + fid + "\"},\"message\":{\"agent_id\":{\"value\":\"" + agentId
            + "\"},\"executor_id\":{\"value\":\"e\"},\"data\":\"aGVsbG8=\"}}",
        "{\"type\":\"UPDATE_FRAMEWORK\",\"framework_id\":{\"value\":\"" + fid + "\"},\"update_framework\":{\"framework_info\":"
            + "{\"user\":\"u\",\"name\":\"victim\",\"id\":{\"value\":\"" + fid + "\"}}}}",
        "{\"type\":\"UNKNOWN\",\"framework_id\":{\"value\":\"" + fid + "\"}}",
        "{\"type\":\"TEARDOWN\",\"framework_id\":{\"value\":\"" + fid + "\"}}",
        "{\"type\":\"REQUEST\",\"framework_id\":{\"value\":\"" + fid + "\"},\"request\":{\"requests\":[]}}");
    return request(random, templates, Call.getDefaultInstance(), victim.streamId);
  }

  private Fuzzed operatorRequest(Random random, TestScheduler victim) {
    List<String> templates = new ArrayList<>();
    for (String type : List.of("GET_HEALTH", "GET_FLAGS", "GET_VERSION", "GET_METRICS", "GET_LOGGING_LEVEL", "GET_STATE",
        "GET_AGENTS", "GET_FRAMEWORKS", "GET_EXECUTORS", "GET_TASKS", "GET_ROLES", "GET_WEIGHTS", "GET_MASTER",
        "GET_MAINTENANCE_STATUS", "GET_MAINTENANCE_SCHEDULE", "GET_QUOTA", "GET_OPERATIONS", "SUBSCRIBE")) {
      templates.add("{\"type\":\"" + type + "\"}");
    }
    templates.add("{\"type\":\"UPDATE_WEIGHTS\",\"update_weights\":{\"weight_infos\":[{\"role\":\"fuzz\",\"weight\":2.5}]}}");
    templates.add("{\"type\":\"UPDATE_QUOTA\",\"update_quota\":{\"force\":true,\"quota_configs\":[{\"role\":\"fuzz\","
        + "\"limits\":{\"cpus\":{\"value\":1},\"mem\":{\"value\":64}}}]}}");
    templates.add("{\"type\":\"TEARDOWN\",\"teardown\":{\"framework_id\":{\"value\":\"" + victim.frameworkId.getValue() + "\"}}}");
    for (String type : List.of("MARK_AGENT_GONE", "DEACTIVATE_AGENT", "REACTIVATE_AGENT")) {
      templates.add("{\"type\":\"" + type + "\",\"" + type.toLowerCase() + "\":{\"agent_id\":{\"value\":\"fuzz-agent-id\"}}}");
    }
    templates.add("{\"type\":\"DRAIN_AGENT\",\"drain_agent\":{\"agent_id\":{\"value\":\"fuzz\"},\"max_grace_period\":"
        + "{\"seconds\":1,\"nanos\":5},\"mark_gone\":true}}");
    templates.add("{\"type\":\"SET_LOGGING_LEVEL\",\"set_logging_level\":{\"level\":1,\"duration\":{\"nanoseconds\":1000000}}}");
    templates.add("{\"type\":\"READ_FILE\",\"read_file\":{\"path\":\"/master/log\",\"offset\":0,\"length\":10}}");
    templates.add("{\"type\":\"LIST_FILES\",\"list_files\":{\"path\":\"/\"}}");
    templates.add("{\"type\":\"START_MAINTENANCE\",\"start_maintenance\":{\"machines\":[{\"hostname\":\"h\",\"ip\":\"1.2.3.4\"}]}}");
    templates.add("{\"type\":\"UPDATE_MAINTENANCE_SCHEDULE\",\"update_maintenance_schedule\":{\"schedule\":{\"windows\":[]}}}");
    templates.add("{\"type\":\"RESERVE_RESOURCES\",\"reserve_resources\":{\"agent_id\":{\"value\":\"fuzz\"},\"resources\":[]}}");
    return request(random, templates, org.apache.mesos.v1.master.Protos.Call.getDefaultInstance(), null);
  }

  private Fuzzed request(Random random, List<String> templates, com.google.protobuf.Message prototype, String streamId) {
    String template = templates.get(random.nextInt(templates.size()));
    String contentType = TestScheduler.JSON;
    byte[] body;
    String kind;
    int pick = random.nextInt(100);
    if (pick < 35) {
      kind = "json-tree";
      body = FuzzMutations.mutateTree(random, new JsonObject(template)).getBytes(UTF_8);
    } else if (pick < 55) {
      kind = "json-bytes";
      body = FuzzMutations.mutateBytes(random, template.getBytes(UTF_8));
    } else if (pick < 75) {
      kind = "protobuf";
      contentType = TestScheduler.PROTOBUF;
      byte[] proto = MesosJson.parse(template, prototype).toByteArray();
      body = random.nextInt(5) == 0 ? proto : FuzzMutations.mutateBytes(random, proto);
    } else if (pick < 83) {
      kind = "recordio";
      body = FuzzMutations.recordIo(random, template.getBytes(UTF_8));
    } else if (pick < 88) {
      kind = "garbage";
      body = new byte[random.nextInt(2048)];
      random.nextBytes(body);
      contentType = random.nextBoolean() ? TestScheduler.JSON : TestScheduler.PROTOBUF;
    } else if (pick < 90) {
      kind = "huge";
      body = FuzzMutations.huge(random, MAX_BODY);
    } else {
      kind = "valid";
      body = template.getBytes(UTF_8);
    }
    if (random.nextInt(10) == 0) {
      contentType = random.nextInt(8) == 0 ? null : CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
    }
    String accept = random.nextInt(6) == 0 ? ACCEPTS[random.nextInt(ACCEPTS.length)] : null;
    String method = random.nextInt(15) == 0 ? METHODS[random.nextInt(METHODS.length)] : "POST";
    String stream = streamId == null || random.nextInt(4) == 0 ? (random.nextBoolean() ? null : "fuzz-" + random.nextInt()) : streamId;
    return new Fuzzed(method, contentType, accept, stream, body, kind);
  }
}
