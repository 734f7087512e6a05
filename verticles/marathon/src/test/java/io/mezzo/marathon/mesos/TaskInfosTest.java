package io.mezzo.marathon.mesos;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.marathon.core.Condition;
import io.mezzo.marathon.core.Instance;
import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.InvalidJsonException;
import io.mezzo.marathon.model.MarathonJson;
import io.mezzo.mesos.proto.Resources;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.HealthCheck;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Port;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.junit.jupiter.api.Test;

class TaskInfosTest {
  private static final Instance INSTANCE = new Instance("prod_web.instance-1", "/prod/web", "v1", "2024-01-01T00:00:00.000Z",
      Condition.PROVISIONED, null, null, null, List.of(), "2024-01-01T00:00:00.000Z", null, null, 1);

  private static TaskInfo build(String json, List<Integer> ports) {
    AppDefinition app;
    try {
      app = MarathonJson.readApp(json);
    } catch (InvalidJsonException e) {
      throw new AssertionError(e);
    }
    return TaskInfos.build(app, INSTANCE, "agent-7", "node-7.example", Resources.parse("cpus:0.5;mem:64", "*"), ports,
        "nobody");
  }

  private static Map<String, String> env(TaskInfo task) {
    return task.getCommand().getEnvironment().getVariablesList().stream()
        .collect(Collectors.toMap(Environment.Variable::getName, Environment.Variable::getValue));
  }

  private static Map<String, String> labels(Port p) {
    return p.getLabels().getLabelsList().stream().collect(Collectors.toMap(Label::getKey, Label::getValue));
  }

  @Test
  void portDefinitions_vipLabelsNamesAndProtocols_reachDiscoveryPorts() {
    TaskInfo task = build("{\"id\":\"/prod/web\",\"cmd\":\"run\",\"portDefinitions\":["
        + "{\"port\":0,\"name\":\"http\",\"protocol\":\"udp,tcp\",\"labels\":{\"VIP_0\":\"/web:80\"}},"
        + "{\"port\":0,\"name\":\"admin\"}]}", List.of(31001, 31002));

    assertThat(task.getDiscovery().getName()).isEqualTo("web.prod");
    List<Port> ports = task.getDiscovery().getPorts().getPortsList();
    assertThat(ports).extracting(Port::getNumber).containsExactly(31001, 31001, 31002);
    assertThat(ports).extracting(Port::getProtocol).containsExactly("udp", "tcp", "tcp");
    assertThat(ports).extracting(Port::getName).containsExactly("http", "http", "admin");
    assertThat(labels(ports.get(0))).containsEntry("VIP_0", "/web:80");
    assertThat(labels(ports.get(1))).containsEntry("VIP_0", "/web:80");
    assertThat(ports.get(2).hasLabels()).isFalse();
  }

  @Test
  void portMappings_hostPortsAssignedInOrder_containerPortOtherwise() {
    TaskInfo task = build("{\"id\":\"/prod/web\",\"container\":{\"type\":\"MESOS\",\"docker\":{\"image\":\"nginx\"},"
        + "\"portMappings\":[{\"containerPort\":80,\"hostPort\":0,\"name\":\"web\",\"labels\":{\"VIP_0\":\"1.2.3.4:80\"}},"
        + "{\"containerPort\":9000,\"name\":\"internal\"}]},\"networks\":[{\"mode\":\"container/bridge\"}]}",
        List.of(31500));

    List<Port> ports = task.getDiscovery().getPorts().getPortsList();
    assertThat(ports).extracting(Port::getNumber).containsExactly(31500, 9000);
    assertThat(labels(ports.get(0))).containsEntry("VIP_0", "1.2.3.4:80");
    assertThat(task.getContainer().getMesos().getImage().getDocker().getName()).isEqualTo("nginx");
    assertThat(env(task)).containsEntry("PORT0", "31500").containsEntry("PORT_WEB", "31500")
        .containsEntry("MARATHON_APP_DOCKER_IMAGE", "nginx");
  }

  @Test
  void command_shellEnvUserFetchAndMarathonVariables() {
    TaskInfo task = build("{\"id\":\"/prod/web\",\"cmd\":\"python3 -m http.server $PORT0\",\"env\":{\"MODE\":\"prod\","
        + "\"TOKEN\":{\"secret\":\"s1\"}},\"secrets\":{\"s1\":{\"source\":\"token\"}},\"labels\":{\"team\":\"a\"},"
        + "\"fetch\":[{\"uri\":\"https://example.com/app.tgz\",\"destPath\":\"app.tgz\"}],"
        + "\"portDefinitions\":[{\"port\":0,\"name\":\"http\"}]}", List.of(31001));

    CommandInfo cmd = task.getCommand();
    assertThat(cmd.getShell()).isTrue();
    assertThat(cmd.getValue()).isEqualTo("python3 -m http.server $PORT0");
    assertThat(cmd.getUser()).isEqualTo("nobody");
    assertThat(cmd.getUris(0).getValue()).isEqualTo("https://example.com/app.tgz");
    assertThat(cmd.getUris(0).getExtract()).isTrue();
    assertThat(cmd.getUris(0).getOutputFile()).isEqualTo("app.tgz");
    assertThat(env(task)).containsEntry("MODE", "prod").doesNotContainKey("TOKEN")
        .containsEntry("PORT0", "31001").containsEntry("PORT", "31001").containsEntry("PORTS", "31001")
        .containsEntry("PORT_HTTP", "31001").containsEntry("HOST", "node-7.example")
        .containsEntry("MARATHON_APP_ID", "/prod/web").containsEntry("MESOS_TASK_ID", INSTANCE.taskId())
        .containsEntry("MARATHON_APP_LABELS", "TEAM").containsEntry("MARATHON_APP_LABEL_TEAM", "a");
    assertThat(task.getLabels().getLabels(0).getKey()).isEqualTo("team");
    assertThat(task.getTaskId().getValue()).isEqualTo("prod_web.instance-1._app.1");
    assertThat(task.getAgentId().getValue()).isEqualTo("agent-7");
    assertThat(Resources.format(task.getResourcesList())).isEqualTo("cpus:0.5;mem:64");
  }

