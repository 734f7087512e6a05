package io.mezzo.marathon.mesos;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.marathon.core.Condition;
import io.mezzo.marathon.core.Instance;
import io.mezzo.marathon.model.MarathonJson;
import io.mezzo.marathon.model.PodDefinition;
import io.mezzo.marathon.model.PodRunSpec;
import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.mesos.proto.Resources;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.HealthCheck;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.junit.jupiter.api.Test;

class PodTaskGroupsTest {
  private static final Instance INSTANCE = new Instance("shop_cart.instance-1", "/shop/cart", "v1",
      "2024-01-01T00:00:00.000Z", Condition.PROVISIONED, null, null, null, List.of(), "2024-01-01T00:00:00.000Z",
      null, null, 1);

  private static final String POD = """
      {"id":"/shop/cart","user":"nobody","environment":{"STAGE":"prod"},"scaling":{"instances":2},
       "scheduling":{"upgrade":{"minimumHealthCapacity":0.5,"maximumOverCapacity":0},
        "placement":{"constraints":[{"fieldName":"hostname","operator":"UNIQUE"}],"acceptedResourceRoles":["*"]}},
       "containers":[
        {"name":"web","resources":{"cpus":0.5,"mem":64},"exec":{"command":{"shell":"serve $ENDPOINT_HTTP"}},
         "endpoints":[{"name":"http","hostPort":0},{"name":"admin","hostPort":0}],
         "healthCheck":{"http":{"endpoint":"http","path":"/ping"},"intervalSeconds":5}},
        {"name":"log","resources":{"cpus":0.1,"mem":16},"exec":{"command":{"shell":"tail -F x"}},
         "environment":{"STAGE":"side"}}]}""";

  private static Map<String, String> env(TaskInfo t) {
    return t.getCommand().getEnvironment().getVariablesList().stream()
        .collect(Collectors.toMap(Environment.Variable::getName, Environment.Variable::getValue));
  }

  @Test
  void launchGroup_oneTaskPerContainer_underTheDefaultExecutor() throws Exception {
    PodDefinition pod = MarathonJson.readPod(POD);
    List<List<org.apache.mesos.v1.Protos.Resource>> perContainer = List.of(
        Resources.parse("cpus:0.5;mem:64", "*"), Resources.parse("cpus:0.1;mem:16", "*"));
    Offer.Operation op = PodTaskGroups.launch(pod, INSTANCE, "fw-1", "agent-7", "node-7", perContainer,
        List.of(31001, 31002), "root");

    assertThat(op.getType()).isEqualTo(Offer.Operation.Type.LAUNCH_GROUP);
    ExecutorInfo executor = op.getLaunchGroup().getExecutor();
    assertThat(executor.getType()).isEqualTo(ExecutorInfo.Type.DEFAULT);
    assertThat(executor.getExecutorId().getValue()).isEqualTo("shop_cart.instance-1.executor");
    assertThat(executor.getFrameworkId().getValue()).isEqualTo("fw-1");
    List<TaskInfo> tasks = op.getLaunchGroup().getTaskGroup().getTasksList();
    assertThat(tasks).extracting(t -> t.getTaskId().getValue())
        .containsExactly("shop_cart.instance-1._app.1.web", "shop_cart.instance-1._app.1.log");
    assertThat(Instance.instanceIdOf(tasks.get(1).getTaskId().getValue())).isEqualTo("shop_cart.instance-1");
    assertThat(tasks.get(0).getResourcesList()).isEqualTo(perContainer.get(0));
    assertThat(tasks.get(1).getResourcesList()).isEqualTo(perContainer.get(1));
    assertThat(tasks.get(0).getCommand().getValue()).isEqualTo("serve $ENDPOINT_HTTP");
    assertThat(tasks.get(0).getCommand().getUser()).isEqualTo("nobody");
    assertThat(env(tasks.get(0))).containsEntry("ENDPOINT_HTTP", "31001").containsEntry("ENDPOINT_ADMIN", "31002")
        .containsEntry("STAGE", "prod").containsEntry("MARATHON_APP_ID", "/shop/cart");
    assertThat(env(tasks.get(1))).containsEntry("STAGE", "side").containsEntry("ENDPOINT_HTTP", "31001");
    HealthCheck hc = tasks.get(0).getHealthCheck();
    assertThat(hc.getType()).isEqualTo(HealthCheck.Type.HTTP);
    assertThat(hc.getHttp().getPort()).isEqualTo(31001);
    assertThat(hc.getHttp().getPath()).isEqualTo("/ping");
    assertThat(hc.getIntervalSeconds()).isEqualTo(5.0);
    assertThat(tasks.get(1).hasHealthCheck()).isFalse();
    assertThat(PodTaskGroups.portsPerContainer(pod, List.of(31001, 31002)))
        .isEqualTo(List.of(List.of(31001, 31002), List.of()));
  }

  @Test
  void runSpec_sumsResources_keepsUpgradeStrategy_andChangesWithTheConfiguration() throws Exception {
    PodDefinition pod = MarathonJson.readPod(POD);
    AppDefinition spec = PodRunSpec.of(pod);
    assertThat(PodRunSpec.isPod(spec)).isTrue();
    assertThat(spec.cpus()).isEqualTo(0.6);
    assertThat(spec.mem()).isEqualTo(80.0);
    assertThat(spec.instances()).isEqualTo(2);
    assertThat(spec.portDefinitions()).hasSize(2);
    assertThat(spec.upgradeStrategy().minimumHealthCapacity()).isEqualTo(0.5);
    assertThat(spec.healthChecks()).hasSize(1);
    assertThat(spec.constraints()).containsExactly(new io.mezzo.marathon.model.Constraint("hostname", "UNIQUE", null));
    assertThat(spec.acceptedResourceRoles()).containsExactly("*");
    PodDefinition scaled = MarathonJson.readPod(POD.replace("\"instances\":2", "\"instances\":5"));
    assertThat(PodRunSpec.of(scaled).isOnlyScaleChangeOf(spec)).isTrue();
    PodDefinition changed = MarathonJson.readPod(POD.replace("tail -F x", "tail -F y"));
    assertThat(PodRunSpec.of(changed).isOnlyScaleChangeOf(spec)).isFalse();
  }
}
