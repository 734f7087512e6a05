package io.mezzo.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.master.sim.SimulatedCluster;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.master.Protos.Response;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compact re-registration (AgentInfo and tasks as protobuf, as the simulated cluster of the
 * benchmark sends them): after a failover the new leader knows every agent with its resources and
 * every task, as from JSON re-registrations.
 */
class SimulatedClusterFailoverTest {
  @TempDir
  Path dir;

  private MasterFixture fixture;

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void compactReregistrations_newLeaderKnowsEveryAgentAndTask() throws Exception {
    fixture = new MasterFixture(dir);
    List<MasterFixture.Deployed> masters = new ArrayList<>(List.of(fixture.deploy(new JsonObject()), fixture.deploy(new JsonObject())));
    MasterFixture.Deployed first = fixture.leader(masters, Launching.WAIT);
    masters.remove(first);
    SimulatedCluster cluster = new SimulatedCluster(fixture.vertx, 4, "cpus:2;mem:1024;disk:100;ports:[31000-31010]");
    fixture.onLoop(cluster::start);

    TestScheduler s = new TestScheduler(first.url(), TestScheduler.JSON);
    Call subscribe = Launching.subscribe("sim", true);
    assertThat(s.subscribe(subscribe)).isEqualTo(200);
    Set<String> launchedOn = new HashSet<>();
    List<String> tasks = new ArrayList<>();
    while (launchedOn.size() < 4) {
      for (Offer offer : s.next(e -> e.getType() == Event.Type.OFFERS, Launching.WAIT).getOffers().getOffersList()) {
        if (launchedOn.add(offer.getAgentId().getValue())) {
          String id = "t-" + tasks.size();
          Launching.accept(s, offer, "cpus:0.5;mem:128", 3600, id);
          tasks.add(id);
        }
      }
    }
    for (String t : tasks) {
      Launching.update(s, t, TaskState.TASK_RUNNING);
    }
    Response before = fixture.operator(first, "GET_AGENTS");
    s.close();

    var back = fixture.onLoop(() -> io.vertx.core.Future.succeededFuture(cluster.awaitReregistration()));
    first.curator().close();
    fixture.undeploy(first);
    MasterFixture.Deployed leader = fixture.leader(masters, Launching.WAIT);
    back.toCompletionStage().toCompletableFuture().get(Launching.WAIT.toSeconds(), TimeUnit.SECONDS);

    await().atMost(Launching.WAIT).untilAsserted(() -> {
      Response agents = fixture.operator(leader, "GET_AGENTS");
      assertThat(agents.getGetAgents().getAgentsList()).extracting(a -> a.getAgentInfo().getId().getValue() + " "
              + a.getAgentInfo().getHostname() + " " + io.mezzo.mesos.proto.Resources.format(a.getTotalResourcesList()))
          .containsExactlyInAnyOrderElementsOf(before.getGetAgents().getAgentsList().stream().map(a -> a.getAgentInfo().getId().getValue()
              + " " + a.getAgentInfo().getHostname() + " " + io.mezzo.mesos.proto.Resources.format(a.getTotalResourcesList())).toList());
    });
    Response state = fixture.operator(leader, "GET_TASKS");
    assertThat(state.getGetTasks().getTasksList()).extracting(t -> t.getTaskId().getValue() + " " + t.getState() + " "
            + io.mezzo.mesos.proto.Resources.format(t.getResourcesList()))
        .containsExactlyInAnyOrderElementsOf(tasks.stream().map(t -> t + " TASK_RUNNING cpus:0.5;mem:128").toList());

    // GET_STATE in protobuf shows what the JSON answer shows
    java.net.http.HttpResponse<byte[]> pb = fixture.send("POST", leader.url() + "/api/v1", "{\"type\":\"GET_STATE\"}".getBytes(),
        "Content-Type", "application/json", "Accept", "application/x-protobuf");
    assertThat(pb.statusCode()).isEqualTo(200);
    Response.GetState proto = Response.parseFrom(pb.body()).getGetState();
    Response.GetState json = fixture.operator(leader, "GET_STATE").getGetState();
    assertThat(proto.getGetTasks().getTasksList()).extracting(t -> t.getTaskId().getValue() + " " + t.getState())
        .containsExactlyInAnyOrderElementsOf(json.getGetTasks().getTasksList().stream().map(t -> t.getTaskId().getValue() + " " + t.getState()).toList())
        .hasSize(tasks.size());
    assertThat(proto.getGetAgents().getAgentsList()).extracting(a -> a.getAgentInfo().getId().getValue())
        .containsExactlyInAnyOrderElementsOf(json.getGetAgents().getAgentsList().stream().map(a -> a.getAgentInfo().getId().getValue()).toList())
        .hasSize(4);
  }
}
