package io.mezzo.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mesos's legacy maintenance endpoints as an operator's tool uses them: post a schedule, read it and
 * the machines' status back, take a machine down and up again; bad bodies get a 400; a follower
 * redirects to the leader.
 */
class LegacyMaintenanceTest {
  @TempDir
  Path dir;

  private MasterFixture fixture;

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void scheduleStatusDownAndUp_throughTheLegacyEndpoints() throws Exception {
    fixture = new MasterFixture(dir);
    List<MasterFixture.Deployed> masters = new ArrayList<>(List.of(fixture.deploy(new JsonObject()), fixture.deploy(new JsonObject())));
    MasterFixture.Deployed leader = fixture.leader(masters, Launching.WAIT);
    masters.remove(leader);
    MasterFixture.Deployed follower = masters.get(0);
    String url = leader.url();

    JsonObject schedule = new JsonObject().put("windows", new JsonArray().add(new JsonObject()
        .put("machine_ids", new JsonArray().add(new JsonObject().put("hostname", "m1.example").put("ip", "10.0.0.1"))
            .add(new JsonObject().put("hostname", "m2.example")))
        .put("unavailability", new JsonObject().put("start", new JsonObject().put("nanoseconds", 4102444800000000000L))
            .put("duration", new JsonObject().put("nanoseconds", 3600000000000L)))));
    assertThat(fixture.post(url + "/master/maintenance/schedule", "application/json", null, schedule.encode()).statusCode()).isEqualTo(200);
    assertThat(new JsonObject(fixture.get(url + "/master/maintenance/schedule").body())).isEqualTo(schedule);
    JsonObject status = new JsonObject(fixture.get(url + "/master/maintenance/status").body());
    assertThat(status.getJsonArray("draining_machines")).extracting(m -> ((JsonObject) m).getJsonObject("id").getString("hostname"))
        .containsExactlyInAnyOrder("m1.example", "m2.example");
    assertThat(status.getJsonArray("down_machines", new JsonArray())).isEmpty();
    // the operator API sees the same schedule
    assertThat(fixture.operator(leader, "GET_MAINTENANCE_SCHEDULE").getGetMaintenanceSchedule().getSchedule().getWindowsCount()).isEqualTo(1);

    String m2 = new JsonArray().add(new JsonObject().put("hostname", "m2.example")).encode();
    assertThat(fixture.post(url + "/master/machine/down", "application/json", null, m2).statusCode()).isEqualTo(200);
    status = new JsonObject(fixture.get(url + "/master/maintenance/status").body());
    assertThat(status.getJsonArray("down_machines")).extracting(m -> ((JsonObject) m).getString("hostname")).containsExactly("m2.example");
    assertThat(status.getJsonArray("draining_machines")).extracting(m -> ((JsonObject) m).getJsonObject("id").getString("hostname"))
        .containsExactly("m1.example");
    // a machine that is down may not be left out of a new schedule; a machine already down cannot go down again
    HttpResponse<String> leftOut = fixture.post(url + "/master/maintenance/schedule", "application/json", null, "{\"windows\":[]}");
    assertThat(leftOut.statusCode()).isEqualTo(400);
    assertThat(fixture.post(url + "/master/machine/down", "application/json", null, m2).statusCode()).isEqualTo(400);

    assertThat(fixture.post(url + "/master/machine/up", "application/json", null, m2).statusCode()).isEqualTo(200);
    status = new JsonObject(fixture.get(url + "/master/maintenance/status").body());
    assertThat(status.getJsonArray("down_machines", new JsonArray())).isEmpty();

    // bad bodies: 400 in plain text, the schedule unchanged
    for (String bad : List.of("", "{", "{\"windows\":[{\"machine_ids\":\"x\"}]}", "[1]")) {
      HttpResponse<String> r = fixture.post(url + "/master/maintenance/schedule", "application/json", null, bad);
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
    }
    for (String bad : List.of("", "{}", "[1]", "[{\"hostname\":7}]")) {
      assertThat(fixture.post(url + "/master/machine/down", "application/json", null, bad).statusCode()).as(bad).isEqualTo(400);
    }
    assertThat(new JsonObject(fixture.get(url + "/master/maintenance/schedule").body()).getJsonArray("windows")).hasSize(1);

    // a follower sends the tool to the leader
    HttpResponse<String> redirected = fixture.get(follower.url() + "/master/maintenance/status");
    assertThat(redirected.statusCode()).isEqualTo(307);
    assertThat(redirected.headers().firstValue("Location").orElseThrow()).isEqualTo("//127.0.0.1:" + leader.port() + "/master/maintenance/status");
  }
}
