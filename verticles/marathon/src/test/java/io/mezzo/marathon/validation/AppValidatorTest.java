package io.mezzo.marathon.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.MarathonJson;
import java.util.List;
import org.junit.jupiter.api.Test;

class AppValidatorTest {

  private static List<Violation> validate(String json) throws Exception {
    return AppValidator.validate(MarathonJson.readApp(json));
  }

  private static List<String> errorsAt(List<Violation> violations, String path) {
    return violations.stream().filter(v -> v.path().equals(path)).flatMap(v -> v.errors().stream()).toList();
  }

  @Test
  void minimalApp_validated_hasNoViolations() throws Exception {
    assertThat(validate("{\"id\":\"/prod/web\",\"cmd\":\"sleep 1\"}")).isEmpty();
  }

  @Test
  void upgradeStrategyAboveOne_validated_matchesMarathonBody() throws Exception {
    List<Violation> v = validate("{\"id\":\"/a\",\"cmd\":\"x\",\"upgradeStrategy\":{\"minimumHealthCapacity\":1.5}}");

    assertThat(MarathonJson.write(ErrorBody.notValid(v))).isEqualTo("{\"message\":\"Object is not valid\","
        + "\"details\":[{\"path\":\"/upgradeStrategy/minimumHealthCapacity\",\"errors\":[\"is greater than 1\"]}]}");
  }

  @Test
  void invalidJson_rendered_hasDistinctMessage() {
    ErrorBody body = ErrorBody.invalidJson(List.of(new Violation("/id", List.of("error.expected.jsstring"))));

    assertThat(MarathonJson.write(body)).isEqualTo("{\"message\":\"Invalid JSON\","
        + "\"details\":[{\"path\":\"/id\",\"errors\":[\"error.expected.jsstring\"]}]}");
  }

  @Test
  void resourcesOutOfRange_validated_reportEachPath() throws Exception {
    List<Violation> v = validate("{\"id\":\"/a\",\"cmd\":\"x\",\"instances\":-1,\"cpus\":0,\"mem\":-5,"
        + "\"disk\":-1,\"gpus\":-1,\"backoffFactor\":0.5,\"upgradeStrategy\":{\"maximumOverCapacity\":-0.1}}");

    assertThat(errorsAt(v, "/instances")).containsExactly("is less than 0");
    assertThat(errorsAt(v, "/cpus")).containsExactly("is less than 0.001");
    assertThat(errorsAt(v, "/mem")).containsExactly("is less than 0");
    assertThat(errorsAt(v, "/disk")).containsExactly("is less than 0");
    assertThat(errorsAt(v, "/gpus")).containsExactly("is less than 0");
    assertThat(errorsAt(v, "/backoffFactor")).containsExactly("is less than 1");
    assertThat(errorsAt(v, "/upgradeStrategy/maximumOverCapacity")).containsExactly("is less than 0");
  }

  @Test
  void badIds_validated_areRejected() throws Exception {
    assertThat(errorsAt(validate("{\"id\":\"/Web\",\"cmd\":\"x\"}"), "/id")).singleElement().asString()
        .startsWith("must fully match regular expression");
    assertThat(errorsAt(validate("{\"id\":\"/a/restart\",\"cmd\":\"x\"}"), "/id"))
        .containsExactly(AppValidator.RESERVED_NAME);
    assertThat(errorsAt(validate("{\"id\":\"/\",\"cmd\":\"x\"}"), "/id")).containsExactly(AppValidator.ROOT_ID);
  }

  @Test
  void cmdAndArgs_validated_areExclusiveAndOneIsNeeded() throws Exception {
    assertThat(errorsAt(validate("{\"id\":\"/a\",\"cmd\":\"x\",\"args\":[\"y\"]}"), "/"))
        .containsExactly(AppValidator.CMD_AND_ARGS);
    assertThat(errorsAt(validate("{\"id\":\"/a\"}"), "/")).containsExactly(AppValidator.CMD_OR_ARGS);
    assertThat(validate("{\"id\":\"/a\",\"container\":{\"docker\":{\"image\":\"nginx\"}}}")).isEmpty();
  }

  @Test
  void ports_duplicatedOrOutOfRange_areRejected() throws Exception {
    List<Violation> v = validate("{\"id\":\"/a\",\"cmd\":\"x\",\"portDefinitions\":[{\"port\":8080,\"name\":\"h\"},"
        + "{\"port\":8080,\"name\":\"h\"},{\"port\":70000,\"protocol\":\"sctp\"}]}");

    assertThat(errorsAt(v, "/portDefinitions")).contains(AppValidator.PORTS_UNIQUE, AppValidator.PORT_NAMES_UNIQUE);
    assertThat(errorsAt(v, "/portDefinitions(2)/port")).containsExactly("is greater than 65535");
    assertThat(errorsAt(v, "/portDefinitions(2)/protocol")).hasSize(1);
  }

  @Test
  void requirePortsWithDynamicPort_validated_isRejected() throws Exception {
    assertThat(errorsAt(validate("{\"id\":\"/a\",\"cmd\":\"x\",\"requirePorts\":true}"), "/portDefinitions(0)/port"))
        .hasSize(1);
  }

  @Test
  void portMappingsOnHostNetwork_validated_areRejected() throws Exception {
    assertThat(errorsAt(validate("{\"id\":\"/a\",\"container\":{\"docker\":{\"image\":\"i\"},"
        + "\"portMappings\":[{\"containerPort\":80}]}}"), "/container/portMappings")).hasSize(1);
    assertThat(errorsAt(validate("{\"id\":\"/a\",\"container\":{\"type\":\"DOCKER\"}}"), "/container/docker/image"))
        .containsExactly("must not be empty");
  }

