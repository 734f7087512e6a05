package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mezzo.mesos.proto.Resources;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real agent re-registering with a newly started master: the tasks that ended on it (finished and
 * acknowledged) are listed by the new master as completed, next to the task still running.
 */
class MasterRestartTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private ClusterFixture cluster;
  private V1Client framework;

  @AfterEach
  void stop() throws Exception {
    if (framework != null) {
      framework.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void finishedTasks_areCompletedTasksOfTheNewMaster() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root for cgroups");
    assumeTrue(Files.isDirectory(ClusterFixture.CGROUPS.resolve("memory")), "needs cgroup v1 memory controller");
    cluster = new ClusterFixture(dir);
    ClusterFixture.Agent agent = cluster.deployAgent(dir.resolve("agent"), new JsonObject()
        .put("resources", "cpus:2;mem:1024;disk:100;ports:[31000-31009]").put("isolation", "cgroups"));
    await().atMost(WAIT).until(() -> agent.verticle().registered());
    framework = new V1Client(cluster.masterUrl());
    framework.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("restart").setFailoverTimeout(600).build());
    Offer offer = framework.next(e -> e.getType() == Event.Type.OFFERS, WAIT).getOffers().getOffers(0);
    Offer.Operation.Launch.Builder launch = Offer.Operation.Launch.newBuilder();
    for (String[] t : new String[][] {{"done-0", "true"}, {"done-1", "exit 3"}, {"sleeper", "sleep 600"}}) {
      launch.addTaskInfos(TaskInfo.newBuilder().setName(t[0]).setTaskId(TaskID.newBuilder().setValue(t[0]))
          .setAgentId(offer.getAgentId()).setCommand(CommandInfo.newBuilder().setValue(t[1]))
          .addAllResources(Resources.parse("cpus:0.1;mem:32", "*")));
    }
    assertThat(framework.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
        .addOfferIds(offer.getId()).addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH).setLaunch(launch))
        .setFilters(Filters.newBuilder().setRefuseSeconds(0))).build())).isEqualTo(202);
    framework.update("done-0", TaskState.TASK_FINISHED, WAIT);
    framework.update("done-1", TaskState.TASK_FAILED, WAIT);
    framework.update("sleeper", TaskState.TASK_RUNNING, WAIT);
    // the acknowledgements reached the agent: both ended tasks are among its completed ones
    await().atMost(WAIT).until(() -> agent.verticle() != null && completedOnAgent(agent).containsAll(List.of("done-0", "done-1")));

    cluster.restartMaster();

    await().atMost(WAIT).untilAsserted(() -> {
      JsonObject tasks = getTasks();
      assertThat(states(tasks.getJsonArray("completed_tasks"))).containsExactlyInAnyOrder("done-0=TASK_FINISHED", "done-1=TASK_FAILED");
      assertThat(states(tasks.getJsonArray("tasks"))).containsExactly("sleeper=TASK_RUNNING");
    });
  }

  private List<String> completedOnAgent(ClusterFixture.Agent agent) throws Exception {
    JsonObject state = new JsonObject(cluster.get(agent.url() + "/state").body());
    List<String> out = new ArrayList<>();
    for (Object f : state.getJsonArray("frameworks").copy().addAll(state.getJsonArray("completed_frameworks"))) {
      for (Object e : ((JsonObject) f).getJsonArray("completed_executors")) {
        for (Object t : ((JsonObject) e).getJsonArray("completed_tasks")) {
          out.add(((JsonObject) t).getString("id"));
        }
      }
    }
    return out;
  }

  /** The master's GET_TASKS answer. */
  private JsonObject getTasks() throws Exception {
    var r = cluster.post(cluster.masterUrl() + "/api/v1", "{\"type\":\"GET_TASKS\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject tasks = new JsonObject(r.body()).getJsonObject("get_tasks");
    return tasks == null ? new JsonObject() : tasks;
  }

  private static List<String> states(JsonArray tasks) {
    List<String> out = new ArrayList<>();
    if (tasks != null) {
      for (Object t : tasks) {
        JsonObject task = (JsonObject) t;
        out.add(task.getJsonObject("task_id").getString("value") + "=" + task.getString("state"));
      }
    }
    return out;
  }
}
