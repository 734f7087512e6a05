package io.mezzo.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.sim.SimulatedAgent;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.InverseOffer;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.allocator.Protos.InverseOfferStatus;
import org.apache.mesos.v1.maintenance.Protos.ClusterStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a framework and an operator see of inverse offers: maintenance is scheduled for two machines
 * where the framework runs tasks; the framework gets an inverse offer per agent with the window's
 * unavailability, accepts one and declines the other, the maintenance status shows its answers,
 * and when a machine leaves the schedule its unanswered inverse offer is rescinded.
 */
class InverseOfferTest {
  private static final long START_NANOS = 4102444800000000000L;

  @TempDir
  Path dir;

  private MasterFixture fixture;

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void scheduledMaintenance_inverseOffersAnswersInStatus_rescindWhenUnscheduled() throws Exception {
    fixture = new MasterFixture(dir);
    MasterFixture.Deployed master = fixture.leader(List.of(fixture.deploy(new JsonObject())), Launching.WAIT);
    Map<String, SimulatedAgent> agents = new HashMap<>();
    for (String host : List.of("m1.example", "m2.example", "m3.example")) {
      SimulatedAgent a = new SimulatedAgent(fixture.vertx, host, "cpus:2;mem:1024", 100);
      fixture.onLoop(a::start);
      agents.put(a.agentId(), a);
    }
    TestScheduler s = new TestScheduler(master.url(), TestScheduler.JSON);
    assertThat(s.subscribe(Launching.subscribe("maintained", true))).isEqualTo(200);
    Map<String, String> hostOf = new HashMap<>();
    while (hostOf.size() < 3) {
      for (Offer offer : s.next(e -> e.getType() == Event.Type.OFFERS, Launching.WAIT).getOffers().getOffersList()) {
        if (!hostOf.containsKey(offer.getAgentId().getValue())) {
          hostOf.put(offer.getAgentId().getValue(), offer.getHostname());
          Launching.accept(s, offer, "cpus:0.5;mem:64", 3600, "task-" + offer.getHostname());
        }
      }
    }
    for (String host : hostOf.values()) {
      Launching.updateAndAck(s, "task-" + host, TaskState.TASK_RUNNING);
    }

    // m1 and m2 are scheduled; m3 is not
    String window = "{\"machine_ids\":[{\"hostname\":\"m1.example\"},{\"hostname\":\"m2.example\"}],"
        + "\"unavailability\":{\"start\":{\"nanoseconds\":" + START_NANOS + "}}}";
    assertThat(fixture.post(master.url() + "/api/v1", "application/json", null,
        "{\"type\":\"UPDATE_MAINTENANCE_SCHEDULE\",\"update_maintenance_schedule\":{\"schedule\":{\"windows\":[" + window + "]}}}")
        .statusCode()).isEqualTo(200);
    Map<String, InverseOffer> byHost = new HashMap<>();
    while (byHost.size() < 2) {
      for (InverseOffer io : s.next(e -> e.getType() == Event.Type.INVERSE_OFFERS, Launching.WAIT).getInverseOffers().getInverseOffersList()) {
        assertThat(io.getFrameworkId()).isEqualTo(s.frameworkId);
        assertThat(io.getUnavailability().getStart().getNanoseconds()).isEqualTo(START_NANOS);
        assertThat(io.getResourcesList()).isEmpty(); // the whole agent
        assertThat(byHost.put(hostOf.get(io.getAgentId().getValue()), io)).isNull();
      }
    }
    assertThat(byHost).containsOnlyKeys("m1.example", "m2.example");
    ClusterStatus before = fixture.operator(master, "GET_MAINTENANCE_STATUS").getGetMaintenanceStatus().getStatus();
    assertThat(before.getDrainingMachinesList()).extracting(m -> m.getId().getHostname() + " " + m.getStatusesCount())
        .containsExactlyInAnyOrder("m1.example 0", "m2.example 0");

    // m1: accepted; m2: declined, and asked not to be asked again for an hour
    assertThat(s.call(Call.newBuilder().setType(Call.Type.ACCEPT_INVERSE_OFFERS).setAcceptInverseOffers(Call.AcceptInverseOffers
        .newBuilder().addInverseOfferIds(byHost.get("m1.example").getId())).build()).statusCode()).isEqualTo(202);
    assertThat(s.call(Call.newBuilder().setType(Call.Type.DECLINE_INVERSE_OFFERS).setDeclineInverseOffers(Call.DeclineInverseOffers
        .newBuilder().addInverseOfferIds(byHost.get("m2.example").getId()).setFilters(Filters.newBuilder().setRefuseSeconds(3600)))
        .build()).statusCode()).isEqualTo(202);
    Map<String, InverseOfferStatus> answers = new HashMap<>();
    for (ClusterStatus.DrainingMachine m : fixture.operator(master, "GET_MAINTENANCE_STATUS").getGetMaintenanceStatus().getStatus()
        .getDrainingMachinesList()) {
      assertThat(m.getStatusesList()).hasSize(1);
      answers.put(m.getId().getHostname(), m.getStatuses(0));
    }
    assertThat(answers.get("m1.example").getStatus()).isEqualTo(InverseOfferStatus.Status.ACCEPT);
    assertThat(answers.get("m2.example").getStatus()).isEqualTo(InverseOfferStatus.Status.DECLINE);
    assertThat(answers.get("m2.example").getFrameworkId()).isEqualTo(s.frameworkId);
    assertThat(answers.get("m2.example").getTimestamp().getNanoseconds()).isPositive();

    // m1's refusal (5 s by default) runs out: it gets a new inverse offer, which m1 leaving the schedule rescinds
    InverseOffer again = s.next(e -> e.getType() == Event.Type.INVERSE_OFFERS, Launching.WAIT).getInverseOffers().getInverseOffers(0);
    assertThat(hostOf.get(again.getAgentId().getValue())).isEqualTo("m1.example");
    assertThat(again.getId()).isNotEqualTo(byHost.get("m1.example").getId());
    String onlyM2 = "{\"machine_ids\":[{\"hostname\":\"m2.example\"}],\"unavailability\":{\"start\":{\"nanoseconds\":" + START_NANOS + "}}}";
    assertThat(fixture.post(master.url() + "/api/v1", "application/json", null,
        "{\"type\":\"UPDATE_MAINTENANCE_SCHEDULE\",\"update_maintenance_schedule\":{\"schedule\":{\"windows\":[" + onlyM2 + "]}}}")
        .statusCode()).isEqualTo(200);
    Event rescind = s.next(e -> e.getType() == Event.Type.RESCIND_INVERSE_OFFER, Launching.WAIT);
    assertThat(rescind.getRescindInverseOffer().getInverseOfferId()).isEqualTo(again.getId());
    ClusterStatus after = fixture.operator(master, "GET_MAINTENANCE_STATUS").getGetMaintenanceStatus().getStatus();
    assertThat(after.getDrainingMachinesList()).extracting(m -> m.getId().getHostname() + " " + m.getStatuses(0).getStatus())
        .containsExactly("m2.example DECLINE");
    s.close();
  }
}
