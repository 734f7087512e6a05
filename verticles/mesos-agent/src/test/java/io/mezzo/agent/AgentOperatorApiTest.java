package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mezzo.mesos.proto.RecordIO;
import io.mezzo.mesos.proto.Resources;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's operator API as a user drives it (curl, {@code task exec}, monitoring): a real task
 * launched through a real master into real cgroups (v1 on the CI machine), then its container,
 * usage, metrics, files, a command session inside it, and its end through KILL/WAIT_CONTAINER.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentOperatorApiTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String TASK = "api-1";
  private static final long TASK_MEM_MB = 128;

  @TempDir
  static Path dir;

  private final HttpClient http = HttpClient.newHttpClient();
  private ClusterFixture cluster;
  private ClusterFixture.Agent agent;
  private V1Client framework;
  private String containerId;
  private String sandbox;

  @BeforeAll
  void start() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root for cgroups");
    assumeTrue(Files.isDirectory(ClusterFixture.CGROUPS.resolve("memory")), "needs cgroup v1 memory controller");
    cluster = new ClusterFixture(dir);
    agent = cluster.deployAgent(dir.resolve("agent"), new JsonObject().put("resources", "cpus:2;mem:2048;disk:1000;ports:[31000-31099]")
        .put("isolation", "cgroups"));
    await().atMost(WAIT).until(() -> agent.verticle().registered());
    framework = new V1Client(cluster.masterUrl());
    framework.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("operator-api").setFailoverTimeout(60).build());
    // 40 MiB that the task really touches, so its resident memory is well above the shell's
    launch(TASK, "cpus:0.5;mem:" + TASK_MEM_MB, "echo hello-api; echo oops >&2; "
        + "exec python3 -c 'import time; b = bytearray(40 << 20); time.sleep(600)'");
    framework.update(TASK, TaskState.TASK_RUNNING, WAIT);
  }

  @AfterAll
  void stop() throws Exception {
    if (framework != null) {
      framework.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private void launch(String taskId, String resources, String command) throws Exception {
    Offer offer = framework.next(e -> e.getType() == Event.Type.OFFERS, WAIT).getOffers().getOffers(0);
    TaskInfo task = TaskInfo.newBuilder().setName(taskId).setTaskId(TaskID.newBuilder().setValue(taskId))
        .setAgentId(offer.getAgentId()).setCommand(CommandInfo.newBuilder().setValue(command))
        .addAllResources(Resources.parse(resources, "*")).build();
    assertThat(framework.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
        .addOfferIds(offer.getId()).addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)))
        .setFilters(Filters.newBuilder().setRefuseSeconds(0))).build())).isEqualTo(202);
  }

  private HttpResponse<String> api(String json) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(agent.url() + "/api/v1")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject ok(String json) throws Exception {
    HttpResponse<String> r = api(json);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  /** The task's entry in GET_CONTAINERS (the list must have exactly one for it). */
  private JsonObject taskContainer() throws Exception {
    JsonArray all = ok("{\"type\":\"GET_CONTAINERS\"}").getJsonObject("get_containers").getJsonArray("containers");
    List<JsonObject> mine = all.stream().map(o -> (JsonObject) o)
        .filter(c -> c.getJsonObject("executor_id").getString("value").equals(TASK)).toList();
    assertThat(mine).hasSize(1);
    return mine.get(0);
  }

  @Test
  @Order(1)
  void getContainers_listsTheTask_withItsCgroupUsageAndLimits() throws Exception {
    // the interpreter needs a moment to allocate; the usage is what the cgroup says at that time
    await().atMost(WAIT).until(() -> taskContainer().getJsonObject("resource_statistics").getLong("mem_rss_bytes", 0L) > 30L << 20);
    JsonObject c = taskContainer();
    containerId = c.getJsonObject("container_id").getString("value");
    assertThat(c.getJsonObject("framework_id").getString("value")).isEqualTo(framework.frameworkId.getValue());
    assertThat(c.getJsonObject("container_status").getInteger("executor_pid")).isPositive();
    JsonObject stats = c.getJsonObject("resource_statistics");
    assertThat(stats.getLong("mem_limit_bytes")).isEqualTo(TASK_MEM_MB << 20);
    assertThat(stats.getLong("mem_rss_bytes")).isLessThan(TASK_MEM_MB << 20);
    assertThat(stats.getDouble("cpus_limit")).isEqualTo(0.5);
    assertThat(stats.getInteger("processes")).isGreaterThanOrEqualTo(2); // the supervisor and python
    assertThat(stats.getDouble("timestamp")).isCloseTo(System.currentTimeMillis() / 1000.0, org.assertj.core.data.Offset.offset(30.0));
    assertThat(stats.getDouble("cpus_user_time_secs") + stats.getDouble("cpus_system_time_secs")).isPositive();

    JsonArray monitor = new JsonArray(cluster.get(agent.url() + "/monitor/statistics").body());
    JsonObject entry = monitor.stream().map(o -> (JsonObject) o).filter(o -> o.getString("executor_id").equals(TASK))
        .findFirst().orElseThrow();
    assertThat(entry.getString("framework_id")).isEqualTo(framework.frameworkId.getValue());
    assertThat(entry.getJsonObject("statistics").getLong("mem_rss_bytes")).isGreaterThan(30L << 20);
    assertThat(entry.getJsonObject("statistics").getLong("mem_limit_bytes")).isEqualTo(TASK_MEM_MB << 20);
    JsonArray legacy = new JsonArray(cluster.get(agent.url() + "/containers").body());
    assertThat(legacy).hasSize(1);
    assertThat(legacy.getJsonObject(0).getJsonObject("status").getJsonObject("container_id").getString("value")).isEqualTo(containerId);
  }

  @Test
  @Order(2)
  void metrics_countTheRunningTask_andTheAgentsResources() throws Exception {
    JsonObject snapshot = new JsonObject(cluster.get(agent.url() + "/metrics/snapshot").body());
    assertThat(snapshot.getDouble("slave/tasks_running")).isEqualTo(1.0);
    assertThat(snapshot.getDouble("slave/registered")).isEqualTo(1.0);
    assertThat(snapshot.getDouble("slave/cpus_total")).isEqualTo(2.0);
    assertThat(snapshot.getDouble("slave/cpus_used")).isEqualTo(0.5);
    assertThat(snapshot.getDouble("slave/mem_used")).isEqualTo(TASK_MEM_MB);
    assertThat(snapshot.getDouble("slave/executors_running")).isEqualTo(1.0);
    JsonArray metrics = ok("{\"type\":\"GET_METRICS\",\"get_metrics\":{}}").getJsonObject("get_metrics").getJsonArray("metrics");
    assertThat(metrics.stream().map(o -> (JsonObject) o).filter(m -> m.getString("name").equals("slave/mem_total")))
        .singleElement().satisfies(m -> assertThat(m.getDouble("value")).isEqualTo(2048.0));
  }

  @Test
  @Order(3)
  void listAndReadFiles_showTheTasksOutput_andRefuseEscapes() throws Exception {
    sandbox = new JsonObject(cluster.get(agent.url() + "/state").body()).getJsonArray("frameworks").getJsonObject(0)
        .getJsonArray("executors").getJsonObject(0).getString("directory");
    JsonArray listing = ok("{\"type\":\"LIST_FILES\",\"list_files\":{\"path\":\"" + sandbox + "\"}}")
        .getJsonObject("list_files").getJsonArray("file_infos");
    assertThat(listing.stream().map(o -> ((JsonObject) o).getString("path"))).containsExactly(sandbox + "/stderr", sandbox + "/stdout");
    JsonObject stdout = listing.getJsonObject(1);
    assertThat(stdout.getLong("size")).isEqualTo("hello-api\n".length());
    assertThat(stdout.getInteger("mode") & 0170000).isEqualTo(0100000); // a regular file

    JsonObject read = ok("{\"type\":\"READ_FILE\",\"read_file\":{\"path\":\"" + sandbox + "/stdout\",\"offset\":0}}")
        .getJsonObject("read_file");
    assertThat(read.getLong("size")).isEqualTo(10L);
    assertThat(new String(Base64.getDecoder().decode(read.getString("data")), StandardCharsets.UTF_8)).isEqualTo("hello-api\n");
    JsonObject part = ok("{\"type\":\"READ_FILE\",\"read_file\":{\"path\":\"" + sandbox + "/stdout\",\"offset\":6,\"length\":3}}")
        .getJsonObject("read_file");
    assertThat(new String(Base64.getDecoder().decode(part.getString("data")), StandardCharsets.UTF_8)).isEqualTo("api");

    assertThat(api("{\"type\":\"READ_FILE\",\"read_file\":{\"path\":\"" + sandbox + "/../../../../../../../../etc/passwd\",\"offset\":0}}")
        .statusCode()).isEqualTo(400);
    assertThat(api("{\"type\":\"READ_FILE\",\"read_file\":{\"path\":\"/etc/passwd\",\"offset\":0}}").statusCode()).isEqualTo(404);
    assertThat(api("{\"type\":\"READ_FILE\",\"read_file\":{\"path\":\"" + sandbox + "\",\"offset\":0}}").statusCode()).isEqualTo(400);
    assertThat(api("{\"type\":\"READ_FILE\",\"read_file\":{\"path\":\"" + sandbox + "/stdout\"}}").statusCode()).isEqualTo(400);
    assertThat(api("{\"type\":\"READ_FILE\"}").statusCode()).isEqualTo(400);
    assertThat(api("{\"type\":\"LIST_FILES\",\"list_files\":{\"path\":\"" + sandbox + "/stdout\"}}").statusCode()).isEqualTo(400);
    assertThat(api("{\"type\":\"LIST_FILES\",\"list_files\":{\"path\":\"/etc\"}}").statusCode()).isEqualTo(404);
  }

  // ---- command sessions ------------------------------------------------------------------------

  private String session(String id, String command) {
    return new JsonObject().put("type", "LAUNCH_NESTED_CONTAINER_SESSION").put("launch_nested_container_session", new JsonObject()
        .put("container_id", new JsonObject().put("value", id).put("parent", new JsonObject().put("value", containerId)))
        .put("command", new JsonObject().put("value", command))).encode();
  }

  private CompletableFuture<HttpResponse<InputStream>> openSession(String id, String command) {
    return openSession(session(id, command));
  }

  private CompletableFuture<HttpResponse<InputStream>> openSession(String call) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create(agent.url() + "/api/v1")).header("Content-Type", "application/json")
        .header("Accept", "application/recordio").header("Message-Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(call)).build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  /** ATTACH_CONTAINER_INPUT for a session: its id, then each string as stdin data (an empty one ends the input). */
  private HttpResponse<String> sendInput(String sessionId, List<String> chunks) throws Exception {
    String id = "{\"value\":\"" + sessionId + "\",\"parent\":{\"value\":\"" + containerId + "\"}}";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(inputRecord("{\"type\":\"ATTACH_CONTAINER_INPUT\",\"attach_container_input\":{\"type\":\"CONTAINER_ID\","
        + "\"container_id\":" + id + "}}"));
    for (String chunk : chunks) {
      body.write(inputRecord("{\"type\":\"ATTACH_CONTAINER_INPUT\",\"attach_container_input\":{\"type\":\"PROCESS_IO\","
          + "\"process_io\":{\"type\":\"DATA\",\"data\":{\"type\":\"STDIN\",\"data\":\""
          + Base64.getEncoder().encodeToString(chunk.getBytes(StandardCharsets.UTF_8)) + "\"}}}}"));
    }
    return http.send(HttpRequest.newBuilder(URI.create(agent.url() + "/api/v1"))
        .header("Content-Type", "application/recordio").header("Message-Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Reads a session's ProcessIO records to the end of the stream; returns what came on stdout and stderr. */
  static String[] drain(HttpResponse<InputStream> response) throws Exception {
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/recordio");
    RecordIO.Decoder decoder = new RecordIO.Decoder();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (InputStream in = response.body()) {
      byte[] buf = new byte[4096];
      int n;
      while ((n = in.read(buf)) > 0) {
        for (byte[] record : decoder.feed(buf, 0, n)) {
          JsonObject io = new JsonObject(new String(record, StandardCharsets.UTF_8));
          if (io.getString("type").equals("DATA")) {
            byte[] data = Base64.getDecoder().decode(io.getJsonObject("data").getString("data"));
            (io.getJsonObject("data").getString("type").equals("STDOUT") ? out : err).write(data);
          }
        }
      }
    }
    return new String[] {out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
  }

  private static byte[] inputRecord(String json) {
    return RecordIO.encode(json);
  }

  @Test
  @Order(4)
  void nestedSession_runsInTheTasksCgroupAndSandbox_streamsOutput_andReportsItsExit() throws Exception {
    String[] io = drain(openSession("exec-1", "echo hi; echo to-err >&2; pwd; grep -q \"memory:.*/$MESOS_CONTAINER_ID\\$\" "
        + "/proc/self/cgroup && echo in-task-cgroup; exit 3").get(20, TimeUnit.SECONDS));
    assertThat(io[0]).isEqualTo("hi\n" + sandbox + "\nin-task-cgroup\n");
    assertThat(io[1]).isEqualTo("to-err\n");
    JsonObject waited = ok("{\"type\":\"WAIT_CONTAINER\",\"wait_container\":{\"container_id\":{\"value\":\"exec-1\",\"parent\":"
        + "{\"value\":\"" + containerId + "\"}}}}").getJsonObject("wait_container");
    assertThat(waited.getInteger("exit_status")).isEqualTo(3 << 8);
  }

  @Test
  @Order(5)
  void nestedSession_takesItsInputFromAttachContainerInput() throws Exception {
    CompletableFuture<HttpResponse<InputStream>> session = openSession("exec-2", "cat; echo done");
    HttpResponse<InputStream> output = session.get(20, TimeUnit.SECONDS); // the session runs: its headers came
    HttpResponse<String> input = sendInput("exec-2", List.of("ping\n", "pong\n", ""));
    assertThat(input.statusCode()).as(input.body()).isEqualTo(200);
    assertThat(drain(output)[0]).isEqualTo("ping\npong\ndone\n");
  }

  @Test
  @Order(6)
  void nestedSession_withATty_runsOnATerminal() throws Exception {
    JsonObject call = new JsonObject(session("exec-tty", "tty >/dev/null && echo on-a-tty; read line; echo got-$line; exit 5"));
    call.getJsonObject("launch_nested_container_session").put("container", new JsonObject().put("type", "MESOS")
        .put("tty_info", new JsonObject().put("window_size", new JsonObject().put("rows", 40).put("columns", 120))));
    HttpResponse<InputStream> output = openSession(call.encode()).get(20, TimeUnit.SECONDS);
    assertThat(sendInput("exec-tty", List.of("abc\n")).statusCode()).isEqualTo(200);
    String[] io = drain(output);
    // a terminal: lines end in CR LF and the input is echoed
    assertThat(io[0]).contains("on-a-tty\r\n").contains("abc\r\n").contains("got-abc\r\n");
    assertThat(io[1]).isEmpty();
    JsonObject waited = ok("{\"type\":\"WAIT_CONTAINER\",\"wait_container\":{\"container_id\":{\"value\":\"exec-tty\",\"parent\":"
        + "{\"value\":\"" + containerId + "\"}}}}").getJsonObject("wait_container");
    assertThat(waited.getInteger("exit_status")).isEqualTo(5 << 8);
  }

  @Test
  @Order(7)
  void nestedSession_withASlowReader_holdsTheCommandBack_thenDeliversAllItsOutput() throws Exception {
    Path written = Path.of(sandbox, "all-written");
    HttpResponse<InputStream> output = openSession("exec-big", "head -c 32m /dev/zero; touch all-written")
        .get(20, TimeUnit.SECONDS);
    // nobody reads yet: the agent must stop taking the command's output instead of buffering 32 MiB
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !Files.exists(written));
    assertThat(drain(output)[0]).hasSize(32 << 20);
    await().atMost(WAIT).until(() -> Files.exists(written));
  }

  @Test
  @Order(8)
  void badCalls_get4xxWithAPlainTextReason() throws Exception {
    HttpResponse<String> noAccept = api(session("exec-3", "true"));
    assertThat(noAccept.statusCode()).isEqualTo(406);
    HttpResponse<String> noParent = http.send(HttpRequest.newBuilder(URI.create(agent.url() + "/api/v1"))
        .header("Content-Type", "application/json").header("Accept", "application/recordio")
        .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"LAUNCH_NESTED_CONTAINER_SESSION\",\"launch_nested_container_session\":"
            + "{\"container_id\":{\"value\":\"x\"},\"command\":{\"value\":\"true\"}}}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(noParent.statusCode()).isEqualTo(400);
    assertThat(noParent.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
    assertThat(noParent.body()).contains("parent");
    HttpResponse<String> garbage = http.send(HttpRequest.newBuilder(URI.create(agent.url() + "/api/v1"))
        .header("Content-Type", "application/recordio").header("Message-Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("not recordio at all\n")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(garbage.statusCode()).isEqualTo(400);
    HttpResponse<String> unknown = api("{\"type\":\"KILL_CONTAINER\",\"kill_container\":{\"container_id\":{\"value\":\"nope\"}}}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).isEqualTo("Container nope cannot be found");
    assertThat(api("{\"type\":\"KILL_CONTAINER\"}").statusCode()).isEqualTo(400);
    assertThat(api("{\"type\":\"KILL_CONTAINER\",\"kill_container\":{\"container_id\":{\"value\":\"" + containerId
        + "\"},\"signal\":999}}").statusCode()).isEqualTo(400);
    assertThat(api("{\"type\":\"WAIT_CONTAINER\",\"wait_container\":{}}").statusCode()).isEqualTo(400);
    assertThat(api("{\"type\":\"WAIT_CONTAINER\",\"wait_container\":{\"container_id\":{\"value\":\"nope\"}}}").statusCode())
        .isEqualTo(404);
    assertThat(api("{\"type\":\"GET_CONTAINERS\",\"get_containers\":{\"show_nested\":\"maybe\"}}").statusCode()).isEqualTo(400);
    // the task is untouched by all this
    assertThat(taskContainer().getJsonObject("container_id").getString("value")).isEqualTo(containerId);
  }

  @Test
  @Order(9)
  void killContainer_endsTheTask_andWaitContainerReturnsItsStatus() throws Exception {
    CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(HttpRequest.newBuilder(URI.create(agent.url() + "/api/v1"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            "{\"type\":\"WAIT_CONTAINER\",\"wait_container\":{\"container_id\":{\"value\":\"" + containerId + "\"}}}")).build(),
        HttpResponse.BodyHandlers.ofString());
    Thread.sleep(300); // the wait is pending before the kill (an answer before it would fail the assertions below)
    assertThat(waiting).isNotDone();
    HttpResponse<String> kill = api("{\"type\":\"KILL_CONTAINER\",\"kill_container\":{\"container_id\":{\"value\":\""
        + containerId + "\"}}}");
    assertThat(kill.statusCode()).as(kill.body()).isEqualTo(200);

    TaskStatus failed = framework.update(TASK, TaskState.TASK_FAILED, WAIT);
    assertThat(failed.getMessage()).isEqualTo("Command terminated with signal Killed");
    HttpResponse<String> waited = waiting.get(20, TimeUnit.SECONDS);
    assertThat(waited.statusCode()).as(waited.body()).isEqualTo(200);
    JsonObject answer = new JsonObject(waited.body()).getJsonObject("wait_container");
    assertThat(answer.getInteger("exit_status")).isEqualTo(9);
    assertThat(answer.getString("state")).isEqualTo("TASK_FAILED");
    await().atMost(WAIT).until(() -> cluster.containerCgroups().isEmpty());

    JsonObject snapshot = new JsonObject(cluster.get(agent.url() + "/metrics/snapshot").body());
    assertThat(snapshot.getDouble("slave/tasks_running")).isZero();
    assertThat(snapshot.getDouble("slave/tasks_failed")).isEqualTo(1.0);
    assertThat(ok("{\"type\":\"GET_CONTAINERS\"}").getJsonObject("get_containers").getJsonArray("containers", new JsonArray()))
        .isEmpty();
    assertThat(api("{\"type\":\"KILL_CONTAINER\",\"kill_container\":{\"container_id\":{\"value\":\"" + containerId + "\"}}}")
        .statusCode()).isEqualTo(404);
  }
}
