package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mezzo.mesos.proto.ResourceBag;
import io.mezzo.mesos.proto.Resources;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.DurationInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.HealthCheck;
import org.apache.mesos.v1.Protos.KillPolicy;
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
 * A real master and a real agent in one Vert.x, a v1 framework launching real processes in real
 * cgroups (v1 on the CI machine). Needs root and a writable cgroup hierarchy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  static Path dir;

  private ClusterFixture cluster;
  private ClusterFixture.Agent agent;
  private Path workDir;
  private V1Client framework;

  @BeforeAll
  void start() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root for cgroups");
    assumeTrue(Files.isDirectory(ClusterFixture.CGROUPS.resolve("memory")), "needs cgroup v1 memory controller");
    cluster = new ClusterFixture(dir);
    workDir = dir.resolve("agent");
    agent = cluster.deployAgent(workDir, new JsonObject().put("resources", "cpus:2;mem:2048;disk:1000;ports:[31000-31099]")
        .put("attributes", "rack:a;zone:west").put("isolation", "cgroups"));
    await().atMost(WAIT).until(() -> agent.verticle().registered());
    framework = new V1Client(cluster.masterUrl());
    framework.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("agent-e2e").setFailoverTimeout(60)
        .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.TASK_KILLING_STATE))
        .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE)).build());
  }

  @AfterAll
  void stop() throws Exception {
    if (framework != null) {
      framework.close();
    }
    if (cluster != null) {
      cluster.close();
      assertThat(Files.exists(ClusterFixture.CGROUPS.resolve("memory").resolve(cluster.cgroupsRoot))).isFalse();
    }
  }

  private void launch(String taskId, String resources, CommandInfo command, KillPolicy killPolicy) throws Exception {
    launch(taskId, resources, command, killPolicy, null);
  }

  private void launch(String taskId, String resources, CommandInfo command, KillPolicy killPolicy, HealthCheck check)
      throws Exception {
    launch(taskId, resources, command, killPolicy, check, null);
  }

  private void launch(String taskId, String resources, CommandInfo command, KillPolicy killPolicy, HealthCheck check,
                      org.apache.mesos.v1.Protos.CheckInfo general) throws Exception {
    ResourceBag wanted = ResourceBag.parse(resources, "*");
    Offer offer = framework.next(e -> e.getType() == Event.Type.OFFERS, WAIT).getOffers().getOffers(0);
    while (!ResourceBag.of(offer.getResourcesList()).contains(wanted) || rescinded(offer)) {
      framework.call(Call.newBuilder().setType(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder().addOfferIds(offer.getId())
          .setFilters(Filters.newBuilder().setRefuseSeconds(0))).build());
      offer = framework.next(e -> e.getType() == Event.Type.OFFERS, WAIT).getOffers().getOffers(0);
    }
    TaskInfo.Builder task = TaskInfo.newBuilder().setName(taskId).setTaskId(TaskID.newBuilder().setValue(taskId))
        .setAgentId(offer.getAgentId()).setCommand(command).addAllResources(Resources.parse(resources, "*"));
    if (killPolicy != null) {
      task.setKillPolicy(killPolicy);
    }
    if (check != null) {
      task.setHealthCheck(check);
    }
    if (general != null) {
      task.setCheck(general);
    }
    assertThat(framework.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
        .addOfferIds(offer.getId()).addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)))
        .setFilters(Filters.newBuilder().setRefuseSeconds(0))).build())).isEqualTo(202);
  }

  /** Whether the master rescinded the offer (it does when the agent re-registers). */
  private boolean rescinded(Offer offer) throws InterruptedException {
    try {
      framework.next(e -> e.getType() == Event.Type.RESCIND && e.getRescind().getOfferId().equals(offer.getId()),
          Duration.ofMillis(200));
      return true;
    } catch (AssertionError e) {
      return false;
    }
  }

  private static CommandInfo shell(String command) {
    return CommandInfo.newBuilder().setValue(command).build();
  }

  private JsonObject executor(String taskId) throws Exception {
    JsonObject state = new JsonObject(cluster.get(agent.url() + "/state").body());
    for (Object f : state.getJsonArray("frameworks").addAll(state.getJsonArray("completed_frameworks"))) {
      JsonObject fw = (JsonObject) f;
      for (Object e : fw.getJsonArray("executors").copy().addAll(fw.getJsonArray("completed_executors"))) {
        if (((JsonObject) e).getString("id").equals(taskId)) {
          return (JsonObject) e;
        }
      }
    }
    throw new AssertionError("No executor '" + taskId + "' in the agent's state");
  }

  /** Alive and not a zombie (this machine's init reaps orphans late). */
  private static boolean running(long pid) {
    try {
      return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("State:"))
          .noneMatch(l -> l.contains("Z") || l.contains("X"));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private String read(String path, String extra) throws Exception {
    return cluster.get(agent.url() + "/files/read?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8) + extra).body();
  }

  @Test
  @Order(1)
  void echoTask_finishes_outputReadableThroughFilesApi() throws Exception {
    launch("echo-1", "cpus:0.5;mem:64;ports:[31000-31001]",
        shell("echo hello-$MESOS_TASK_ID; echo err >&2; echo \"port=$PORT0 ports=$PORTS sandbox=$MESOS_SANDBOX\""), null);
    framework.update("echo-1", TaskState.TASK_STARTING, WAIT);
    framework.update("echo-1", TaskState.TASK_RUNNING, WAIT);
    TaskStatus finished = framework.update("echo-1", TaskState.TASK_FINISHED, WAIT);
    assertThat(finished.getMessage()).isEqualTo("Command exited with status 0");

    String sandbox = executor("echo-1").getString("directory");
    assertThat(sandbox).startsWith(workDir.resolve("slaves").resolve(agent.verticle().agentId()) + "/frameworks/"
        + framework.frameworkId.getValue() + "/executors/echo-1/runs/");
    JsonObject stdout = new JsonObject(read(sandbox + "/stdout", "&offset=0"));
    assertThat(stdout.getString("data")).isEqualTo("hello-echo-1\nport=31000 ports=31000,31001 sandbox=" + sandbox + "\n");
    assertThat(new JsonObject(read(sandbox + "/stderr", "&offset=0")).getString("data")).isEqualTo("err\n");
    assertThat(new JsonObject(read(sandbox + "/stdout", ""))).isEqualTo(new JsonObject().put("data", "")
        .put("offset", stdout.getString("data").length()));
    assertThat(new JsonObject(read(sandbox + "/stdout", "&offset=6&length=7")).getString("data")).isEqualTo("echo-1\n");

    JsonArray listing = new JsonArray(cluster.get(agent.url() + "/files/browse?path=" + sandbox).body());
    assertThat(listing.stream().map(o -> ((JsonObject) o).getString("path")))
        .containsExactly(sandbox + "/stderr", sandbox + "/stdout");
    Path latest = Path.of(sandbox).resolveSibling("latest");
    assertThat(Files.readSymbolicLink(latest).toString()).isEqualTo(Path.of(sandbox).getFileName().toString());
    assertThat(cluster.containerCgroups()).isEmpty();
  }

  @Test
  @Order(2)
  void filesApi_refusesPathsOutsideTheSandboxes() throws Exception {
    launch("escape-1", "cpus:0.1;mem:32", shell("ln -s /etc etc-link; ln -s ../../../../../../../.. up-link; echo ok"), null);
    framework.update("escape-1", TaskState.TASK_FINISHED, WAIT);
    String sandbox = executor("escape-1").getString("directory");

    var dotdot = cluster.get(agent.url() + "/files/read?offset=0&path=" + sandbox + "/../../../../../../../../etc/passwd");
    assertThat(dotdot.statusCode()).isEqualTo(400);
    assertThat(cluster.get(agent.url() + "/files/read?offset=0&path=/etc/passwd").statusCode()).isEqualTo(404);
    assertThat(cluster.get(agent.url() + "/files/read?offset=0&path=" + sandbox + "/etc-link/passwd").statusCode()).isEqualTo(404);
    assertThat(cluster.get(agent.url() + "/files/browse?path=" + sandbox + "/up-link").statusCode()).isEqualTo(404);
    assertThat(cluster.get(agent.url() + "/files/download?path=" + sandbox + "/etc-link/passwd").statusCode()).isEqualTo(404);
    assertThat(cluster.get(agent.url() + "/files/read?offset=0&path=" + sandbox + "/no-such-file").statusCode()).isEqualTo(404);
    assertThat(cluster.get(agent.url() + "/files/read?offset=zero&path=" + sandbox + "/stdout").statusCode()).isEqualTo(400);
    assertThat(cluster.get(agent.url() + "/files/read?offset=0").statusCode()).isEqualTo(400);
    assertThat(cluster.get(agent.url() + "/files/download?path=" + sandbox + "/stdout").body()).isEqualTo("ok\n");
  }

  @Test
  @Order(3)
  void sleepTask_killedWithGracePeriod_leavesNoProcess() throws Exception {
    launch("sleep-1", "cpus:0.25;mem:48", shell("trap 'echo got-term; exit 3' TERM; sleep 600 & wait"),
        KillPolicy.newBuilder().setGracePeriod(DurationInfo.newBuilder().setNanoseconds(5_000_000_000L)).build());
    framework.update("sleep-1", TaskState.TASK_RUNNING, WAIT);

    String containerId = executor("sleep-1").getString("container");
    Path memory = ClusterFixture.CGROUPS.resolve("memory").resolve(cluster.cgroupsRoot).resolve(containerId);
    Path cpu = ClusterFixture.CGROUPS.resolve("cpu").resolve(cluster.cgroupsRoot).resolve(containerId);
    assertThat(Files.readString(memory.resolve("memory.limit_in_bytes")).trim()).isEqualTo(String.valueOf(48L << 20));
    assertThat(Files.readString(cpu.resolve("cpu.shares")).trim()).isEqualTo("256");
    assertThat(Files.readString(cpu.resolve("cpu.cfs_quota_us")).trim()).isEqualTo("25000");
    await().atMost(WAIT).until(() -> Files.readAllLines(memory.resolve("cgroup.procs")).size() >= 2);
    List<Long> pids = Files.readAllLines(memory.resolve("cgroup.procs")).stream().map(s -> Long.parseLong(s.trim())).toList();

    framework.call(Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder()
        .setTaskId(TaskID.newBuilder().setValue("sleep-1"))).build());
    framework.update("sleep-1", TaskState.TASK_KILLING, WAIT);
    TaskStatus killed = framework.update("sleep-1", TaskState.TASK_KILLED, WAIT);
    assertThat(killed.getMessage()).isEqualTo("Command exited with status 3");
    assertThat(pids).noneMatch(AgentEndToEndTest::running);
    assertThat(Files.exists(memory)).isFalse();
    assertThat(new JsonObject(read(executor("sleep-1").getString("directory") + "/stdout", "&offset=0")).getString("data"))
        .isEqualTo("got-term\n");
  }

  @Test
  @Order(4)
  void taskOverItsMemory_failsWithMemoryLimitation() throws Exception {
    launch("hog-1", "cpus:0.5;mem:64", shell("head -c 400m /dev/zero | tail"), null);
    TaskStatus failed = framework.update("hog-1", TaskState.TASK_FAILED, WAIT);
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY);
    assertThat(failed.getSource()).isEqualTo(TaskStatus.Source.SOURCE_AGENT);
    assertThat(failed.getMessage()).startsWith("Memory limit exceeded: Requested: 64MB");
    await().atMost(WAIT).until(() -> cluster.containerCgroups().isEmpty());
  }

  @Test
  @Order(5)
  void failingCommand_reportsExitStatus_andUnknownUserFails() throws Exception {
    launch("fail-1", "cpus:0.1;mem:32", shell("exit 7"), null);
    assertThat(framework.update("fail-1", TaskState.TASK_FAILED, WAIT).getMessage()).isEqualTo("Command exited with status 7");
    launch("missing-1", "cpus:0.1;mem:32", shell("no-such-command-xyz --flag"), null);
    assertThat(framework.update("missing-1", TaskState.TASK_FAILED, WAIT).getMessage())
        .startsWith("Command exited with status 127").contains("no-such-command-xyz").contains("not found");

    launch("user-1", "cpus:0.1;mem:32", CommandInfo.newBuilder().setValue("id -u > uid").setUser("nobody").build(), null);
    framework.update("user-1", TaskState.TASK_FINISHED, WAIT);
    assertThat(new JsonObject(read(executor("user-1").getString("directory") + "/uid", "&offset=0")).getString("data"))
        .isEqualTo("65534\n");

    launch("user-2", "cpus:0.1;mem:32", CommandInfo.newBuilder().setValue("true").setUser("no-such-user-xyz").build(), null);
    TaskStatus noUser = framework.update("user-2", TaskState.TASK_FAILED, WAIT);
    assertThat(noUser.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    assertThat(noUser.getMessage()).contains("no-such-user-xyz");
  }

  /** The task's next update that carries {@code healthy}. */
  private TaskStatus healthUpdate(String taskId, Duration timeout) throws Exception {
    return framework.next(e -> e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().getTaskId().getValue().equals(taskId)
        && e.getUpdate().getStatus().hasHealthy(), timeout).getUpdate().getStatus();
  }

  private void killTask(String taskId) throws Exception {
    framework.call(Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder()
        .setTaskId(TaskID.newBuilder().setValue(taskId))).build());
    framework.update(taskId, TaskState.TASK_KILLED, WAIT);
  }

  private static HealthCheck.Builder fastCheck(HealthCheck.Type type) {
    return HealthCheck.newBuilder().setType(type).setDelaySeconds(0).setIntervalSeconds(0.2).setTimeoutSeconds(2)
        .setGracePeriodSeconds(0).setConsecutiveFailures(3);
  }

  @Test
  @Order(6)
  void httpHealthCheck_onAPythonServer_reportsHealthy() throws Exception {
    launch("web-1", "cpus:0.25;mem:64;ports:[31010-31010]", shell("exec python3 -m http.server $PORT0 --bind 127.0.0.1"), null,
        fastCheck(HealthCheck.Type.HTTP).setGracePeriodSeconds(20)
            .setHttp(HealthCheck.HTTPCheckInfo.newBuilder().setPort(31010).setPath("/")).build());
    framework.update("web-1", TaskState.TASK_RUNNING, WAIT);
    TaskStatus healthy = healthUpdate("web-1", WAIT);
    assertThat(healthy.getHealthy()).isTrue();
    assertThat(healthy.getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(healthy.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED);
    killTask("web-1");
  }

  @Test
  @Order(7)
  void failingCommandCheck_inTheTasksCgroup_killsTheTaskAfterConsecutiveFailures() throws Exception {
    String ran = "grep -q \"$MESOS_CONTAINER_ID\" /proc/self/cgroup && echo checked >> \"$MESOS_SANDBOX/check-ran\"; exit 1";
    launch("sick-1", "cpus:0.1;mem:32", shell("sleep 600"), null,
        fastCheck(HealthCheck.Type.COMMAND).setDelaySeconds(0.1).setConsecutiveFailures(2).setCommand(shell(ran)).build());
    framework.update("sick-1", TaskState.TASK_RUNNING, WAIT);
    TaskStatus unhealthy = healthUpdate("sick-1", WAIT);
    assertThat(unhealthy.getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(unhealthy.getHealthy()).isFalse();
    assertThat(unhealthy.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED);
    framework.update("sick-1", TaskState.TASK_KILLING, WAIT);
    TaskStatus killed = framework.update("sick-1", TaskState.TASK_KILLED, WAIT);
    assertThat(killed.hasHealthy() && !killed.getHealthy()).as(killed.toString()).isTrue();
    assertThat(killed.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED);
    assertThat(new JsonObject(read(executor("sick-1").getString("directory") + "/check-ran", "&offset=0")).getString("data"))
        .isEqualTo("checked\nchecked\n");
  }

  @Test
  @Order(8)
  void generalCommandCheck_reportsEachChangeOfItsExitCode_inCheckStatus() throws Exception {
    launch("checked-1", "cpus:0.1;mem:32", shell("sleep 600"), null, null,
        org.apache.mesos.v1.Protos.CheckInfo.newBuilder().setType(org.apache.mesos.v1.Protos.CheckInfo.Type.COMMAND)
            .setCommand(org.apache.mesos.v1.Protos.CheckInfo.Command.newBuilder().setCommand(shell("test -e \"$MESOS_SANDBOX/ready\"")))
            .setDelaySeconds(0).setIntervalSeconds(0.2).setTimeoutSeconds(10).build());
    TaskStatus running = framework.update("checked-1", TaskState.TASK_RUNNING, WAIT);
    assertThat(running.getCheckStatus().getType()).isEqualTo(org.apache.mesos.v1.Protos.CheckInfo.Type.COMMAND);
    assertThat(running.getCheckStatus().getCommand().hasExitCode()).isFalse();
    TaskStatus notReady = framework.update("checked-1", TaskState.TASK_RUNNING, WAIT);
    assertThat(notReady.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_CHECK_STATUS_UPDATED);
    assertThat(notReady.getCheckStatus().getCommand().getExitCode()).isEqualTo(1);
    Files.writeString(Path.of(executor("checked-1").getString("directory"), "ready"), "");
    TaskStatus ready = framework.update("checked-1", TaskState.TASK_RUNNING, WAIT);
    assertThat(ready.getCheckStatus().getCommand().getExitCode()).isZero();
    killTask("checked-1");
    assertThat(framework.drainStates("checked-1")).as("one update per change, not per attempt").doesNotContain(TaskState.TASK_RUNNING);
  }

  @Test
  @Order(8)
  void tcpCheckOnAClosedPort_withinTheGracePeriod_isNotReportedNorKilled() throws Exception {
    launch("quiet-1", "cpus:0.1;mem:32;ports:[31020-31020]", shell("sleep 600"), null,
        fastCheck(HealthCheck.Type.TCP).setConsecutiveFailures(1).setGracePeriodSeconds(30)
            .setTcp(HealthCheck.TCPCheckInfo.newBuilder().setPort(31020)).build());
    framework.update("quiet-1", TaskState.TASK_STARTING, WAIT);
    framework.update("quiet-1", TaskState.TASK_RUNNING, WAIT);
    assertThatThrownBy(() -> healthUpdate("quiet-1", Duration.ofSeconds(2))).isInstanceOf(AssertionError.class);
    assertThat(framework.drainStates("quiet-1")).isEmpty();
    try (java.net.ServerSocket open = new java.net.ServerSocket(31020)) {
      assertThat(healthUpdate("quiet-1", WAIT).getHealthy()).as("the checker was probing all along").isTrue();
    }
    killTask("quiet-1");
  }

  @Test
  @Order(9)
  void agentV1Api_andLegacyState() throws Exception {
    var health = cluster.post(agent.url() + "/api/v1", "{\"type\":\"GET_HEALTH\"}");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(health.body()).getJsonObject("get_health").getBoolean("healthy")).isTrue();
    var state = new JsonObject(cluster.post(agent.url() + "/api/v1", "{\"type\":\"GET_STATE\"}").body());
    assertThat(state.getString("type")).isEqualTo("GET_STATE");
    assertThat(state.getJsonObject("get_state").getJsonObject("get_tasks").getJsonArray("completed_tasks").size()).isGreaterThanOrEqualTo(3);
    assertThat(cluster.post(agent.url() + "/api/v1", "{\"type\":\"GET_VERSION\"}").body()).contains("1.11.0");
    assertThat(cluster.post(agent.url() + "/api/v1", "{\"type\":\"GET_FLAGS\"}").body()).contains("cgroups_root");
    assertThat(cluster.get(agent.url() + "/api/v1").statusCode()).isEqualTo(405);
    assertThat(cluster.post(agent.url() + "/api/v1", "{\"type\":").statusCode()).isEqualTo(400);

    JsonObject legacy = new JsonObject(cluster.get(agent.url() + "/state").body());
    assertThat(legacy.getString("id")).isEqualTo(agent.verticle().agentId());
    assertThat(legacy.getJsonObject("resources").getDouble("cpus")).isEqualTo(2.0);
    assertThat(legacy.getJsonObject("resources").getString("ports")).isEqualTo("[31000-31099]");
    assertThat(legacy.getJsonObject("attributes")).isEqualTo(new JsonObject().put("rack", "a").put("zone", "west"));
    assertThat(cluster.get(agent.url() + "/ping").body()).isEqualTo("pong");
    assertThat(new JsonObject(cluster.get(agent.url() + "/slave(1)/state").body()).getString("id")).isEqualTo(legacy.getString("id"));
    assertThat(new JsonObject(cluster.get(agent.url() + "/flags").body()).getJsonObject("flags").getString("isolation"))
        .isEqualTo("cgroups-v1");
  }

  @Test
  @Order(10)
  void pingFromAnotherMasterId_makesTheAgentReregister() throws Exception {
    assertThat(masterAgent().containsKey("reregistered_time")).isFalse();
    cluster.vertx.eventBus().send(io.mezzo.mesos.protocol.AgentProtocol.agentAddress(agent.verticle().pid()),
        new JsonObject().put("type", "PING").put("master_id", "some-new-master"));
    await().atMost(WAIT).until(() -> masterAgent().containsKey("reregistered_time") && agent.verticle().registered());
  }

  private JsonObject masterAgent() throws Exception {
    JsonArray slaves = new JsonObject(cluster.get(cluster.masterUrl() + "/master/state").body()).getJsonArray("slaves");
    assertThat(slaves).hasSize(1);
    return slaves.getJsonObject(0);
  }

  @Test
  @Order(11)
  void cleanStopAndRestart_reregistersWithTheSameId_resendsPendingUpdates_reportsDestroyedTasksGone() throws Exception {
    launch("keep-1", "cpus:0.1;mem:32", shell("sleep 600"), null);
    framework.update("keep-1", TaskState.TASK_RUNNING, WAIT);
    String keepContainer = executor("keep-1").getString("container");
    framework.autoAck = false;
    launch("late-1", "cpus:0.1;mem:32", shell("echo late"), null);
    framework.update("late-1", TaskState.TASK_STARTING, WAIT);
    await().atMost(WAIT).until(() -> "TASK_FINISHED".equals(executor("late-1").getJsonArray("tasks").getJsonObject(0).getString("state")));

    String id = agent.verticle().agentId();
    cluster.undeploy(agent);
    framework.autoAck = true;
    agent = cluster.deployAgent(workDir, new JsonObject().put("resources", "cpus:2;mem:2048;disk:1000;ports:[31000-31099]"));
    await().atMost(WAIT).until(() -> agent.verticle().registered());
    assertThat(agent.verticle().agentId()).isEqualTo(id);

    // the unacknowledged STARTING comes again, then the updates queued behind it
    framework.update("late-1", TaskState.TASK_STARTING, WAIT);
    framework.update("late-1", TaskState.TASK_RUNNING, WAIT);
    framework.update("late-1", TaskState.TASK_FINISHED, WAIT);
    // a clean stop destroyed the container; the partition-aware framework hears TASK_GONE
    TaskStatus lost = framework.update("keep-1", TaskState.TASK_GONE, WAIT);
    assertThat(lost.getReason()).as(lost.toString()).isEqualTo(TaskStatus.Reason.REASON_EXECUTOR_TERMINATED);
    assertThat(Files.exists(ClusterFixture.CGROUPS.resolve("memory").resolve(cluster.cgroupsRoot).resolve(keepContainer))).isFalse();
    JsonObject agents = new JsonObject(cluster.post(cluster.masterUrl() + "/api/v1", "{\"type\":\"GET_AGENTS\"}").body());
    assertThat(agents.getJsonObject("get_agents").getJsonArray("agents")).hasSize(1);
    assertThat(agents.getJsonObject("get_agents").getJsonArray("agents").getJsonObject(0).getJsonObject("agent_info")
        .getJsonObject("id").getString("value")).isEqualTo(id);
  }

  @Test
  @Order(12)
  void teardown_shutsTheFrameworkDownOnTheAgent_killingItsTasks() throws Exception {
    launch("last-1", "cpus:0.1;mem:32", shell("sleep 600"), null);
    framework.update("last-1", TaskState.TASK_RUNNING, WAIT);
    String container = executor("last-1").getString("container");
    Path memory = ClusterFixture.CGROUPS.resolve("memory").resolve(cluster.cgroupsRoot).resolve(container);
    assertThat(Files.exists(memory)).isTrue();

    assertThat(framework.call(Call.newBuilder().setType(Call.Type.TEARDOWN).build())).isEqualTo(202);
    await().atMost(WAIT).until(() -> !Files.exists(memory));
    await().atMost(WAIT).until(() -> new JsonObject(cluster.get(agent.url() + "/state").body()).getJsonArray("frameworks").isEmpty());
  }
}
