package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.mesos.proto.ResourceBag;
import io.mezzo.mesos.proto.Resources;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * The agent as a process of its own ({@link AgentProcessMain}) on the test's clustered event bus,
 * {@code kill -9}ed while 20 tasks run and started again on the same work dir: the tasks keep
 * running and are re-attached, a task that ended while the agent was down reports its real exit
 * status, and the framework sees every update exactly once.
 */
class AgentRecoveryTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int TASKS = 20;

  @TempDir
  Path dir;

  private ClusterFixture cluster;
  private V1Client framework;
  private final List<Process> agents = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Process p : agents) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    if (framework != null) {
      framework.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The default status update retry (10 s): an update is resent only when its acknowledgement does not come. */
  private String agentConfig() {
    return new JsonObject().put("port", 0).put("cgroups_root", cluster.cgroupsRoot).put("isolation", "cgroups")
        .put("resources", "cpus:4;mem:4096;disk:1000;ports:[31000-31099]")
        .put("registration_backoff_factor_ms", 100).put("kill_grace_period_ms", 1000).encode();
  }

  /** Starts an agent process; returns its agent id once it is registered. */
  private String startAgent(Path workDir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process p = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath,
        AgentProcessMain.class.getName(), cluster.zkUrl(), workDir.toString(), agentConfig())
        .redirectError(ProcessBuilder.Redirect.appendTo(log(agents.size()).toFile()))
        .start();
    agents.add(p);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("REGISTERED ")) {
        return line.split(" ")[1];
      }
    }
    throw new AssertionError("The agent process ended before registering; see " + log(agents.size() - 1)
        + ":\n" + Files.readString(log(agents.size() - 1)));
  }

  /** Agent process logs stay in target/ for a look after a failure. */
  private static Path log(int n) throws java.io.IOException {
    return Files.createDirectories(Path.of("target", "agent-processes")).resolve("agent-" + n + ".log");
  }

  @Test
  void killDashNine_andRestart_keepsTasksRunning_reportsWhatEndedMeanwhile_noUpdateLostOrRepeated() throws Exception {
    Path workDir = dir.resolve("agent");
    String agentId = startWithFramework(workDir, "recovery");
    // 20 long tasks and one that ends when told to (it waits for a file in its sandbox)
    List<String> ids = new ArrayList<>();
    Map<String, String> commands = new LinkedHashMap<>();
    for (int i = 0; i < TASKS; i++) {
      ids.add("sleeper-" + i);
      commands.put("sleeper-" + i, "sleep 600");
    }
    commands.put("ender", "while [ ! -e done ]; do sleep 0.1; done; exit 3");
    Offer offer = launchAllRunning(workDir, commands);

    Path executors = workDir.resolve("slaves").resolve(agentId).resolve("frameworks").resolve(framework.frameworkId.getValue())
        .resolve("executors");
    Map<String, Path> cgroups = new LinkedHashMap<>();
    for (String id : ids) {
      String container = Files.readSymbolicLink(executors.resolve(id).resolve("runs").resolve("latest")).toString();
      cgroups.put(id, ClusterFixture.CGROUPS.resolve("memory").resolve(cluster.cgroupsRoot).resolve(container));
    }
    Map<String, List<String>> before = new LinkedHashMap<>();
    for (var e : cgroups.entrySet()) {
      before.put(e.getKey(), Files.readAllLines(e.getValue().resolve("cgroup.procs")));
    }

    // kill -9 of the agent process: its tasks keep running
    Process first = agents.get(0);
    assertThat(first.pid()).isNotEqualTo(ProcessHandle.current().pid());
    new ProcessBuilder("kill", "-9", String.valueOf(first.pid())).start().waitFor();
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).isEqualTo(128 + 9);
    for (var e : cgroups.entrySet()) {
      assertThat(Files.readAllLines(e.getValue().resolve("cgroup.procs"))).as(e.getKey()).isEqualTo(before.get(e.getKey()));
    }
    // one task ends while no agent runs; its supervisor records the exit status
    Path enderRun = executors.resolve("ender").resolve("runs").resolve("latest");
    Files.writeString(enderRun.resolve("done"), "");
    await().atMost(WAIT).until(() -> exitStatusFiles(workDir) == 1);

    String again = startAgent(workDir);
    assertThat(again).isEqualTo(agentId);
    TaskStatus ended = framework.update("ender", TaskState.TASK_FAILED, WAIT);
    assertThat(ended.getMessage()).isEqualTo("Command exited with status 3");

    // all 20 are RUNNING for the new agent and for the master, in the same processes
    JsonObject state = new JsonObject(cluster.post(cluster.masterUrl() + "/api/v1", "{\"type\":\"GET_TASKS\"}").body());
    List<String> running = state.getJsonObject("get_tasks").getJsonArray("tasks").stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("state").equals("TASK_RUNNING")).map(t -> t.getJsonObject("task_id").getString("value")).toList();
    assertThat(running).containsExactlyInAnyOrderElementsOf(ids);
    for (var e : cgroups.entrySet()) {
      assertThat(Files.readAllLines(e.getValue().resolve("cgroup.procs"))).as(e.getKey()).isEqualTo(before.get(e.getKey()));
    }

    // the re-attached tasks are still under the agent's control: a kill reaches them
    for (String id : ids) {
      framework.call(Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue(id))
          .setAgentId(offer.getAgentId())).build());
    }
    for (String id : ids) {
      framework.update(id, TaskState.TASK_KILLED, WAIT);
    }
    await().atMost(WAIT).until(() -> pendingUpdates(workDir) == 0);
    for (String id : ids) {
      assertThat(framework.history(id)).as(id).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_KILLED);
      assertThat(cgroups.get(id)).doesNotExist();
    }
    assertThat(framework.history("ender")).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FAILED);

    // a clean stop (SIGTERM) removes the agent's now empty parent cgroup
    Process second = agents.get(1);
    second.destroy();
    assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
    for (String controller : List.of("cpu", "memory", "pids")) {
      assertThat(ClusterFixture.CGROUPS.resolve(controller).resolve(cluster.cgroupsRoot)).doesNotExist();
    }
  }

  @Test
  void simulatedReboot_processesGoneWorkDirKept_tasksReportedLost() throws Exception {
    Path workDir = dir.resolve("agent");
    String agentId = startWithFramework(workDir, "reboot");
    List<String> ids = List.of("r-0", "r-1", "r-2");
    Map<String, String> commands = new LinkedHashMap<>();
    ids.forEach(id -> commands.put(id, "sleep 600"));
    launchAllRunning(workDir, commands);

    // the machine "reboots": the agent and every process of the tasks die at once; the work dir stays
    Process first = agents.get(0);
    new ProcessBuilder("kill", "-9", String.valueOf(first.pid())).start().waitFor();
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    ClusterFixture.removeCgroups(cluster.cgroupsRoot);
    assertThat(exitStatusFiles(workDir)).isZero();

    assertThat(startAgent(workDir)).isEqualTo(agentId);
    for (String id : ids) {
      TaskStatus lost = framework.update(id, TaskState.TASK_LOST, WAIT);
      assertThat(lost.getReason()).isEqualTo(TaskStatus.Reason.REASON_EXECUTOR_TERMINATED);
      assertThat(lost.getMessage()).contains("gone when the agent recovered");
      assertThat(framework.history(id)).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_LOST);
    }
    await().atMost(WAIT).until(() -> cluster.containerCgroups().isEmpty());
  }

  /** A clustered master, an agent process and a subscribed framework; returns the agent id. */
  private String startWithFramework(Path workDir, String name) throws Exception {
    OneAgent.assumeRootAndCgroups();
    cluster = new ClusterFixture(dir, true);
    String agentId = startAgent(workDir);
    framework = new V1Client(cluster.masterUrl());
    framework.subscribe(FrameworkInfo.newBuilder().setUser("root").setName(name).setFailoverTimeout(60).build());
    return agentId;
  }

  /** Launches the tasks in one ACCEPT and waits until all run and the agent has no update left to deliver. */
  private Offer launchAllRunning(Path workDir, Map<String, String> commands) throws Exception {
    Offer offer = framework.next(e -> e.getType() == Event.Type.OFFERS, WAIT).getOffers().getOffers(0);
    assertThat(ResourceBag.of(offer.getResourcesList()).contains(ResourceBag.parse(
        "cpus:" + 0.05 * commands.size() + ";mem:" + 32 * commands.size(), "*"))).isTrue();
    Offer.Operation.Launch.Builder launch = Offer.Operation.Launch.newBuilder();
    commands.forEach((id, command) -> launch.addTaskInfos(task(offer, id, command)));
    assertThat(framework.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
        .addOfferIds(offer.getId()).addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(launch)).setFilters(Filters.newBuilder().setRefuseSeconds(3600))).build())).isEqualTo(202);
    for (String id : commands.keySet()) {
      framework.update(id, TaskState.TASK_RUNNING, WAIT);
    }
    // every update acknowledged on the agent: nothing pending when it dies
    await().atMost(WAIT).until(() -> pendingUpdates(workDir) == 0);
    return offer;
  }

  private static TaskInfo task(Offer offer, String id, String command) {
    return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id)).setAgentId(offer.getAgentId())
        .setCommand(CommandInfo.newBuilder().setValue(command)).addAllResources(Resources.parse("cpus:0.05;mem:32", "*")).build();
  }

  private static long pendingUpdates(Path workDir) throws Exception {
    try {
      return Checkpoints.pendingUpdates(workDir);
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return -1; // the agent removed a directory during the walk: look again
    }
  }

  private static long exitStatusFiles(Path workDir) throws Exception {
    return countFiles(workDir, "exit_status");
  }

  private static long countFiles(Path workDir, String name) throws Exception {
    Path meta = workDir.resolve("meta");
    if (!Files.isDirectory(meta)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(meta)) {
      // <task>.exit_status, or exit_status in a task's directory (the earlier layout)
      return s.filter(p -> p.getFileName().toString().endsWith(name)).count();
    } catch (java.io.UncheckedIOException e) {
      return -1; // the agent removed a directory during the walk: look again
    }
  }
}
