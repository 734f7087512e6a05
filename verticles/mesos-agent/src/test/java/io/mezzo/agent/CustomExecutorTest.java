package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.mezzo.mesos.proto.Resources;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.Filters;
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
 * A framework ships its own executor, a small Python program (test resources) speaking the v1
 * executor HTTP API: the agent starts it in its container, hands it the task, relays its updates
 * and its message to the framework through the master, and the framework's message to it. And the default
 * executor: a task group shares one sandbox and one lifecycle.
 */
class CustomExecutorTest {
  private static final Duration WAIT = OneAgent.WAIT;

  @TempDir
  Path dir;

  private OneAgent one;

  @AfterEach
  void stop() throws Exception {
    if (one != null) {
      one.close();
    }
  }

  @Test
  void pythonExecutor_runsATask_throughTheExecutorApi() throws Exception {
    Path script = Path.of(getClass().getResource("/executor/test_executor.py").toURI());
    one = OneAgent.start(dir, new JsonObject(), "own-executor");
    V1Client framework = one.framework();
    ClusterFixture.Agent agent = one.agent();
    Offer offer = one.offer();
    ExecutorInfo executor = pythonExecutor("py-exec", CommandInfo.newBuilder().setValue("exec python3 " + script));
    TaskInfo task = onExecutor("via-executor", offer, executor, "cpus:0.1;mem:32");
    accept(framework, offer, Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
        .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)));

    TaskStatus running = framework.update("via-executor", TaskState.TASK_RUNNING, WAIT);
    assertThat(running.getMessage()).isEqualTo("running in the test executor");
    assertThat(running.getSource()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
    assertThat(running.getExecutorId().getValue()).isEqualTo("py-exec");
    // the executor's own MESSAGE reaches the framework through the master, byte for byte
    Event fromExecutor = framework.next(e -> e.getType() == Event.Type.MESSAGE, WAIT);
    assertThat(fromExecutor.getMessage().getAgentId()).isEqualTo(offer.getAgentId());
    assertThat(fromExecutor.getMessage().getExecutorId().getValue()).isEqualTo("py-exec");
    byte[] expected = new byte[13 + 128];
    System.arraycopy("via-executor".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, expected, 0, 12);
    for (int i = 0; i < 128; i++) {
      expected[13 + i] = (byte) (0x80 + i);
    }
    assertThat(fromExecutor.getMessage().getData().toByteArray()).isEqualTo(expected);
    Path sandbox = one.executors().resolve("py-exec").resolve("runs").resolve("latest");
    String container = Files.readSymbolicLink(sandbox).toString();
    Path cgroup = ClusterFixture.CGROUPS.resolve("memory").resolve(one.cluster().cgroupsRoot).resolve(container);
    assertThat(Files.readString(cgroup.resolve("memory.limit_in_bytes")).trim()).isEqualTo(String.valueOf(96L << 20));
    assertThat(Files.readAllLines(cgroup.resolve("cgroup.procs"))).isNotEmpty();

    // malformed executor calls are refused with 400
    HttpClient http = HttpClient.newHttpClient();
    assertThat(executorCall(http, agent, "{\"type\":").statusCode()).isEqualTo(400);
    HttpResponse<String> noIds = executorCall(http, agent, "{\"type\":\"UPDATE\"}");
    assertThat(noIds.statusCode()).isEqualTo(400);
    assertThat(noIds.body()).contains("framework_id");
    assertThat(executorCall(http, agent, "{\"type\":\"SUBSCRIBE\",\"framework_id\":{\"value\":\"nope\"},"
        + "\"executor_id\":{\"value\":\"nope\"},\"subscribe\":{}}").statusCode()).isEqualTo(400);
    assertThat(executorCall(http, agent, "{\"type\":\"UPDATE\",\"framework_id\":{\"value\":\"" + framework.frameworkId.getValue()
        + "\"},\"executor_id\":{\"value\":\"py-exec\"},\"update\":{\"status\":{\"task_id\":{\"value\":\"via-executor\"},"
        + "\"state\":\"TASK_FINISHED\"}}}").statusCode()).isEqualTo(400);

    // the framework's message reaches the executor, which then finishes the task and exits
    assertThat(framework.call(Call.newBuilder().setType(Call.Type.MESSAGE).setMessage(Call.Message.newBuilder()
        .setAgentId(offer.getAgentId()).setExecutorId(executor.getExecutorId()).setData(ByteString.copyFromUtf8("hello executor")))
        .build())).isEqualTo(202);
    TaskStatus finished = framework.update("via-executor", TaskState.TASK_FINISHED, WAIT);
    assertThat(finished.getMessage()).isEqualTo("got: hello executor");
    assertThat(Files.readString(sandbox.resolve("message-via-executor"))).isEqualTo("hello executor");
    await().atMost(WAIT).until(() -> !Files.exists(cgroup));
    assertThat(Files.readString(sandbox.resolve("stdout"))).contains("event SUBSCRIBED", "event LAUNCH", "event MESSAGE",
        "event ACKNOWLEDGED", "exiting");
    assertThat(framework.history("via-executor")).containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
  }

  @Test
  void secondTaskOnARunningExecutor_growsItsContainer_whichShrinksWhenATaskEnds() throws Exception {
    Path script = Path.of(getClass().getResource("/executor/test_executor.py").toURI());
    one = OneAgent.start(dir, new JsonObject(), "growing-executor");
    V1Client framework = one.framework();
    Offer offer = one.offer();
    ExecutorInfo executor = pythonExecutor("grow-exec", CommandInfo.newBuilder().setValue("exec python3 " + script));
    TaskInfo first = onExecutor("first", offer, executor, "cpus:0.1;mem:32");
    accept(framework, offer, Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
        .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(first)));
    framework.update("first", TaskState.TASK_RUNNING, WAIT);
    String container = Files.readSymbolicLink(one.executors().resolve("grow-exec").resolve("runs").resolve("latest")).toString();
    Path memory = ClusterFixture.CGROUPS.resolve("memory").resolve(one.cluster().cgroupsRoot).resolve(container);
    Path cpu = ClusterFixture.CGROUPS.resolve("cpu").resolve(one.cluster().cgroupsRoot).resolve(container);
    assertThat(Files.readString(memory.resolve("memory.limit_in_bytes")).trim()).isEqualTo(String.valueOf(96L << 20));

    // a second task on the same executor: its container grows by the task's resources
    assertThat(framework.call(Call.newBuilder().setType(Call.Type.REVIVE).build())).isEqualTo(202);
    Offer second = one.offer();
    TaskInfo next = onExecutor("second", second, executor, "cpus:0.2;mem:48");
    accept(framework, second, Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
        .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(next)));
    framework.update("second", TaskState.TASK_RUNNING, WAIT);
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(Files.readString(memory.resolve("memory.limit_in_bytes")).trim()).isEqualTo(String.valueOf(144L << 20));
      assertThat(Files.readString(cpu.resolve("cpu.shares")).trim()).isEqualTo(String.valueOf(Math.round(1024 * 0.4)));
    });

    // the first task ends: back to the executor's and the second task's
    framework.call(Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder().setTaskId(first.getTaskId())
        .setAgentId(offer.getAgentId())).build());
    framework.update("first", TaskState.TASK_KILLED, WAIT);
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(Files.readString(memory.resolve("memory.limit_in_bytes")).trim()).isEqualTo(String.valueOf(112L << 20)));
    framework.call(Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder().setTaskId(next.getTaskId())
        .setAgentId(offer.getAgentId())).build());
    framework.update("second", TaskState.TASK_KILLED, WAIT);
    await().atMost(WAIT).until(() -> one.cluster().containerCgroups().isEmpty());
  }

  @Test
  void taskGroup_sharesTheExecutorSandbox_andOneFailingTaskKillsTheOthers() throws Exception {
    one = OneAgent.start(dir, new JsonObject(), "pods");
    V1Client framework = one.framework();
    Offer offer = one.offer();
    launchGroup(framework, offer, "pod-1",
        groupTask("pod-1.web", "web", offer, "echo serving; exec sleep 600", "cpus:0.1;mem:32"),
        groupTask("pod-1.sidecar", "sidecar", offer, "while [ ! -e ../pod-1.web/stdout ]; do sleep 0.1; done; exit 2", "cpus:0.1;mem:32"));

    TaskStatus failed = framework.update("pod-1.sidecar", TaskState.TASK_FAILED, WAIT);
    assertThat(failed.getMessage()).isEqualTo("Command exited with status 2");
    TaskStatus killed = framework.update("pod-1.web", TaskState.TASK_KILLED, WAIT);
    assertThat(killed.getExecutorId().getValue()).isEqualTo("pod-1");
    Path run = one.executors().resolve("pod-1").resolve("runs").resolve("latest");
    assertThat(Files.readString(run.resolve("tasks").resolve("pod-1.web").resolve("stdout"))).isEqualTo("serving\n");
    assertThat(run.resolve("tasks").resolve("pod-1.sidecar").resolve("stderr")).exists();
    await().atMost(WAIT).until(() -> one.cluster().containerCgroups().isEmpty());
    assertThat(framework.history("pod-1.web")).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_KILLED);
  }

  @Test
  void executorExceedingItsMemory_failsItsTaskWithTheMemoryReason() throws Exception {
    Path script = Path.of(getClass().getResource("/executor/test_executor.py").toURI());
    one = OneAgent.start(dir, new JsonObject(), "hungry-executor");
    V1Client framework = one.framework();
    Offer offer = one.offer();
    // the container gets 64 + 32 MB; the executor touches 300 MiB once it reported the task running
    ExecutorInfo executor = pythonExecutor("hungry", CommandInfo.newBuilder().setValue("exec python3 " + script)
        .setEnvironment(org.apache.mesos.v1.Protos.Environment.newBuilder().addVariables(
            org.apache.mesos.v1.Protos.Environment.Variable.newBuilder().setName("TEST_EXECUTOR_EAT_MB").setValue("300"))));
    TaskInfo task = onExecutor("hungry-task", offer, executor, "cpus:0.1;mem:32");
    accept(framework, offer, Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
        .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)));

    TaskStatus failed = framework.update("hungry-task", TaskState.TASK_FAILED, WAIT);
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY);
    assertThat(failed.getSource()).isEqualTo(TaskStatus.Source.SOURCE_AGENT);
    assertThat(failed.getMessage()).startsWith("Memory limit exceeded: Requested: 96MB");
    await().atMost(WAIT).until(() -> one.cluster().containerCgroups().isEmpty());
    assertThat(framework.history("hungry-task")).containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_FAILED);
  }

  @Test
  void taskGroupTaskExceedingItsMemory_failsWithTheMemoryReason_andTheGroupGoes() throws Exception {
    one = OneAgent.start(dir, new JsonObject(), "hungry-pod");
    V1Client framework = one.framework();
    Offer offer = one.offer();
    launchGroup(framework, offer, "pod-2",
        groupTask("pod-2.server", "server", offer, "exec sleep 600", "cpus:0.1;mem:32"),
        groupTask("pod-2.hog", "hog", offer,
            "while [ ! -e ../pod-2.server/stdout ]; do sleep 0.1; done; head -c 400m /dev/zero | tail", "cpus:0.1;mem:64"));

    TaskStatus failed = framework.update("pod-2.hog", TaskState.TASK_FAILED, WAIT);
    assertThat(failed.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY);
    assertThat(failed.getSource()).isEqualTo(TaskStatus.Source.SOURCE_AGENT);
    framework.update("pod-2.server", TaskState.TASK_KILLED, WAIT);
    await().atMost(WAIT).until(() -> one.cluster().containerCgroups().isEmpty());
  }

  /** Accepts the offer with one operation, refusing further offers for an hour. */
  /** The test executor as a custom executor of its own 0.1 cpus and 64 MB. */
  private static ExecutorInfo pythonExecutor(String id, CommandInfo.Builder command) {
    return ExecutorInfo.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue(id)).setType(ExecutorInfo.Type.CUSTOM)
        .setCommand(command).addAllResources(Resources.parse("cpus:0.1;mem:64", "*")).build();
  }

  /** A task (named as its id) for the executor. */
  private static TaskInfo onExecutor(String id, Offer offer, ExecutorInfo executor, String resources) {
    return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id)).setAgentId(offer.getAgentId())
        .setExecutor(executor).addAllResources(Resources.parse(resources, "*")).build();
  }

  /** A command task of a task group. */
  private static TaskInfo groupTask(String id, String name, Offer offer, String command, String resources) {
    return TaskInfo.newBuilder().setName(name).setTaskId(TaskID.newBuilder().setValue(id)).setAgentId(offer.getAgentId())
        .setCommand(CommandInfo.newBuilder().setValue(command)).addAllResources(Resources.parse(resources, "*")).build();
  }

  /** LAUNCH_GROUP of the tasks under the default executor {@code executorId} (0.1 cpus, 32 MB of its own). */
  private static void launchGroup(V1Client framework, Offer offer, String executorId, TaskInfo... tasks) throws Exception {
    ExecutorInfo executor = ExecutorInfo.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue(executorId))
        .setType(ExecutorInfo.Type.DEFAULT).setFrameworkId(framework.frameworkId)
        .addAllResources(Resources.parse("cpus:0.1;mem:32", "*")).build();
    accept(framework, offer, Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH_GROUP)
        .setLaunchGroup(Offer.Operation.LaunchGroup.newBuilder().setExecutor(executor)
            .setTaskGroup(org.apache.mesos.v1.Protos.TaskGroupInfo.newBuilder().addAllTasks(java.util.List.of(tasks)))));
  }

  private static void accept(V1Client framework, Offer offer, Offer.Operation.Builder operation) throws Exception {
    assertThat(framework.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
        .addOfferIds(offer.getId()).addOperations(operation).setFilters(Filters.newBuilder().setRefuseSeconds(3600))).build()))
        .isEqualTo(202);
  }

  private static HttpResponse<String> executorCall(HttpClient http, ClusterFixture.Agent agent, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(agent.url() + "/api/v1/executor")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
