package io.mezzo.marathon.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** {@code /v2/pods}: validated and stored (a new leader has them), never launched. */
class PodsApiTest extends FixtureTest {


  private static final String POD = """
      {"id":"/shop/cart","containers":[{"name":"web","resources":{"cpus":0.1,"mem":32},
       "exec":{"command":{"shell":"sleep 100"}}}],"scaling":{"kind":"fixed","instances":2}}""";

  @Test
  void pods_createdListedUpdatedDeleted_storedForTheNextLeader_neverLaunched() throws Exception {
    String root = MarathonFixture.newRoot();
    MarathonFixture.Node m = fx.leader(root, new JsonObject());
    HttpResponse<String> created = fx.send("POST", m.url("/v2/pods"), POD);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).hasValue("/v2/pods/shop/cart");
    assertThat(new JsonObject(created.body()).getString("id")).isEqualTo("/shop/cart");
    assertThat(fx.send("POST", m.url("/v2/pods"), POD).statusCode()).isEqualTo(409);

    assertThat(new JsonArray(fx.send("GET", m.url("/v2/pods"), null).body())).hasSize(1);
    JsonObject status = fx.get(m.url("/v2/pods/shop/cart::status"));
    assertThat(status.getString("status")).isEqualTo("DEGRADED");
    assertThat(status.getJsonArray("instances")).isEmpty();
    assertThat(fx.get(m.url("/v2/tasks")).getJsonArray("tasks")).isEmpty();
    assertThat(m.launcher().launches.get()).isZero();

    HttpResponse<String> updated = fx.send("PUT", m.url("/v2/pods/shop/cart"),
        POD.replace("\"instances\":2", "\"instances\":3"));
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    assertThat(fx.get(m.url("/v2/pods/shop/cart")).getJsonObject("scaling").getInteger("instances")).isEqualTo(3);

    // refused without a change
    assertThat(fx.send("POST", m.url("/v2/pods"), "{\"id\":\"/p\",\"containers\":[]}").statusCode()).isEqualTo(422);
    assertThat(fx.send("POST", m.url("/v2/pods"), "{\"id\":\"/p\",").statusCode()).isEqualTo(400);
    assertThat(fx.send("PUT", m.url("/v2/pods/other"), POD).statusCode()).isEqualTo(422);
    assertThat(fx.send("GET", m.url("/v2/pods/nope"), null).statusCode()).isEqualTo(404);

    // the next leader reads them from ZooKeeper
    fx.undeploy(m);
    MarathonFixture.Node next = fx.leader(root, new JsonObject());
    assertThat(fx.get(next.url("/v2/pods/shop/cart")).getJsonObject("scaling").getInteger("instances")).isEqualTo(3);

    assertThat(fx.send("DELETE", next.url("/v2/pods/shop/cart"), null).statusCode()).isEqualTo(202);
    assertThat(fx.send("GET", next.url("/v2/pods/shop/cart"), null).statusCode()).isEqualTo(404);
    assertThat(new JsonArray(fx.send("GET", next.url("/v2/pods"), null).body())).isEmpty();
  }
}
