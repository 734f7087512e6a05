package io.mezzo.master;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.master.sim.SimulatedAgent;
import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.proto.Resources;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.master.Protos.Response;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Dynamic reservations through ACCEPT (RESERVE, UNRESERVE) and the operator API, and across a master failover. */
class DynamicReservationTest {
  @TempDir
  Path dir;

  private MasterFixture fixture;

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  private MasterFixture.Deployed oneMaster() throws Exception {
    fixture = new MasterFixture(dir);
    MasterFixture.Deployed master = fixture.deploy(new JsonObject());
    fixture.leader(List.of(master), Launching.WAIT);
    return master;
  }

  private SimulatedAgent agent() throws Exception {
    SimulatedAgent agent = new SimulatedAgent(fixture.vertx, "agent-1.example", "cpus:4;mem:4096;disk:10000;ports:[31000-32000]", 200);
    fixture.onLoop(agent::start);
    return agent;
  }

  @SuppressWarnings("deprecation")
  private static Call subscribe(String name, String role) {
    return Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("root").setName(name).setRole(role).setFailoverTimeout(60)
            .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE)))).build();
  }

  private static List<Resource> reserved(String text, String role) {
    return Resources.parse(text, "*").stream().map(r -> r.toBuilder().addReservations(Resource.ReservationInfo.newBuilder()
        .setType(Resource.ReservationInfo.Type.DYNAMIC).setRole(role).setPrincipal("ops")).build()).toList();
  }

  private static List<Resource> reservedPart(Offer offer) {
    return offer.getResourcesList().stream().filter(r -> r.getReservationsCount() > 0).toList();
  }

  private static Offer nextOffer(TestScheduler s) throws InterruptedException {
    return s.next(e -> e.getType() == Event.Type.OFFERS, Launching.WAIT).getOffers().getOffers(0);
  }

  private static Offer.Operation reserve(List<Resource> resources) {
    return Offer.Operation.newBuilder().setType(Offer.Operation.Type.RESERVE)
        .setReserve(Offer.Operation.Reserve.newBuilder().addAllResources(resources)).build();
  }

  private static Offer.Operation unreserve(List<Resource> resources) {
    return Offer.Operation.newBuilder().setType(Offer.Operation.Type.UNRESERVE)
        .setUnreserve(Offer.Operation.Unreserve.newBuilder().addAllResources(resources)).build();
  }

  private static Call accept(Offer offer, double refuseSeconds, Offer.Operation... ops) {
    return Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
        .addAllOperations(List.of(ops)).setFilters(Filters.newBuilder().setRefuseSeconds(refuseSeconds))).build();
  }

  private static Call decline(Offer offer, double refuseSeconds) {
    return Call.newBuilder().setType(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder().addOfferIds(offer.getId())
        .setFilters(Filters.newBuilder().setRefuseSeconds(refuseSeconds))).build();
  }

  @ParameterizedTest
  @ValueSource(strings = {TestScheduler.JSON, TestScheduler.PROTOBUF})
  void reserveThenLaunch_inOneAccept_reservationOfferedOnlyToItsRole_unreserveGivesItBack(String encoding) throws Exception {
    MasterFixture.Deployed master = oneMaster();
    agent();
    try (TestScheduler web = new TestScheduler(master.url(), encoding);
         TestScheduler batch = new TestScheduler(master.url(), encoding)) {
      assertThat(web.subscribe(subscribe("web-fw", "web"))).isEqualTo(200);
      Offer offer = nextOffer(web);
      assertThat(reservedPart(offer)).isEmpty();

      // An invalid RESERVE (role the framework does not have) is dropped; the rest of the ACCEPT still applies.
      TaskInfo task = TaskInfo.newBuilder().setName("web").setTaskId(TaskID.newBuilder().setValue("web-1"))
          .setAgentId(offer.getAgentId()).setCommand(CommandInfo.newBuilder().setValue("sleep 1000"))
          .addAllResources(reserved("cpus:0.5;mem:64", "web")).build();
      assertThat(web.call(accept(offer, 0,
          reserve(reserved("cpus:1", "other")),
          reserve(reserved("cpus:1;mem:128", "web")),
          Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
              .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)).build())).statusCode()).isEqualTo(202);
      Launching.updateAndAck(web, "web-1", TaskState.TASK_RUNNING);

      Offer withReservation = nextOffer(web);
      assertThat(Resources.format(reservedPart(withReservation))).isEqualTo("cpus(web):0.5;mem(web):64");
      assertThat(reservedPart(withReservation)).allSatisfy(r -> {
        assertThat(r.getReservations(0).getType()).isEqualTo(Resource.ReservationInfo.Type.DYNAMIC);
        assertThat(r.getReservations(0).getPrincipal()).isEqualTo("ops");
      });
      assertThat(Resources.format(withReservation.getResourcesList().stream().filter(r -> r.getReservationsCount() == 0).toList()))
          .isEqualTo("cpus:3;disk:10000;mem:3968;ports:[31000-32000]");
      web.call(decline(withReservation, 3600));

      // Another role's framework gets the unreserved part only.
      assertThat(batch.subscribe(subscribe("batch-fw", "batch"))).isEqualTo(200);
      Offer batchOffer = nextOffer(batch);
      assertThat(reservedPart(batchOffer)).isEmpty();
      assertThat(Resources.format(batchOffer.getResourcesList())).isEqualTo("cpus:3;disk:10000;mem:3968;ports:[31000-32000]");

      // web gets the free reserved part, unreserves it and refuses the agent; batch then gets it as '*'.
      web.call(Call.newBuilder().setType(Call.Type.REVIVE).build());
      Offer reservedOnly = nextOffer(web);
      assertThat(Resources.format(reservedOnly.getResourcesList())).isEqualTo("cpus(web):0.5;mem(web):64");
      assertThat(web.call(accept(reservedOnly, 3600, unreserve(reservedOnly.getResourcesList()))).statusCode()).isEqualTo(202);
      // the unreserved half comes to batch as '*', in an offer of its own while batch still holds the first
      Offer freed = nextOffer(batch);
      assertThat(Resources.format(freed.getResourcesList())).isEqualTo("cpus:0.5;mem:64");
      // both declined in one call come back together, so the next offer holds all of it as '*'
      batch.call(Call.newBuilder().setType(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder()
          .addOfferIds(batchOffer.getId()).addOfferIds(freed.getId())
          .setFilters(Filters.newBuilder().setRefuseSeconds(0))).build());
      assertThat(Resources.format(nextOffer(batch).getResourcesList())).isEqualTo("cpus:3.5;disk:10000;mem:4032;ports:[31000-32000]");

      // the running task keeps its reserved half
      Response agents = operator(master, "{\"type\":\"GET_AGENTS\"}");
      assertThat(Resources.format(agents.getGetAgents().getAgents(0).getTotalResourcesList()))
          .isEqualTo("cpus:3.5;cpus(web):0.5;disk:10000;mem:4032;mem(web):64;ports:[31000-32000]");
    }
  }

  @Test
  void operatorReserveAndUnreserve_answer200_andConflictOrBadRequestForBadInput() throws Exception {
    MasterFixture.Deployed master = oneMaster();
    SimulatedAgent agent = agent();
    AgentID id = AgentID.newBuilder().setValue(agent.agentId()).build();

    assertThat(operatorCall(master, reserveCall("RESERVE_RESOURCES", AgentID.newBuilder().setValue("nope").build(),
        reserved("cpus:1", "web"))).statusCode()).isEqualTo(400);
    List<Resource> staticReservation = Resources.parse("cpus(web):1", "*");
    assertThat(operatorCall(master, reserveCall("RESERVE_RESOURCES", id, staticReservation)).statusCode()).isEqualTo(400);
    assertThat(operatorCall(master, reserveCall("RESERVE_RESOURCES", id, reserved("cpus:100", "web"))).statusCode()).isEqualTo(409);

    HttpResponse<String> ok = operatorCall(master, reserveCall("RESERVE_RESOURCES", id, reserved("cpus:1;mem:128", "web")));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    Response agents = operator(master, "{\"type\":\"GET_AGENTS\"}");
    List<Resource> total = agents.getGetAgents().getAgents(0).getTotalResourcesList();
    assertThat(Resources.format(total)).isEqualTo("cpus:3;cpus(web):1;disk:10000;mem:3968;mem(web):128;ports:[31000-32000]");
    assertThat(total.stream().filter(r -> r.getReservationsCount() > 0))
        .allSatisfy(r -> assertThat(r.getReservations(0).getType()).isEqualTo(Resource.ReservationInfo.Type.DYNAMIC));
    JsonObject slave = new JsonObject(fixture.get(master.url() + "/master/state").body()).getJsonArray("slaves").getJsonObject(0);
    assertThat(slave.getJsonObject("reserved_resources").getJsonObject("web").getDouble("cpus")).isEqualTo(1.0);
    assertThat(slave.getJsonObject("unreserved_resources").getDouble("cpus")).isEqualTo(3.0);

    try (TestScheduler web = new TestScheduler(master.url(), TestScheduler.JSON)) {
      web.subscribe(subscribe("web-fw", "web"));
      assertThat(Resources.format(reservedPart(nextOffer(web)))).isEqualTo("cpus(web):1;mem(web):128");
    }

    assertThat(operatorCall(master, reserveCall("UNRESERVE_RESOURCES", id, reserved("cpus:2", "web"))).statusCode()).isEqualTo(409);
    assertThat(operatorCall(master, reserveCall("UNRESERVE_RESOURCES", id, reserved("cpus:1", "batch"))).statusCode()).isEqualTo(409);
    HttpResponse<String> back = operatorCall(master, reserveCall("UNRESERVE_RESOURCES", id, reserved("cpus:1;mem:128", "web")));
    assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
    assertThat(Resources.format(operator(master, "{\"type\":\"GET_AGENTS\"}").getGetAgents().getAgents(0).getTotalResourcesList()))
        .isEqualTo("cpus:4;disk:10000;mem:4096;ports:[31000-32000]");
  }

  @Test
  void reservation_survivesMasterFailover() throws Exception {
    fixture = new MasterFixture(dir);
    List<MasterFixture.Deployed> masters = new ArrayList<>(List.of(fixture.deploy(new JsonObject()), fixture.deploy(new JsonObject())));
    MasterFixture.Deployed first = fixture.leader(masters, Launching.WAIT);
    SimulatedAgent agent = agent();
    AgentID id = AgentID.newBuilder().setValue(agent.agentId()).build();
    assertThat(operatorCall(first, reserveCall("RESERVE_RESOURCES", id, reserved("cpus:1;mem:128", "web"))).statusCode()).isEqualTo(200);

    CuratorFramework reader = fixture.newSession();
    await().atMost(Launching.WAIT).until(() ->
        new String(reader.getData().forPath("/mesos/registry/agents/" + agent.agentId()), UTF_8).contains("DYNAMIC"));

    first.curator().close();
    fixture.undeploy(first);
    masters.remove(first);
    MasterFixture.Deployed leader = fixture.leader(masters, Launching.WAIT);
    await().atMost(Launching.WAIT).untilAsserted(() -> {
      Response agents = operator(leader, "{\"type\":\"GET_AGENTS\"}");
      assertThat(agents.getGetAgents().getAgentsList()).hasSize(1);
      assertThat(Resources.format(agents.getGetAgents().getAgents(0).getTotalResourcesList()))
          .isEqualTo("cpus:3;cpus(web):1;disk:10000;mem:3968;mem(web):128;ports:[31000-32000]");
    });
    try (TestScheduler web = new TestScheduler(leader.url(), TestScheduler.PROTOBUF);
         TestScheduler other = new TestScheduler(leader.url(), TestScheduler.PROTOBUF)) {
      web.subscribe(subscribe("web-fw", "web"));
      Offer offer = nextOffer(web);
      assertThat(Resources.format(reservedPart(offer))).isEqualTo("cpus(web):1;mem(web):128");
      assertThat(reservedPart(offer).get(0).getReservations(0).getPrincipal()).isEqualTo("ops");
      web.call(decline(offer, 3600));
      other.subscribe(subscribe("other-fw", "other"));
      assertThat(reservedPart(nextOffer(other))).isEmpty();
    }
  }

  @Test
  void operatorGrowAndShrinkVolume_overHttp() throws Exception {
    MasterFixture.Deployed master = oneMaster();
    SimulatedAgent agent = agent();
    AgentID id = AgentID.newBuilder().setValue(agent.agentId()).build();
    assertThat(operatorCall(master, reserveCall("RESERVE_RESOURCES", id, reserved("disk:1000", "db"))).statusCode()).isEqualTo(200);
    Resource v1 = reserved("disk:400", "db").get(0).toBuilder().setDisk(Resource.DiskInfo.newBuilder()
        .setPersistence(Resource.DiskInfo.Persistence.newBuilder().setId("v1"))
        .setVolume(org.apache.mesos.v1.Protos.Volume.newBuilder().setContainerPath("data").setMode(org.apache.mesos.v1.Protos.Volume.Mode.RW)))
        .build();
    var calls = org.apache.mesos.v1.master.Protos.Call.newBuilder();
    assertThat(operatorCall(master, MesosJson.print(calls.clear().setType(org.apache.mesos.v1.master.Protos.Call.Type.CREATE_VOLUMES)
        .setCreateVolumes(org.apache.mesos.v1.master.Protos.Call.CreateVolumes.newBuilder().setAgentId(id).addVolumes(v1)).build()))
        .statusCode()).isEqualTo(202);

    HttpResponse<String> grown = operatorCall(master, MesosJson.print(calls.clear().setType(org.apache.mesos.v1.master.Protos.Call.Type.GROW_VOLUME)
        .setGrowVolume(org.apache.mesos.v1.master.Protos.Call.GrowVolume.newBuilder().setAgentId(id).setVolume(v1)
            .setAddition(reserved("disk:200", "db").get(0))).build()));
    assertThat(grown.statusCode()).as(grown.body()).isEqualTo(202);
    assertThat(operator(master, "{\"type\":\"GET_AGENTS\"}").getGetAgents().getAgents(0).getTotalResourcesList())
        .filteredOn(Resource::hasDisk).singleElement().satisfies(v -> {
          assertThat(v.getDisk().getPersistence().getId()).isEqualTo("v1");
          assertThat(v.getScalar().getValue()).isEqualTo(600.0);
        });

    Resource v600 = v1.toBuilder().setScalar(org.apache.mesos.v1.Protos.Value.Scalar.newBuilder().setValue(600)).build();
    HttpResponse<String> tooMuch = operatorCall(master, MesosJson.print(calls.clear().setType(org.apache.mesos.v1.master.Protos.Call.Type.SHRINK_VOLUME)
        .setShrinkVolume(org.apache.mesos.v1.master.Protos.Call.ShrinkVolume.newBuilder().setAgentId(id).setVolume(v600)
            .setSubtract(org.apache.mesos.v1.Protos.Value.Scalar.newBuilder().setValue(600))).build()));
    assertThat(tooMuch.statusCode()).isEqualTo(400);
    assertThat(tooMuch.body()).endsWith("Value of 'ShrinkVolume.subtract' must be smaller than the size of 'ShrinkVolume.volume'");
    HttpResponse<String> shrunk = operatorCall(master, MesosJson.print(calls.clear().setType(org.apache.mesos.v1.master.Protos.Call.Type.SHRINK_VOLUME)
        .setShrinkVolume(org.apache.mesos.v1.master.Protos.Call.ShrinkVolume.newBuilder().setAgentId(id).setVolume(v600)
            .setSubtract(org.apache.mesos.v1.Protos.Value.Scalar.newBuilder().setValue(500))).build()));
    assertThat(shrunk.statusCode()).as(shrunk.body()).isEqualTo(202);

    // a framework of the role is offered the volume at its new size, next to the rest of the reserved disk
    try (TestScheduler db = new TestScheduler(master.url(), TestScheduler.JSON)) {
      db.subscribe(subscribe("db-fw", "db"));
      assertThat(reservedPart(nextOffer(db))).filteredOn(r -> r.getName().equals("disk"))
          .extracting(r -> (r.hasDisk() ? r.getDisk().getPersistence().getId() : "plain") + ":" + Resources.formatScalar(r.getScalar().getValue()))
          .containsExactlyInAnyOrder("plain:900", "v1:100");
    }
  }

  private static String reserveCall(String type, AgentID agentId, List<Resource> resources) {
    var call = org.apache.mesos.v1.master.Protos.Call.newBuilder()
        .setType(org.apache.mesos.v1.master.Protos.Call.Type.valueOf(type));
    if (type.equals("RESERVE_RESOURCES")) {
      call.setReserveResources(org.apache.mesos.v1.master.Protos.Call.ReserveResources.newBuilder()
          .setAgentId(agentId).addAllResources(resources));
    } else {
      call.setUnreserveResources(org.apache.mesos.v1.master.Protos.Call.UnreserveResources.newBuilder()
          .setAgentId(agentId).addAllResources(resources));
    }
    return MesosJson.print(call.build());
  }

  private HttpResponse<String> operatorCall(MasterFixture.Deployed m, String body) throws Exception {
    return fixture.post(m.url() + "/api/v1", "application/json", "application/json", body);
  }

  private Response operator(MasterFixture.Deployed m, String body) throws Exception {
    HttpResponse<String> r = operatorCall(m, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return MesosJson.parse(r.body(), Response.getDefaultInstance());
  }
}