  @Test
  void healthCheckFields_outOfRange_areRejectedPerCheck() throws Exception {
    List<Violation> v = validate("{\"id\":\"/a\",\"cmd\":\"x\",\"healthChecks\":[{\"protocol\":\"MESOS_HTTP\"},"
        + "{\"protocol\":\"TCP\",\"intervalSeconds\":10,\"timeoutSeconds\":10,\"portIndex\":3,"
        + "\"maxConsecutiveFailures\":-1,\"gracePeriodSeconds\":-1},{\"protocol\":\"COMMAND\"},"
        + "{\"protocol\":\"HTTP\",\"port\":8080,\"portIndex\":0}]}");

    assertThat(v).noneMatch(x -> x.path().startsWith("/healthChecks(0)"));
    assertThat(errorsAt(v, "/healthChecks(1)/timeoutSeconds")).containsExactly("must be smaller than intervalSeconds");
    assertThat(errorsAt(v, "/healthChecks(1)/portIndex")).hasSize(1);
    assertThat(errorsAt(v, "/healthChecks(1)/maxConsecutiveFailures")).containsExactly("is less than 0");
    assertThat(errorsAt(v, "/healthChecks(1)/gracePeriodSeconds")).containsExactly("is less than 0");
    assertThat(errorsAt(v, "/healthChecks(2)/command")).hasSize(1);
    assertThat(errorsAt(v, "/healthChecks(3)")).containsExactly("must not set both port and portIndex");
  }

  @Test
  void readinessCheck_withUnknownPortName_isRejected() throws Exception {
    List<Violation> v = validate("{\"id\":\"/a\",\"cmd\":\"x\",\"readinessChecks\":[{}]}");

    assertThat(errorsAt(v, "/readinessChecks(0)/portName")).hasSize(1);
    assertThat(validate("{\"id\":\"/a\",\"cmd\":\"x\",\"portDefinitions\":[{\"name\":\"http-api\"}],"
        + "\"readinessChecks\":[{}]}")).isEmpty();
  }

  @Test
  void constraintSyntax_perOperator_isChecked() throws Exception {
    List<Violation> v = validate("{\"id\":\"/a\",\"cmd\":\"x\",\"constraints\":["
        + "[\"@hostname\",\"UNIQUE\"],[\"@hostname\",\"UNIQUE\",\"x\"],[\"rack\",\"MAX_PER\"],[\"rack\",\"MAX_PER\",\"0\"],"
        + "[\"rack\",\"GROUP_BY\",\"two\"],[\"rack\",\"LIKE\",\"[\"],[\"rack\",\"IS\"],[\"rack\",\"NEAR\",\"1\"],"
        + "[\"rack\",\"CLUSTER\"],[\"rack\",\"GROUP_BY\"],[\"rack\",\"UNLIKE\",\"a.*\"],[\"rack\",\"IS\",\"1\"]]}");

    assertThat(errorsAt(v, "/constraints(0)")).isEmpty();
    assertThat(errorsAt(v, "/constraints(1)")).containsExactly("Value specified but not used");
    assertThat(errorsAt(v, "/constraints(2)")).containsExactly("Value was not specified");
    assertThat(errorsAt(v, "/constraints(3)")).containsExactly("Value was not a positive integer");
    assertThat(errorsAt(v, "/constraints(4)")).containsExactly("Value was not a positive integer");
    assertThat(errorsAt(v, "/constraints(5)")).containsExactly("'[' is not a valid regular expression");
    assertThat(errorsAt(v, "/constraints(6)")).containsExactly("Value was not specified");
    assertThat(errorsAt(v, "/constraints(7)")).singleElement().asString().startsWith("Constraint operator must be");
    assertThat(v.stream().map(Violation::path)).allMatch(p -> p.matches("/constraints\\([1-7]\\)"));
  }

  @Test
  void envSecretReference_toUndefinedSecret_isRejected() throws Exception {
    List<Violation> v = validate("{\"id\":\"/a\",\"cmd\":\"x\",\"env\":{\"PW\":{\"secret\":\"nope\"}}}");

    assertThat(errorsAt(v, "/env/PW")).containsExactly("references an undefined secret named 'nope'");
  }

  @Test
  void unreachableStrategy_inactiveAfterExpunge_isRejected() throws Exception {
    List<Violation> v = validate("{\"id\":\"/a\",\"cmd\":\"x\",\"unreachableStrategy\":"
        + "{\"inactiveAfterSeconds\":600,\"expungeAfterSeconds\":300}}");

    assertThat(errorsAt(v, "/unreachableStrategy/inactiveAfterSeconds")).hasSize(1);
  }

  @Test
  void residentApp_withOverCapacity_isRejected() {
    AppDefinition app = AppDefinition.builder("/db").cmd("x")
        .container(new io.mezzo.marathon.model.Container(io.mezzo.marathon.model.Container.Type.MESOS, null, null,
            List.of(new io.mezzo.marathon.model.Volume("data", null, "RW",
                new io.mezzo.marathon.model.Volume.Persistent(10.0, null)))))
        .upgradeStrategy(new io.mezzo.marathon.model.UpgradeStrategy(1.0, 1.0)).build();

    List<Violation> v = AppValidator.validate(app);

    assertThat(errorsAt(v, "/upgradeStrategy/maximumOverCapacity")).containsExactly("is greater than 0");
    assertThat(errorsAt(v, "/upgradeStrategy/minimumHealthCapacity")).containsExactly("is greater than 0.5");
  }
}
