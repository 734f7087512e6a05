package io.mezzo.master;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.master.sim.SimulatedAgent;
import io.mezzo.mesos.proto.MesosJson;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.master.Protos.Response;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three masters on a real ZooKeeper, two simulated agents and a framework with tasks on both. The
 * leader crashes (its ZooKeeper session ends, then it stops); another master is elected, recovers the
 * registry, the agents re-register with their tasks, the framework finds the new leader through a
 * follower's 307 and re-subscribes with its id, and every task is still known, reconcilable and killable;
 * a task that finished before the crash is listed among the completed tasks.
 */
class MasterFailoverTest {
  @TempDir
  Path dir;

  private MasterFixture fixture;

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void leaderCrash_newLeaderRecoversAgentsFrameworkAndEveryTask() throws Exception {
    fixture = new MasterFixture(dir);
    List<MasterFixture.Deployed> masters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      masters.add(fixture.deploy(new JsonObject()));
    }
    MasterFixture.Deployed first = fixture.leader(masters, Launching.WAIT);
    List<SimulatedAgent> agents = List.of(
        new SimulatedAgent(fixture.vertx, "agent-a.example", "cpus:2;mem:1024;disk:100", 200),
        new SimulatedAgent(fixture.vertx, "agent-b.example", "cpus:2;mem:1024;disk:100", 200));
    for (SimulatedAgent a : agents) {
      fixture.onLoop(a::start);
    }

    Call subscribe = Launching.subscribe("failover", true);
    TestScheduler s = new TestScheduler(first.url(), TestScheduler.JSON);
    assertThat(s.subscribe(subscribe)).isEqualTo(200);
    Set<String> launchedOn = new HashSet<>();
    List<String> tasks = new ArrayList<>();
    while (launchedOn.size() < 2) {
      for (Offer offer : s.next(e -> e.getType() == Event.Type.OFFERS, Launching.WAIT).getOffers().getOffersList()) {
        if (launchedOn.add(offer.getAgentId().getValue())) {
          String a = "task-" + tasks.size();
          String b = "task-" + (tasks.size() + 1);
          Launching.accept(s, offer, "cpus:0.5;mem:128", 3600, a, b);
          tasks.add(a);
          tasks.add(b);
        } else {
          s.call(Call.newBuilder().setType(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder().addOfferIds(offer.getId())).build());
        }
      }
    }
    for (String t : tasks) {
      Launching.updateAndAck(s, t, TaskState.TASK_RUNNING);
    }
    // one task ends before the crash: the new leader learns it from its agent as a completed task
    String finished = tasks.remove(1);
    SimulatedAgent holder = agents.stream().filter(a -> a.tasks().values().stream()
        .anyMatch(t -> t.getTaskId().getValue().equals(finished))).findFirst().orElseThrow();
    fixture.onLoop(() -> {
      holder.finish(s.frameworkId.getValue(), finished, TaskState.TASK_FINISHED);
      return io.vertx.core.Future.succeededFuture();
    });
    Launching.updateAndAck(s, finished, TaskState.TASK_FINISHED);
    await().atMost(Launching.WAIT).until(() -> agents.stream().allMatch(a -> a.unacknowledged() == 0));
    s.close();

    // crash: the session ends first (its election node and json.info_ go), then the process stops
    first.curator().close();
    fixture.undeploy(first);
    masters.remove(first);
    MasterFixture.Deployed leader = fixture.leader(masters, Launching.WAIT);
    MasterFixture.Deployed follower = masters.get(0) == leader ? masters.get(1) : masters.get(0);

    // the framework finds the new leader through a follower
    String crashed = "//127.0.0.1:" + first.port() + "/";
    await().atMost(Launching.WAIT).until(() -> !fixture.post(follower.url() + "/api/v1/scheduler", "application/json", null,
        MesosJson.print(subscribe)).headers().firstValue("Location").orElse(crashed).startsWith(crashed));
    HttpResponse<String> redirect = fixture.post(follower.url() + "/api/v1/scheduler", "application/json", null, MesosJson.print(subscribe));
    String location = redirect.headers().firstValue("Location").orElseThrow();
    assertThat(location).isEqualTo("//127.0.0.1:" + leader.port() + "/api/v1/scheduler");
    TestScheduler again = new TestScheduler("http:" + location.replace("/api/v1/scheduler", ""), TestScheduler.PROTOBUF);
    assertThat(again.subscribe(Launching.resubscribe(subscribe, s.frameworkId))).isEqualTo(200);
    assertThat(again.frameworkId).isEqualTo(s.frameworkId);

    // the agents re-register with their tasks
    await().atMost(Launching.WAIT).untilAsserted(() -> {
      Response agentsNow = fixture.operator(leader, "GET_AGENTS");
      assertThat(agentsNow.getGetAgents().getAgentsList()).extracting(a -> a.getAgentInfo().getId().getValue())
          .containsExactlyInAnyOrder(agents.get(0).agentId(), agents.get(1).agentId());
      assertThat(agentsNow.getGetAgents().getRecoveredAgentsList()).isEmpty();
    });
    Response state = fixture.operator(leader, "GET_TASKS");
    assertThat(state.getGetTasks().getTasksList()).extracting(t -> t.getTaskId().getValue() + " " + t.getState())
        .containsExactlyInAnyOrderElementsOf(tasks.stream().map(t -> t + " TASK_RUNNING").toList());
    assertThat(state.getGetTasks().getCompletedTasksList()).extracting(t -> t.getTaskId().getValue() + " " + t.getState())
        .containsExactly(finished + " TASK_FINISHED");

    assertThat(again.call(Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(Call.Reconcile.getDefaultInstance()).build())
        .statusCode()).isEqualTo(202);
    for (String t : tasks) {
      TaskStatus running = Launching.update(again, t, TaskState.TASK_RUNNING);
      assertThat(running.getReason()).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);
    }
    assertThat(again.call(Launching.kill(tasks.get(0))).statusCode()).isEqualTo(202);
    Launching.updateAndAck(again, tasks.get(0), TaskState.TASK_KILLED);

    // clients that detect the leader through ZooKeeper read the new leader's MasterInfo
    Response master = fixture.operator(leader, "GET_MASTER");
    CuratorFramework reader = fixture.newSession();
    List<String> infos = reader.getChildren().forPath("/mesos").stream().filter(n -> n.startsWith("json.info_")).toList();
    assertThat(infos).hasSize(1);
    MasterInfo published = MesosJson.parse(new String(reader.getData().forPath("/mesos/" + infos.get(0)), UTF_8),
        MasterInfo.getDefaultInstance());
    assertThat(published.getId()).isEqualTo(master.getGetMaster().getMasterInfo().getId());
    assertThat(published.getPort()).isEqualTo(leader.port());
    assertThat(published.getAddress().getPort()).isEqualTo(leader.port());
    again.close();
  }
}
