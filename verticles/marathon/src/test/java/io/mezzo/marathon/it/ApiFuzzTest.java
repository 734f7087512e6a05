package io.mezzo.marathon.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

/**
 * Mutated app, group and pod definitions sent to the API: wrong types, huge numbers, invalid ids, deep nesting,
 * broken JSON. Every answer must be a 4xx in Marathon's error format, and nothing stored in ZooKeeper may change.
 */
class ApiFuzzTest extends FixtureTest {


  private static final String APP = """
      {"id":"/fuzz/app","cmd":"sleep 100","cpus":0.5,"mem":64,"disk":0,"instances":2,
       "env":{"A":"1"},"labels":{"L":"v"},"portDefinitions":[{"port":0,"name":"http"}],
       "healthChecks":[{"protocol":"MESOS_HTTP","portIndex":0,"intervalSeconds":10,"timeoutSeconds":5}],
       "upgradeStrategy":{"minimumHealthCapacity":0.5,"maximumOverCapacity":0.5},
       "constraints":[["hostname","UNIQUE"]],"backoffSeconds":1,"backoffFactor":1.15,
       "unreachableStrategy":{"inactiveAfterSeconds":0,"expungeAfterSeconds":0}}""";

  private static final String POD = """
      {"id":"/fuzz/pod","containers":[{"name":"c","resources":{"cpus":0.1,"mem":32},
       "exec":{"command":{"shell":"sleep 100"}}}],"scaling":{"kind":"fixed","instances":1}}""";

  /** Values of the wrong JSON type for a field whose right type is {@code right}. */
  private static Object wrongType(Object right, Random r) {
    List<Object> candidates = new ArrayList<>(List.of("text", 7, 2.5, true, new JsonArray().add(1),
        new JsonObject().put("k", 1)));
    candidates.removeIf(c -> sameKind(c, right));
    return candidates.get(r.nextInt(candidates.size()));
  }

  private static boolean sameKind(Object a, Object b) {
    return a instanceof Number && b instanceof Number || a instanceof String && b instanceof String
        || a instanceof Boolean && b instanceof Boolean || a instanceof JsonArray && b instanceof JsonArray
        || a instanceof JsonObject && b instanceof JsonObject;
  }

  private static final List<String> BAD_IDS = List.of("/Upper", "/a b", "/a_b", "/-a", "/a-", "/x/restart",
      "/x/tasks", "/x/versions", "//", "/a/../..", "/é", "/" + "a".repeat(300) + "$");

  /** Out of range for any numeric field (non-finite or hugely negative). */
  private static final List<String> HUGE = List.of("1e400", "-1e400", "1e309", "-99999999999999999999", "-2147483649");
  /** Also out of range for integer fields (larger than an int). */
  private static final List<String> HUGE_INT = List.of("2147483648", "99999999999999999999999", "1e400", "-2147483649");

  /** One mutated definition (as text) of {@code base}. */
  private static String mutate(JsonObject base, Random r, List<String> numberFields, String idField) {
    JsonObject def = base.copy();
    switch (r.nextInt(5)) {
      case 0 -> {
        List<String> fields = new ArrayList<>(def.fieldNames());
        String field = fields.get(r.nextInt(fields.size()));
        def.put(field, wrongType(def.getValue(field), r));
        return def.encode();
      }
      case 1 -> {
        String field = numberFields.get(r.nextInt(numberFields.size()));
        List<String> values = field.startsWith("int:") ? HUGE_INT : HUGE;
        putPath(def, field.replace("int:", ""), "__huge__");
        return def.encode().replace("\"__huge__\"", values.get(r.nextInt(values.size())));
      }
      case 2 -> {
        def.put(idField, BAD_IDS.get(r.nextInt(BAD_IDS.size())));
        return def.encode();
      }
      case 3 -> {
        int depth = 1_000 + r.nextInt(20_000);
        String field = new ArrayList<>(def.fieldNames()).get(r.nextInt(def.size()));
        def.put(field, "__deep__");
        return def.encode().replace("\"__deep__\"", "[".repeat(depth) + "]".repeat(depth));
      }
      default -> {
        String text = def.encode();
        int cut = 1 + r.nextInt(text.length() - 2);
        return r.nextBoolean() ? text.substring(0, cut) : text.substring(0, cut) + "\u0000{,:" + text.substring(cut);
      }
    }
  }

  /** Sets the value at a dotted path such as {@code containers.0.resources.cpus}. */
  private static void putPath(JsonObject def, String path, Object value) {
    String[] parts = path.split("\\.");
    Object node = def;
    for (int i = 0; i < parts.length - 1; i++) {
      node = node instanceof JsonObject o ? o.getValue(parts[i]) : ((JsonArray) node).getValue(Integer.parseInt(parts[i]));
    }
    String last = parts[parts.length - 1];
    if (node instanceof JsonObject o) {
      o.put(last, value);
    } else {
      ((JsonArray) node).set(Integer.parseInt(last), value);
    }
  }

