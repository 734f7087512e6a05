package io.mezzo.marathon.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.mezzo.marathon.validation.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarathonJsonTest {

  private static JsonNode tree(Object value) {
    return MarathonJson.toTree(value);
  }

  private static Violation detailOf(String json) {
    try {
      MarathonJson.readApp(json);
    } catch (InvalidJsonException e) {
      assertThat(e.details()).hasSize(1);
      return e.details().get(0);
    }
    throw new AssertionError("expected InvalidJsonException for " + json);
  }

  @Test
  void minimalApp_written_printsMarathonDefaults() throws Exception {
    JsonNode out = tree(MarathonJson.readApp("{\"id\":\"/web\",\"cmd\":\"sleep 100\"}"));

    assertThat(out.get("instances").asInt()).isEqualTo(1);
    assertThat(out.get("cpus").asDouble()).isEqualTo(1.0);
    assertThat(out.get("mem").asDouble()).isEqualTo(128.0);
    assertThat(out.get("disk").asDouble()).isEqualTo(0.0);
    assertThat(out.get("gpus").asInt()).isZero();
    assertThat(out.get("executor").asText()).isEmpty();
    assertThat(out.get("backoffSeconds").asDouble()).isEqualTo(1.0);
    assertThat(out.get("backoffFactor").asDouble()).isEqualTo(1.15);
    assertThat(out.get("maxLaunchDelaySeconds").asDouble()).isEqualTo(300.0);
    assertThat(out.get("requirePorts").asBoolean()).isFalse();
    assertThat(out.get("upgradeStrategy").toString())
        .isEqualTo("{\"minimumHealthCapacity\":1.0,\"maximumOverCapacity\":1.0}");
    assertThat(out.get("unreachableStrategy").toString())
        .isEqualTo("{\"inactiveAfterSeconds\":0,\"expungeAfterSeconds\":0}");
    assertThat(out.get("killSelection").asText()).isEqualTo("YOUNGEST_FIRST");
    assertThat(out.get("portDefinitions").toString())
        .isEqualTo("[{\"port\":0,\"protocol\":\"tcp\",\"name\":\"default\",\"labels\":{}}]");
    assertThat(out.get("networks").toString()).isEqualTo("[{\"mode\":\"host\",\"labels\":{}}]");
    assertThat(out.get("constraints").isArray()).isTrue();
    assertThat(out.get("env").isObject()).isTrue();
    assertThat(out.has("container")).isFalse();
  }

  @Test
  void healthCheck_withoutFields_getsMarathonDefaults() throws Exception {
    AppDefinition app = MarathonJson.readApp("{\"id\":\"/a\",\"cmd\":\"x\",\"healthChecks\":[{}]}");

    assertThat(tree(app.healthChecks().get(0)).toString()).isEqualTo("{\"protocol\":\"HTTP\",\"path\":\"/\","
        + "\"portIndex\":0,\"gracePeriodSeconds\":300,\"intervalSeconds\":60,\"timeoutSeconds\":20,"
        + "\"maxConsecutiveFailures\":3,\"delaySeconds\":15,\"ignoreHttp1xx\":false}");
  }

  @Test
  void readinessCheck_withoutFields_getsMarathonDefaults() throws Exception {
    AppDefinition app = MarathonJson.readApp("{\"id\":\"/a\",\"cmd\":\"x\",\"readinessChecks\":[{}]}");

    assertThat(tree(app.readinessChecks().get(0)).toString()).isEqualTo("{\"name\":\"readinessCheck\","
        + "\"protocol\":\"HTTP\",\"path\":\"/\",\"portName\":\"http-api\",\"intervalSeconds\":30,"
        + "\"timeoutSeconds\":10,\"httpStatusCodesForReady\":[200],\"preserveLastResponse\":false}");
  }

  @Test
  void residentApp_withoutStrategies_getsResidentDefaults() throws Exception {
    AppDefinition app = MarathonJson.readApp("{\"id\":\"/db\",\"cmd\":\"x\",\"container\":{\"type\":\"MESOS\","
        + "\"volumes\":[{\"containerPath\":\"data\",\"persistent\":{\"size\":10}}]}}");

    assertThat(app.upgradeStrategy()).isEqualTo(new UpgradeStrategy(0.5, 0.0));
    assertThat(tree(app).get("unreachableStrategy").asText()).isEqualTo("disabled");
  }

  @Test
  void bridgeApp_withoutPortDefinitions_hasNoDefaultPort() throws Exception {
    AppDefinition app = MarathonJson.readApp("{\"id\":\"/b\",\"container\":{\"docker\":{\"image\":\"nginx\"},"
        + "\"portMappings\":[{\"containerPort\":80}]},\"networks\":[{\"mode\":\"container/bridge\"}]}");

    assertThat(app.portDefinitions()).isEmpty();
    assertThat(app.container().type()).isEqualTo(Container.Type.DOCKER);
    assertThat(app.container().portMappings().get(0).protocol()).isEqualTo("tcp");
  }

  @Test
  void envSecretsConstraintsAndDisabledStrategy_roundTrip_keepTheirShapes() throws Exception {
    String json = "{\"id\":\"/a\",\"cmd\":\"x\",\"env\":{\"A\":\"1\",\"PW\":{\"secret\":\"s0\"}},"
        + "\"secrets\":{\"s0\":{\"source\":\"/db/pw\"}},\"constraints\":[[\"@hostname\",\"UNIQUE\"],"
        + "[\"rack\",\"GROUP_BY\",\"3\"]],\"unreachableStrategy\":\"disabled\",\"killSelection\":\"OLDEST_FIRST\"}";

    AppDefinition app = MarathonJson.readApp(json);
    JsonNode out = tree(app);

    assertThat(app.env().get("PW")).isEqualTo(EnvVarValue.secret("s0"));
    assertThat(out.get("env").toString()).isEqualTo("{\"A\":\"1\",\"PW\":{\"secret\":\"s0\"}}");
    assertThat(out.get("constraints").toString()).isEqualTo("[[\"@hostname\",\"UNIQUE\"],[\"rack\",\"GROUP_BY\",\"3\"]]");
    assertThat(out.get("unreachableStrategy").asText()).isEqualTo("disabled");
    assertThat(MarathonJson.readApp(MarathonJson.write(app))).isEqualTo(app);
  }

  @Test
  void unknownField_inApp_isIgnoredLikeMarathon() throws Exception {
    AppDefinition app = MarathonJson.readApp("{\"id\":\"/a\",\"cmd\":\"x\",\"volumes\":[1],\"boo\":\"hoo\"}");

    assertThat(app.id()).isEqualTo("/a");
    assertThat(tree(app).has("boo")).isFalse();
  }

  @Test
  void brokenSyntax_read_failsWithInvalidJsonAtRoot() {
    Violation v = detailOf("{\"id\":\"/a\",");

    assertThat(v.path()).isEqualTo("/");
    assertThat(v.errors()).isNotEmpty();
  }

  @Test
  void numberForId_read_failsWithExpectedString() {
    Violation v = detailOf("{\"id\":5,\"cmd\":\"x\"}");

    assertThat(v).isEqualTo(new Violation("/id", List.of("error.expected.jsstring")));
  }

  @Test
  void stringForCpus_read_failsInsteadOfCoercing() {
    assertThat(detailOf("{\"id\":\"/a\",\"cpus\":\"1\"}"))
        .isEqualTo(new Violation("/cpus", List.of("error.expected.jsnumber")));
  }

  @Test
  void nestedWrongType_read_reportsMarathonStylePath() {
    assertThat(detailOf("{\"id\":\"/a\",\"portDefinitions\":[{\"port\":80},{\"port\":\"x\"}]}"))
        .isEqualTo(new Violation("/portDefinitions(1)/port", List.of("error.expected.jsnumber")));
    assertThat(detailOf("{\"id\":\"/a\",\"instances\":1.5}"))
        .isEqualTo(new Violation("/instances", List.of("error.expected.int")));
    assertThat(detailOf("{\"id\":\"/a\",\"killSelection\":\"RANDOM\"}"))
        .isEqualTo(new Violation("/killSelection", List.of("error.expected.validenumvalue")));
    assertThat(detailOf("{\"id\":\"/a\",\"networks\":[{\"mode\":\"overlay\"}]}").path())
        .isEqualTo("/networks(0)/mode");
    assertThat(detailOf("{\"id\":\"/a\",\"args\":[\"a\",null]}").path()).isEqualTo("/args(1)");
    assertThat(detailOf("{\"id\":\"/a\",\"constraints\":[[\"a\"]]}").errors())
        .containsExactly("error.constraint.arity");
  }

  @Test
  void missingId_read_failsWithPathMissing() {
    assertThat(detailOf("{\"cmd\":\"x\"}")).isEqualTo(new Violation("/id", List.of("error.path.missing")));
    assertThat(detailOf("[]")).isEqualTo(new Violation("/", List.of("error.expected.jsobject")));
  }

  @Test
  void patch_withSomeFields_replacesOnlyThoseAndKeepsTheRest() throws Exception {
    AppDefinition current = MarathonJson.readApp("{\"id\":\"/a\",\"cmd\":\"x\",\"instances\":3,\"mem\":64,"
        + "\"labels\":{\"a\":\"1\"},\"version\":\"2024-01-01T00:00:00Z\"}");

    AppDefinition updated = MarathonJson.applyUpdate(current,
        "{\"id\":\"/other\",\"mem\":256,\"labels\":{\"b\":\"2\"},\"cpus\":null}");

    assertThat(updated.id()).isEqualTo("/a");
    assertThat(updated.mem()).isEqualTo(256.0);
    assertThat(updated.instances()).isEqualTo(3);
    assertThat(updated.labels()).containsOnlyKeys("b");
    assertThat(updated.cpus()).isEqualTo(1.0);
    assertThat(updated.version()).isNull();
  }

  @Test
  void patch_switchingToBridgeNetworking_dropsDefaultPortDefinitions() throws Exception {
    AppDefinition current = MarathonJson.readApp("{\"id\":\"/a\",\"cmd\":\"x\"}");

    AppDefinition updated = MarathonJson.applyUpdate(current, "{\"networks\":[{\"mode\":\"container/bridge\"}],"
        + "\"container\":{\"docker\":{\"image\":\"nginx\"},\"portMappings\":[{\"containerPort\":80}]}}");

    assertThat(updated.portDefinitions()).isEmpty();
  }

  @Test
  void patch_withWrongType_failsWithPath() throws Exception {
    AppDefinition current = AppDefinition.of("/a", "x");

    assertThatThrownBy(() -> MarathonJson.applyUpdate(current, "{\"instances\":\"many\"}"))
        .isInstanceOfSatisfying(InvalidJsonException.class,
            e -> assertThat(e.details().get(0).path()).isEqualTo("/instances"));
  }

  @Test
  void group_withNestedApps_roundTrips() throws Exception {
    Group g = MarathonJson.readGroup("{\"id\":\"/\",\"groups\":[{\"id\":\"prod\",\"apps\":[{\"id\":\"web\","
        + "\"cmd\":\"x\"}],\"dependencies\":[\"/db\"]}]}");

    assertThat(g.groups().get(0).apps().get(0).id()).isEqualTo("web");
    assertThat(g.enforceRole()).isFalse();
    assertThat(MarathonJson.readGroup(MarathonJson.write(g))).isEqualTo(g);
  }

  @Test
  void pod_minimal_getsDefaults() throws Exception {
    PodDefinition pod = MarathonJson.readPod("{\"id\":\"/p\",\"containers\":[{\"name\":\"c\"}]}");

    assertThat(pod.scaling().instances()).isEqualTo(1);
    assertThat(pod.containers().get(0).resources().mem()).isEqualTo(128.0);
  }
}
