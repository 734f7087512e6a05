package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.mesos.proto.Resources;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sandbox rotation of a chatty task's stdout, and garbage collection of finished sandboxes after gc_delay. */
class SandboxHousekeepingTest {
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
  void stdoutIsRotatedBySize_andFinishedSandboxesGoAfterGcDelay() throws Exception {
    one = OneAgent.start(dir, new JsonObject().put("gc_delay_ms", 1500).put("log_max_bytes", 4096).put("log_files_kept", 2),
        "housekeeping");
    V1Client framework = one.framework();
    Offer offer = one.offer();
    assertThat(framework.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
        .addOfferIds(offer.getId()).addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder()
                .addTaskInfos(task(offer, "chatty", "while :; do printf '%01000d\\n' 0; sleep 0.01; done"))
                .addTaskInfos(task(offer, "brief", "echo bye"))))
        .setFilters(Filters.newBuilder().setRefuseSeconds(3600))).build())).isEqualTo(202);

    Path executors = one.executors();
    framework.update("brief", TaskState.TASK_FINISHED, WAIT);
    framework.update("chatty", TaskState.TASK_RUNNING, WAIT);
    Path chatty = executors.resolve("chatty").resolve("runs").resolve("latest").toRealPath();

    // rotation: stdout.1 and stdout.2 appear, never stdout.3; the live file stays small
    await().atMost(WAIT).until(() -> Files.exists(chatty.resolve("stdout.2")));
    assertThat(Files.size(chatty.resolve("stdout.1"))).isGreaterThan(4096);
    assertThat(chatty.resolve("stdout.3")).doesNotExist();
    assertThat(Files.size(chatty.resolve("stdout"))).isLessThan(200_000);

    // gc: the finished task's sandbox goes after gc_delay; the running one (older than that) stays
    await().atMost(WAIT).until(() -> !Files.exists(executors.resolve("brief")));
    assertThat(chatty).isDirectory();

    framework.call(Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder()
        .setTaskId(TaskID.newBuilder().setValue("chatty")).setAgentId(offer.getAgentId())).build());
    framework.update("chatty", TaskState.TASK_KILLED, WAIT);
    await().atMost(WAIT).until(() -> !Files.exists(executors.resolve("chatty")));
  }

  private static TaskInfo task(Offer offer, String id, String command) {
    return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id)).setAgentId(offer.getAgentId())
        .setCommand(CommandInfo.newBuilder().setValue(command)).addAllResources(Resources.parse("cpus:0.1;mem:32", "*")).build();
  }
}
