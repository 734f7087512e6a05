package io.mezzo.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.master.sim.SimulatedAgent;
import io.mezzo.mesos.proto.MesosJson;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.mesos.v1.master.Protos.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower keeps a standby copy of the registry, and a new leader only brings it up to date. The
 * registry changes made by the old leader just before it crashes (a maintenance schedule written,
 * an agent marked gone, which removes its record) must all be in what the new leader recovers.
 */
class StandbyRegistryTest {
  private static final Logger VERTICLE_LOG = Logger.getLogger(MasterVerticle.class.getName());

  @TempDir
  Path dir;

  private MasterFixture fixture;
  private final List<String> logged = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      logged.add(record.getMessage());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  @AfterEach
  void stop() throws Exception {
    VERTICLE_LOG.removeHandler(capture);
    fixture.close();
  }

  @Test
  void changesJustBeforeTheCrash_areInWhatTheNewLeaderRecovers() throws Exception {
    VERTICLE_LOG.addHandler(capture);
    fixture = new MasterFixture(dir);
    List<MasterFixture.Deployed> masters = new ArrayList<>(List.of(fixture.deploy(new JsonObject()), fixture.deploy(new JsonObject())));
    MasterFixture.Deployed first = fixture.leader(masters, Launching.WAIT);
    masters.remove(first);
    MasterFixture.Deployed second = masters.get(0);
    SimulatedAgent kept = new SimulatedAgent(fixture.vertx, "kept.example", "cpus:2;mem:1024", 100);
    SimulatedAgent goneAgent = new SimulatedAgent(fixture.vertx, "gone.example", "cpus:2;mem:1024", 100);
    fixture.onLoop(kept::start);
    fixture.onLoop(goneAgent::start);
    TestScheduler s = new TestScheduler(first.url(), TestScheduler.JSON);
    assertThat(s.subscribe(Launching.subscribe("standby", true))).isEqualTo(200);
    s.close();

    // the last changes, then at once the crash: the follower has not read them yet
    String schedule = "{\"windows\":[{\"machine_ids\":[{\"hostname\":\"kept.example\"}],"
        + "\"unavailability\":{\"start\":{\"nanoseconds\":4102444800000000000}}}]}";
    assertThat(fixture.post(first.url() + "/api/v1", "application/json", null,
        "{\"type\":\"UPDATE_MAINTENANCE_SCHEDULE\",\"update_maintenance_schedule\":{\"schedule\":" + schedule + "}}").statusCode())
        .isEqualTo(200);
    assertThat(fixture.post(first.url() + "/api/v1", "application/json", null,
        "{\"type\":\"MARK_AGENT_GONE\",\"mark_agent_gone\":{\"agent_id\":{\"value\":\"" + goneAgent.agentId() + "\"}}}").statusCode())
        .isEqualTo(200);
    first.curator().close();
    fixture.undeploy(first);

    assertThat(fixture.leader(masters, Launching.WAIT)).isEqualTo(second);
    assertThat(logged).anyMatch(m -> m.contains("standby copy brought up to date"));
    Response scheduleNow = fixture.operator(second, "GET_MAINTENANCE_SCHEDULE");
    assertThat(MesosJson.print(scheduleNow.getGetMaintenanceSchedule().getSchedule()).replace(" ", "").replace("\n", ""))
        .isEqualTo(schedule);
    // the kept agent comes back; the gone one is neither registered nor expected back
    await().atMost(Launching.WAIT).untilAsserted(() -> {
      Response agents = fixture.operator(second, "GET_AGENTS");
      assertThat(agents.getGetAgents().getAgentsList()).extracting(a -> a.getAgentInfo().getId().getValue())
          .containsExactly(kept.agentId());
      assertThat(agents.getGetAgents().getRecoveredAgentsList()).isEmpty();
    });
    // the framework's record was there too: it re-subscribes with its id
    TestScheduler again = new TestScheduler(second.url(), TestScheduler.JSON);
    assertThat(again.subscribe(Launching.resubscribe(Launching.subscribe("standby", true), s.frameworkId))).isEqualTo(200);
    assertThat(again.frameworkId).isEqualTo(s.frameworkId);
    again.close();
  }
}