  @Test
  void args_runWithoutShell_andAppUserWins() {
    TaskInfo task = build("{\"id\":\"/prod/web\",\"args\":[\"/bin/server\",\"--port\",\"80\"],\"user\":\"web\"}",
        List.of(31001));
    assertThat(task.getCommand().getShell()).isFalse();
    assertThat(task.getCommand().getValue()).isEqualTo("/bin/server");
    assertThat(task.getCommand().getArgumentsList()).containsExactly("/bin/server", "--port", "80");
    assertThat(task.getCommand().getUser()).isEqualTo("web");
  }

  @Test
  void mesosHttpHealthCheck_portIndexBecomesTheHostPort_killPolicyFromGracePeriod() {
    TaskInfo task = build("{\"id\":\"/prod/web\",\"cmd\":\"run\",\"taskKillGracePeriodSeconds\":7,"
        + "\"portDefinitions\":[{\"port\":0},{\"port\":0}],\"healthChecks\":[{\"protocol\":\"MESOS_HTTP\","
        + "\"path\":\"/health\",\"portIndex\":1,\"gracePeriodSeconds\":30,\"intervalSeconds\":5,"
        + "\"timeoutSeconds\":2,\"maxConsecutiveFailures\":4,\"delaySeconds\":1}]}", List.of(31001, 31002));

    HealthCheck hc = task.getHealthCheck();
    assertThat(hc.getType()).isEqualTo(HealthCheck.Type.HTTP);
    assertThat(hc.getHttp().getPort()).isEqualTo(31002);
    assertThat(hc.getHttp().getPath()).isEqualTo("/health");
    assertThat(hc.getHttp().getScheme()).isEqualTo("http");
    assertThat(hc.getGracePeriodSeconds()).isEqualTo(30);
    assertThat(hc.getIntervalSeconds()).isEqualTo(5);
    assertThat(hc.getTimeoutSeconds()).isEqualTo(2);
    assertThat(hc.getConsecutiveFailures()).isEqualTo(4);
    assertThat(hc.getDelaySeconds()).isEqualTo(1);
    assertThat(task.getKillPolicy().getGracePeriod().getNanoseconds()).isEqualTo(7_000_000_000L);
  }

  @Test
  void tcpAndCommandHealthChecks_noGracePeriod_noKillPolicy() {
    TaskInfo tcp = build("{\"id\":\"/prod/web\",\"cmd\":\"run\",\"healthChecks\":[{\"protocol\":\"MESOS_TCP\"}]}",
        List.of(31001));
    assertThat(tcp.getHealthCheck().getType()).isEqualTo(HealthCheck.Type.TCP);
    assertThat(tcp.getHealthCheck().getTcp().getPort()).isEqualTo(31001);
    assertThat(tcp.hasKillPolicy()).isFalse();

    TaskInfo command = build("{\"id\":\"/prod/web\",\"cmd\":\"run\",\"healthChecks\":[{\"protocol\":\"COMMAND\","
        + "\"command\":{\"value\":\"test -f /tmp/ok\"}}]}", List.of(31001));
    assertThat(command.getHealthCheck().getType()).isEqualTo(HealthCheck.Type.COMMAND);
    assertThat(command.getHealthCheck().getCommand().getValue()).isEqualTo("test -f /tmp/ok");
  }

  @Test
  void marathonRunChecks_stayWithMarathon_theFirstMesosCheckGoesToTheAgent() {
    TaskInfo onlyMarathon = build("{\"id\":\"/prod/web\",\"cmd\":\"run\",\"healthChecks\":[{\"protocol\":\"HTTP\"},"
        + "{\"protocol\":\"TCP\"}]}", List.of(31001));
    assertThat(onlyMarathon.hasHealthCheck()).isFalse();
    TaskInfo mixed = build("{\"id\":\"/prod/web\",\"cmd\":\"run\",\"healthChecks\":[{\"protocol\":\"HTTP\"},"
        + "{\"protocol\":\"MESOS_TCP\"}]}", List.of(31001));
    assertThat(mixed.getHealthCheck().getType()).isEqualTo(HealthCheck.Type.TCP);
  }

  @Test
  void taskName_isTheAppIdReversed() {
    assertThat(TaskInfos.taskName("/prod/eu/web")).isEqualTo("web.eu.prod");
    assertThat(TaskInfos.taskName("/web")).isEqualTo("web");
  }
}