  private static Map<String, String> stored(CuratorFramework zk, String path) throws Exception {
    Map<String, String> out = new TreeMap<>();
    collect(zk, path, out);
    return out;
  }

  private static void collect(CuratorFramework zk, String path, Map<String, String> out) throws Exception {
    byte[] data = zk.getData().forPath(path);
    out.put(path, data == null ? "" : new String(data, StandardCharsets.UTF_8));
    for (String child : zk.getChildren().forPath(path)) {
      collect(zk, path + "/" + child, out);
    }
  }

  private static void assertMarathonError(HttpResponse<String> r, String request) {
    assertThat(r.statusCode()).as(request + " → " + r.body()).isBetween(400, 499);
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getValue("message")).as(r.body()).isInstanceOf(String.class);
    if (r.statusCode() == 400 || r.statusCode() == 422) {
      for (Object d : body.getJsonArray("details", new JsonArray())) {
        assertThat(((JsonObject) d).getString("path")).as(r.body()).isNotNull();
        assertThat(((JsonObject) d).getJsonArray("errors")).as(r.body()).isNotEmpty();
      }
    }
  }

  @Test
  void mutatedAppsGroupsAndPods_only4xxInMarathonsFormat_nothingStoredChanges() throws Exception {
    String root = MarathonFixture.newRoot();
    MarathonFixture.Node m = fx.leader(root, new JsonObject());
    assertThat(fx.send("POST", m.url("/v2/apps"), APP).statusCode()).isEqualTo(201);
    assertThat(fx.send("POST", m.url("/v2/groups"), "{\"id\":\"/kept\",\"apps\":[{\"id\":\"a\",\"cmd\":\"x\"}]}")
        .statusCode()).isEqualTo(201);
    fx.awaitNoDeployments(m);
    CuratorFramework zk = m.store().curator();
    // the last instance writes of the finished deployments may still be on their way
    Map<String, String> before = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
        .pollDelay(java.time.Duration.ofMillis(300)).until(new java.util.concurrent.Callable<Map<String, String>>() {
          private Map<String, String> last;

          @Override
          public Map<String, String> call() throws Exception {
            Map<String, String> previous = last;
            last = stored(zk, root + "/state");
            return last.equals(previous) ? last : null;
          }
        }, java.util.Objects::nonNull);

    JsonObject app = new JsonObject(APP);
    JsonObject group = new JsonObject().put("id", "/fuzz/group").put("apps", new JsonArray().add(app.copy()
        .put("id", "/fuzz/group/inner"))).put("dependencies", new JsonArray());
    JsonObject pod = new JsonObject(POD);
    Random r = new Random(5);
    int sent = 0;
    for (int n = 0; n < 120; n++) {
      String badApp = mutate(app, r, List.of("cpus", "mem", "disk", "int:instances", "backoffSeconds",
          "backoffFactor", "int:portDefinitions.0.port", "int:healthChecks.0.intervalSeconds",
          "upgradeStrategy.minimumHealthCapacity"), "id");
      assertMarathonError(fx.send("POST", m.url("/v2/apps"), badApp), "POST /v2/apps " + abbreviate(badApp));
      assertMarathonError(fx.send("PUT", m.url("/v2/apps/fuzz/app"), badApp), "PUT /v2/apps/fuzz/app " + abbreviate(badApp));
      String badGroup = mutate(group, r, List.of("int:apps.0.instances", "apps.0.cpus", "apps.0.mem",
          "int:apps.0.portDefinitions.0.port", "int:apps.0.healthChecks.0.intervalSeconds"), "id");
      assertMarathonError(fx.send("POST", m.url("/v2/groups"), badGroup), "POST /v2/groups " + abbreviate(badGroup));
      assertMarathonError(fx.send("PUT", m.url("/v2/groups/kept"), badGroup), "PUT /v2/groups/kept " + abbreviate(badGroup));
      String badPod = mutate(pod, r, List.of("int:scaling.instances", "containers.0.resources.cpus",
          "containers.0.resources.mem"), "id");
      assertMarathonError(fx.send("POST", m.url("/v2/pods"), badPod), "POST /v2/pods " + abbreviate(badPod));
      sent += 5;
    }
    // groups nested deeper than the JSON nesting limit (1,000 levels)
    String deep = "{\"id\":\"g\",\"groups\":[".repeat(600) + "{\"id\":\"g\"}" + "]}".repeat(600);
    assertMarathonError(fx.send("PUT", m.url("/v2/groups/nest"), deep), "deep groups");

    assertThat(sent).isEqualTo(600);
    assertThat(stored(zk, root + "/state")).isEqualTo(before);
    assertThat(fx.get(m.url("/v2/apps")).getJsonArray("apps")).hasSize(2);
    assertThat(fx.deployments(m)).isEmpty();
  }

  private static String abbreviate(String s) {
    return s.length() > 2000 ? s.substring(0, 2000) + "…" : s;
  }
}
