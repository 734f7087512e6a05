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
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
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
  /** Longer than Mesos's 2 s: the executors' retries must not miss it on a loaded CI machine. */
  private static final int REREGISTRATION_TIMEOUT_MS = 4_000;

  @TempDir
  Path dir;

  private ClusterFixture cluster;
  private V1Client framework;
  private final List<Process> agents = new ArrayList<>();
  /** The agent's HTTP port: 0 (any), or a fixed one kept across restarts (executors reconnect to it). */
  private int agentPort;

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
    return new JsonObject().put("port", agentPort).put("cgroups_root", cluster.cgroupsRoot).put("isolation", "cgroups")
        .put("resources", "cpus:4;mem:4096;disk:1000;ports:[31000-31099]")
        .put("registration_backoff_factor_ms", 100).put("kill_grace_period_ms", 1000)
        .put("executor_reregistration_timeout_ms", REREGISTRATION_TIMEOUT_MS).encode();
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

  @Test
  void killDashNine_customExecutorsAndTaskGroup_resubscribeOrEndAsMesosReports() throws Exception {
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      agentPort = probe.getLocalPort(); // fixed across the restart: the executors reconnect to this port
    }
    Path workDir = dir.resolve("agent");
    String agentId = startWithFramework(workDir, "executor-recovery");
    Path script = Path.of(getClass().getResource("/executor/test_executor.py").toURI());
    Offer offer = framework.next(e -> e.getType() == Event.Type.OFFERS, WAIT).getOffers().getOffers(0);
    Offer.Operation.Launch.Builder launch = Offer.Operation.Launch.newBuilder();
    // one executor that reconnects, one that stays alive but never subscribes again, one the test kills meanwhile
    launch.addTaskInfos(onExecutor(offer, "exec-task", "py-exec", script, Map.of()));
    launch.addTaskInfos(onExecutor(offer, "stuck-task", "stuck-exec", script, Map.of("TEST_EXECUTOR_NO_RECONNECT", "1")));
    launch.addTaskInfos(onExecutor(offer, "doomed-task", "doomed-exec", script, Map.of()));
    // and one that subscribes only after the restart, so its task never reached it
    launch.addTaskInfos(onExecutor(offer, "late-task", "late-exec", script, Map.of("TEST_EXECUTOR_WAIT_FOR", "go")));
    // a task group: two long tasks and one that ends (exit 0) while no agent runs
    ExecutorInfo pod = ExecutorInfo.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("pod"))
        .setType(ExecutorInfo.Type.DEFAULT).setFrameworkId(framework.frameworkId)
        .addAllResources(Resources.parse("cpus:0.1;mem:32", "*")).build();
    org.apache.mesos.v1.Protos.TaskGroupInfo.Builder group = org.apache.mesos.v1.Protos.TaskGroupInfo.newBuilder()
        .addTasks(task(offer, "pod.a", "sleep 600")).addTasks(task(offer, "pod.b", "sleep 600"))
        .addTasks(task(offer, "pod.c", "while [ ! -e done ]; do sleep 0.1; done; exit 0"));
    assertThat(framework.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
        .addOfferIds(offer.getId())
        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH).setLaunch(launch))
        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH_GROUP)
            .setLaunchGroup(Offer.Operation.LaunchGroup.newBuilder().setExecutor(pod).setTaskGroup(group)))
        .setFilters(Filters.newBuilder().setRefuseSeconds(3600))).build())).isEqualTo(202);
    List<String> all = List.of("exec-task", "stuck-task", "doomed-task", "pod.a", "pod.b", "pod.c");
    for (String id : all) {
      framework.update(id, TaskState.TASK_RUNNING, WAIT);
    }
    await().atMost(WAIT).until(() -> pendingUpdates(workDir) == 0);

    Path executors = workDir.resolve("slaves").resolve(agentId).resolve("frameworks").resolve(framework.frameworkId.getValue())
        .resolve("executors");
    Map<String, Path> cgroups = new LinkedHashMap<>();
    for (String eid : List.of("py-exec", "stuck-exec", "doomed-exec")) {
      String container = Files.readSymbolicLink(executors.resolve(eid).resolve("runs").resolve("latest")).toString();
      cgroups.put(eid, ClusterFixture.CGROUPS.resolve("memory").resolve(cluster.cgroupsRoot).resolve(container));
    }
    for (String eid : List.of("doomed-exec", "late-exec")) {
      await().atMost(WAIT).until(() -> Files.exists(executors.resolve(eid).resolve("runs").resolve("latest").resolve("executor.pid")));
    }
    String lateContainer = Files.readSymbolicLink(executors.resolve("late-exec").resolve("runs").resolve("latest")).toString();
    Path lateCgroup = ClusterFixture.CGROUPS.resolve("memory").resolve(cluster.cgroupsRoot).resolve(lateContainer);
    await().atMost(WAIT).until(() -> Files.exists(meta(workDir).resolve("executors").resolve("late-exec").resolve("executor.json"))
        && new JsonObject(Files.readString(meta(workDir).resolve("executors").resolve("late-exec").resolve("executor.json")))
            .getLong("pid") > 0);
    List<String> pyExecProcs = Files.readAllLines(cgroups.get("py-exec").resolve("cgroup.procs"));

    // kill -9 of the agent; while it is down one executor is SIGKILLed and one task of the group ends
    Process first = agents.get(0);
    new ProcessBuilder("kill", "-9", String.valueOf(first.pid())).start().waitFor();
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String doomedPid = Files.readString(executors.resolve("doomed-exec").resolve("runs").resolve("latest").resolve("executor.pid"));
    new ProcessBuilder("kill", "-9", doomedPid.trim()).start().waitFor();
    Files.writeString(executors.resolve("pod").resolve("runs").resolve("latest").resolve("tasks").resolve("pod.c").resolve("done"), "");
    Path meta = meta(workDir);
    await().atMost(WAIT).until(() -> Files.exists(meta.resolve("executors").resolve("doomed-exec").resolve("exit_status"))
        && Files.exists(meta.resolve("tasks").resolve(Checkpoints.encode("pod.c") + Checkpoints.EXIT_SUFFIX)));
    assertThat(Files.readAllLines(cgroups.get("py-exec").resolve("cgroup.procs"))).isEqualTo(pyExecProcs);

    assertThat(startAgent(workDir)).isEqualTo(agentId);
    Files.writeString(executors.resolve("late-exec").resolve("runs").resolve("latest").resolve("go"), "");
    // ended while the agent was down: the real exit statuses
    TaskStatus doomed = framework.update("doomed-task", TaskState.TASK_FAILED, WAIT);
    assertThat(doomed.getReason()).isEqualTo(TaskStatus.Reason.REASON_EXECUTOR_TERMINATED);
    assertThat(doomed.getSource()).isEqualTo(TaskStatus.Source.SOURCE_AGENT);
    assertThat(doomed.getMessage()).isEqualTo("Executor 'doomed-exec' terminated with signal Killed");
    assertThat(framework.update("pod.c", TaskState.TASK_FINISHED, WAIT).getMessage()).isEqualTo("Command exited with status 0");
    // the reconnecting executor subscribed again: the update it made while cut off arrives, once
    TaskStatus again = framework.next(e -> e.getType() == Event.Type.UPDATE
        && e.getUpdate().getStatus().getTaskId().getValue().equals("exec-task"), WAIT).getUpdate().getStatus();
    assertThat(again.getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(again.getMessage()).isEqualTo("reconnecting to the agent");
    // the one that did not subscribe again within the timeout is killed, its task lost as Mesos reports it
    TaskStatus stuck = framework.update("stuck-task", TaskState.TASK_LOST, WAIT);
    assertThat(stuck.getReason()).isEqualTo(TaskStatus.Reason.REASON_EXECUTOR_REREGISTRATION_TIMEOUT);
    assertThat(stuck.getSource()).isEqualTo(TaskStatus.Source.SOURCE_AGENT);
    await().atMost(WAIT).until(() -> !Files.exists(cgroups.get("stuck-exec")) && !Files.exists(cgroups.get("doomed-exec")));
    // the late executor subscribed without the task the agent had launched for it: lost, as Mesos reports it
    TaskStatus late = framework.update("late-task", TaskState.TASK_LOST, WAIT);
    assertThat(late.getReason()).isEqualTo(TaskStatus.Reason.REASON_AGENT_RESTARTED);
    assertThat(late.getMessage()).isEqualTo("Task launched during agent restart");
    // and goes when the framework shuts it down
    framework.call(Call.newBuilder().setType(Call.Type.SHUTDOWN).setShutdown(Call.Shutdown.newBuilder()
        .setExecutorId(ExecutorID.newBuilder().setValue("late-exec")).setAgentId(offer.getAgentId())).build());
    await().atMost(WAIT).until(() -> !Files.exists(lateCgroup));

    // the master sees the executor's task and the group's two long tasks running, in the same processes
    JsonObject state = new JsonObject(cluster.post(cluster.masterUrl() + "/api/v1", "{\"type\":\"GET_TASKS\"}").body());
    List<String> running = state.getJsonObject("get_tasks").getJsonArray("tasks").stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("state").equals("TASK_RUNNING")).map(t -> t.getJsonObject("task_id").getString("value")).toList();
    assertThat(running).containsExactlyInAnyOrder("exec-task", "pod.a", "pod.b");
    assertThat(Files.readAllLines(cgroups.get("py-exec").resolve("cgroup.procs"))).isEqualTo(pyExecProcs);

    // kills through the framework work end to end: the executor kills its task and exits; a group task's kill takes the group
    for (String id : List.of("exec-task", "pod.a")) {
      framework.call(Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue(id))
          .setAgentId(offer.getAgentId())).build());
    }
    assertThat(framework.update("exec-task", TaskState.TASK_KILLED, WAIT).getMessage()).isEqualTo("killed by the test executor");
    framework.update("pod.a", TaskState.TASK_KILLED, WAIT);
    framework.update("pod.b", TaskState.TASK_KILLED, WAIT);
    await().atMost(WAIT).until(() -> pendingUpdates(workDir) == 0 && cluster.containerCgroups().isEmpty());
    assertThat(Files.readString(executors.resolve("py-exec").resolve("runs").resolve("latest").resolve("stdout")))
        .contains("disconnected from the agent", "subscribed again", "exiting");

    // every update exactly once
    assertThat(framework.history("exec-task")).containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_RUNNING, TaskState.TASK_KILLED);
    assertThat(framework.history("stuck-task")).containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_LOST);
    assertThat(framework.history("doomed-task")).containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_FAILED);
    assertThat(framework.history("late-task")).containsExactly(TaskState.TASK_LOST);
    for (String id : List.of("pod.a", "pod.b")) {
      assertThat(framework.history(id)).as(id).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_KILLED);
    }
    assertThat(framework.history("pod.c")).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
  }

  private Path meta(Path workDir) {
    return workDir.resolve("meta").resolve("frameworks").resolve(Checkpoints.encode(framework.frameworkId.getValue()));
  }

  /** A task run by a custom executor (the test executor script, with extra environment). */
  private static TaskInfo onExecutor(Offer offer, String id, String executorId, Path script, Map<String, String> env) {
    org.apache.mesos.v1.Protos.Environment.Builder vars = org.apache.mesos.v1.Protos.Environment.newBuilder();
    env.forEach((k, v) -> vars.addVariables(org.apache.mesos.v1.Protos.Environment.Variable.newBuilder().setName(k).setValue(v)));
    ExecutorInfo executor = ExecutorInfo.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue(executorId))
        .setType(ExecutorInfo.Type.CUSTOM).setCommand(CommandInfo.newBuilder().setValue("exec python3 " + script).setEnvironment(vars))
        .addAllResources(Resources.parse("cpus:0.05;mem:64", "*")).build();
    return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id)).setAgentId(offer.getAgentId())
        .setExecutor(executor).addAllResources(Resources.parse("cpus:0.05;mem:32", "*")).build();
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
