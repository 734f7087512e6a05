package io.mezzo.marathon.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.marathon.core.Condition;
import io.mezzo.marathon.core.Instance;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Instances whose agent became unreachable: replaced after inactiveAfterSeconds, forgotten after expungeAfterSeconds. */
class UnreachableStrategyTest extends FixtureTest {


  private static List<JsonObject> tasks(MarathonFixture.Node m, String app) throws Exception {
    return fx.get(m.url("/v2/apps" + app + "/tasks")).getJsonArray("tasks").stream().map(JsonObject.class::cast).toList();
  }

  private static long inState(MarathonFixture.Node m, String app, String state) throws Exception {
    return tasks(m, app).stream().filter(t -> state.equals(t.getString("state"))).count();
  }

  @Test
  void unreachableInstance_replacedAfterInactive_expungedAfterExpunge_neverWhenDisabled() throws Exception {
    MarathonFixture.Node m = fx.leader(MarathonFixture.newRoot(), new JsonObject());
    fx.send("POST", m.url("/v2/apps"), "{\"id\":\"/timed\",\"cmd\":\"x\",\"instances\":2,"
        + "\"unreachableStrategy\":{\"inactiveAfterSeconds\":1,\"expungeAfterSeconds\":3}}");
    fx.send("POST", m.url("/v2/apps"), "{\"id\":\"/kept\",\"cmd\":\"x\",\"unreachableStrategy\":\"disabled\"}");
    fx.awaitNoDeployments(m);
    String lost = tasks(m, "/timed").get(0).getString("id");
    String keptLost = tasks(m, "/kept").get(0).getString("id");
    int launches = m.launcher().launches.get();
    long reported = System.nanoTime();
    m.launcher().report(Instance.instanceIdOf(lost), Condition.UNREACHABLE);
    m.launcher().report(Instance.instanceIdOf(keptLost), Condition.UNREACHABLE);
    await().atMost(Duration.ofSeconds(5)).until(() -> inState(m, "/timed", "TASK_UNREACHABLE") == 1
        && inState(m, "/kept", "TASK_UNREACHABLE") == 1);

    // replaced once inactive (1 s), not before
    await().atMost(Duration.ofSeconds(5)).until(() -> inState(m, "/timed", "TASK_RUNNING") == 2);
    assertThat(System.nanoTime() - reported).isGreaterThanOrEqualTo(Duration.ofSeconds(1).toNanos());
    assertThat(m.launcher().launches.get()).isEqualTo(launches + 1);
    assertThat(tasks(m, "/timed")).extracting(t -> t.getString("id")).contains(lost).hasSize(3);

    // forgotten after 3 s
    await().atMost(Duration.ofSeconds(6)).until(() -> tasks(m, "/timed").size() == 2);
    assertThat(System.nanoTime() - reported).isGreaterThanOrEqualTo(Duration.ofSeconds(3).toNanos());
    assertThat(tasks(m, "/timed")).extracting(t -> t.getString("id")).doesNotContain(lost);
    assertThat(fx.app(m, "/timed").getInteger("tasksRunning")).isEqualTo(2);

    // "disabled": still there, never replaced
    assertThat(tasks(m, "/kept")).extracting(t -> t.getString("id")).containsExactly(keptLost);
    assertThat(inState(m, "/kept", "TASK_UNREACHABLE")).isEqualTo(1);
    assertThat(m.launcher().launches.get()).isEqualTo(launches + 1);
  }
}
