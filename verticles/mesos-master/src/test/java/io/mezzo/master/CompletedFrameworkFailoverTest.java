package io.mezzo.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.mesos.v1.master.Protos.Response;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A framework torn down before a master failover is still listed as completed by the new leader
 * (operator API and {@code /master/frameworks}), and still may not subscribe again with its id.
 */
class CompletedFrameworkFailoverTest {
  @TempDir
  Path dir;

  private MasterFixture fixture;

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void tornDownFramework_isStillCompletedAfterFailover_andCannotComeBack() throws Exception {
    fixture = new MasterFixture(dir);
    List<MasterFixture.Deployed> masters = new ArrayList<>(List.of(fixture.deploy(new JsonObject()), fixture.deploy(new JsonObject())));
    MasterFixture.Deployed first = fixture.leader(masters, Launching.WAIT);
    masters.remove(first);
    MasterFixture.Deployed second = masters.get(0);

    Call subscribe = Launching.subscribe("short-lived", true);
    TestScheduler s = new TestScheduler(first.url(), TestScheduler.JSON);
    assertThat(s.subscribe(subscribe)).isEqualTo(200);
    TestScheduler stays = new TestScheduler(first.url(), TestScheduler.JSON);
    assertThat(stays.subscribe(Launching.subscribe("long-lived", true))).isEqualTo(200);
    assertThat(s.call(Call.newBuilder().setType(Call.Type.TEARDOWN).build()).statusCode()).isEqualTo(202);
    await().atMost(Launching.WAIT).until(() -> !s.streamOpen());
    stays.close();

    first.curator().close();
    fixture.undeploy(first);
    assertThat(fixture.leader(masters, Launching.WAIT)).isEqualTo(second);

    Response frameworks = fixture.operator(second, "GET_FRAMEWORKS");
    assertThat(frameworks.getGetFrameworks().getCompletedFrameworksList())
        .extracting(f -> f.getFrameworkInfo().getId().getValue() + " " + f.getFrameworkInfo().getName() + " " + f.getActive())
        .containsExactly(s.frameworkId.getValue() + " short-lived false");
    assertThat(frameworks.getGetFrameworks().getFrameworksList()).extracting(f -> f.getFrameworkInfo().getName())
        .containsExactly("long-lived");
    JsonObject legacy = new JsonObject(fixture.get(second.url() + "/master/frameworks").body());
    assertThat(legacy.getJsonArray("completed_frameworks")).hasSize(1);
    assertThat(legacy.getJsonArray("completed_frameworks").getJsonObject(0).getString("id")).isEqualTo(s.frameworkId.getValue());
    assertThat(legacy.getJsonArray("completed_frameworks").getJsonObject(0).getDouble("unregistered_time")).isPositive();

    try (TestScheduler again = new TestScheduler(second.url(), TestScheduler.JSON)) {
      assertThat(again.subscribe(Launching.resubscribe(subscribe, s.frameworkId))).isEqualTo(403);
    }
  }
}
