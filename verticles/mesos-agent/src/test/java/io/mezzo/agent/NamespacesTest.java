package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.mesos.proto.Resources;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.DurationInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.HealthCheck;
import org.apache.mesos.v1.Protos.KillPolicy;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tasks in PID and mount namespaces of their own ({@code namespaces: [pid, mount]}), real processes. */
class NamespacesTest {
  @Test
  void tasksGetTheirOwnPidAndMountNamespaces(@TempDir Path dir) throws Exception {
    try (OneAgent one = OneAgent.start(dir, new JsonObject().put("namespaces", new JsonArray().add("pid").add("mount")),
        "namespaces")) {
      run(one);
    }
  }

  private static void run(OneAgent one) throws Exception {
    V1Client framework = one.framework();
    Offer offer = one.offer();
    KillPolicy oneSecond = KillPolicy.newBuilder().setGracePeriod(DurationInfo.newBuilder().setNanoseconds(1_000_000_000L)).build();
    // a check that passes only inside the task's namespaces: the tmpfs file and few processes
    HealthCheck inside = HealthCheck.newBuilder().setType(HealthCheck.Type.COMMAND).setDelaySeconds(0).setIntervalSeconds(0.2)
        .setTimeoutSeconds(5).setConsecutiveFailures(100).setGracePeriodSeconds(60)
        .setCommand(CommandInfo.newBuilder().setValue("test -e m/inside && test \"$(ls /proc | grep -c '^[0-9]')\" -lt 10"))
        .build();
    assertThat(framework.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
        .addOfferIds(offer.getId()).addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder()
                .addTaskInfos(task(offer, "ps", "echo pid=$$; echo procs=$(ls /proc | grep -c '^[0-9]')"))
                .addTaskInfos(task(offer, "mnt", "echo $MESOS_CONTAINER_ID >cid && mkdir -p m && mount -t tmpfs mezzo-test m && touch m/inside"
                    + " && trap 'echo got-term; exit 0' TERM; sleep 600 & wait").setKillPolicy(oneSecond).setHealthCheck(inside))
                .addTaskInfos(task(offer, "plain", "sleep 601").setKillPolicy(oneSecond))
                .addTaskInfos(task(offer, "three", "exit 3"))
                .addTaskInfos(task(offer, "nobody", "echo uid=$(id -u) pid=$$ home=$MESOS_SANDBOX"))
                .addTaskInfos(task(offer, "victim", "sleep 602"))))
        .setFilters(Filters.newBuilder().setRefuseSeconds(3600))).build())).isEqualTo(202);
    Path executors = one.executors();

    // PID namespace: the command is PID 1 and sees only its own processes (/proc mounted anew)
    framework.update("ps", TaskState.TASK_FINISHED, OneAgent.WAIT);
    String out = Files.readString(executors.resolve("ps/runs/latest/stdout"));
    assertThat(out).contains("pid=1\n");
    int procs = Integer.parseInt(out.replaceAll("(?s).*procs=(\\d+).*", "$1"));
    assertThat(procs).as(out).isBetween(1, 5);

    // the task user (setpriv after unshare) and the Mesos environment still apply
    framework.update("nobody", TaskState.TASK_FINISHED, OneAgent.WAIT);
    Path nobody = executors.resolve("nobody/runs/latest").toRealPath();
    assertThat(Files.readString(nobody.resolve("stdout"))).isEqualTo("uid=65534 pid=1 home=" + nobody + "\n");

    // exit codes pass through the extra layer
    TaskStatus three = framework.update("three", TaskState.TASK_FAILED, OneAgent.WAIT);
    assertThat(three.getMessage()).isEqualTo("Command exited with status 3");

    // mount namespace: the task's tmpfs is not visible on the host, but a health check (nsenter) sees it
    TaskStatus healthy = framework.next(e -> e.getUpdate().getStatus().getTaskId().getValue().equals("mnt")
        && e.getUpdate().getStatus().hasHealthy(), OneAgent.WAIT).getUpdate().getStatus();
    assertThat(healthy.getHealthy()).as("the check ran in the task's namespaces").isTrue();
    Path sandbox = executors.resolve("mnt/runs/latest").toRealPath();
    assertThat(sandbox.resolve("m")).isDirectory();
    assertThat(sandbox.resolve("m/inside")).doesNotExist();
    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(sandbox.toString()).doesNotContain("mezzo-test");

    // a command session (task exec) runs in the task's namespaces and sandbox too
    String containerId = Files.readString(sandbox.resolve("cid")).strip();
    String call = new JsonObject().put("type", "LAUNCH_NESTED_CONTAINER_SESSION").put("launch_nested_container_session",
        new JsonObject().put("container_id", new JsonObject().put("value", "exec-ns").put("parent", new JsonObject()
            .put("value", containerId))).put("command", new JsonObject()
            .put("value", "pwd; test -e m/inside && echo sees-mount; echo procs=$(ls /proc | grep -c '^[0-9]')"))).encode();
    HttpResponse<InputStream> session = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(one.agent().url() + "/api/v1")).header("Content-Type", "application/json")
        .header("Accept", "application/recordio").POST(HttpRequest.BodyPublishers.ofString(call)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    String[] io = AgentOperatorApiTest.drain(session);
    assertThat(io[0]).as(io[1]).startsWith(sandbox + "\nsees-mount\nprocs=");
    assertThat(Integer.parseInt(io[0].replaceAll("(?s).*procs=(\\d+).*", "$1"))).as(io[0]).isLessThan(10);

    // a signal that ends the task's PID 1 is reported as such
    framework.update("victim", TaskState.TASK_RUNNING, OneAgent.WAIT);
    long victim = await().atMost(OneAgent.WAIT).until(() -> initOf("sleep 602"), Optional::isPresent).get();
    ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
    TaskStatus killedBySignal = framework.update("victim", TaskState.TASK_FAILED, OneAgent.WAIT);
    assertThat(killedBySignal.getMessage()).isEqualTo("Command terminated with signal Killed");

    // kill with a grace period: the trapping task gets its SIGTERM, the plain one (PID 1 without a
    // handler ignores SIGTERM) is SIGKILLed after the grace; both end TASK_KILLED with nothing left
    framework.update("plain", TaskState.TASK_RUNNING, OneAgent.WAIT);
    for (String id : List.of("mnt", "plain")) {
      framework.call(Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder()
          .setTaskId(TaskID.newBuilder().setValue(id)).setAgentId(offer.getAgentId())).build());
    }
    framework.update("mnt", TaskState.TASK_KILLED, OneAgent.WAIT);
    framework.update("plain", TaskState.TASK_KILLED, OneAgent.WAIT);
    assertThat(Files.readString(sandbox.resolve("stdout"))).contains("got-term");
    await().atMost(OneAgent.WAIT).until(() -> initOf("sleep 60").isEmpty());
  }

  /** The host pid of a process that is PID 1 of its namespace and runs {@code command}. */
  private static Optional<Long> initOf(String command) {
    return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(command))
        .map(ProcessHandle::pid).filter(pid -> {
          try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .anyMatch(l -> l.startsWith("NSpid:") && l.trim().matches("NSpid:\\s+\\d+\\s+1"));
          } catch (Exception e) {
            return false;
          }
        }).findFirst();
  }

  private static TaskInfo.Builder task(Offer offer, String id, String command) {
    CommandInfo.Builder c = CommandInfo.newBuilder().setValue(command);
    if (id.equals("nobody")) {
      c.setUser("nobody");
    }
    return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id)).setAgentId(offer.getAgentId())
        .setCommand(c).addAllResources(Resources.parse("cpus:0.1;mem:32", "*"));
  }
}
