package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.common.config.ConfigBinder;
import io.mezzo.common.config.ConfigException;
import io.mezzo.mesos.proto.ResourceBag;
import io.mezzo.mesos.proto.Resources;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Value;
import org.junit.jupiter.api.Test;

/** Config, resource detection, attributes and the launch wrapper. */
class AgentUnitsTest {
  private static final long GB = 1L << 30;

  @Test
  void detectedResources_followMesosRules() {
    assertThat(ResourceDetector.detected(new ResourceDetector.Machine(8, 16 * GB, 100 * GB)))
        .isEqualTo("cpus:8;mem:15360;disk:97280;ports:[31000-32000]");
    assertThat(ResourceDetector.detected(new ResourceDetector.Machine(1, GB, 8 * GB)))
        .isEqualTo("cpus:1;mem:512;disk:4096;ports:[31000-32000]");
  }

  @Test
  void configuredResources_winOverDetected_andPublicAgentsReserveForSlavePublic() {
    var machine = new ResourceDetector.Machine(4, 8 * GB, 50 * GB);
    assertThat(ResourceBag.of(ResourceDetector.resolve("cpus:2;ports:[80-80]", "*", machine)))
        .isEqualTo(ResourceBag.parse("cpus:2;disk:46080;mem:7168;ports:[80-80]", "*"));
    assertThat(ResourceDetector.resolve("", AgentConfig.PUBLIC_ROLE, machine))
        .allSatisfy(r -> assertThat(Resources.roleOf(r)).isEqualTo("slave_public"));
  }

  @Test
  void attributes_parseTextScalarsRangesAndSets() {
    List<Attribute> attrs = Attributes.parse("rack:a;level:10;keys:[1000-1500];os:{centos,rhel}");
    assertThat(attrs).extracting(Attribute::getType)
        .containsExactly(Value.Type.TEXT, Value.Type.SCALAR, Value.Type.RANGES, Value.Type.SET);
    assertThat(attrs.get(0).getText().getValue()).isEqualTo("a");
    assertThat(Attributes.problem("rack")).contains("expected name:value");
  }

  @Test
  void config_bindsPublicKey_andRejectsBadValues() {
    JsonObject json = ConfigBinder.json(ConfigBinder.tree(AgentConfig.DEFAULTS)).put("public", true);
    assertThat(ConfigBinder.bind(json, AgentConfig.class, "mesos-agent").publicAgent()).isTrue();
    assertThatThrownBy(() -> bind(json.copy().put("cgroups_root", "../x")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("mesos-agent.cgroups_root");
    assertThatThrownBy(() -> bind(json.copy().put("resources", "cpus:-1")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("mesos-agent.resources");
    assertThatThrownBy(() -> bind(json.copy().put("isolation", "docker")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("mesos-agent.isolation");
  }

  /** Binds as the agent does: over the defaults (lists may come as JsonArray). */
  private static AgentConfig bind(JsonObject json) {
    return ConfigBinder.bindOverDefaults(json, AgentConfig.DEFAULTS, AgentConfig.class, "mesos-agent");
  }

  @Test
  void config_namespaces_offByDefault_listOfPidAndMount() {
    assertThat(AgentConfig.DEFAULTS.namespaces()).isEmpty();
    assertThat(Namespaces.of(AgentConfig.DEFAULTS.namespaces()).unshare()).as("no extra exec when off").isEmpty();
    JsonObject json = new JsonObject().put("namespaces", new io.vertx.core.json.JsonArray().add("pid").add("mount"));
    AgentConfig bound = bind(json);
    assertThat(Namespaces.of(bound.namespaces())).isEqualTo(new Namespaces(true, true));
    assertThatThrownBy(() -> bind(json.copy().put("namespaces", new io.vertx.core.json.JsonArray().add("net"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("mesos-agent.namespaces");
    // mount only: unshare execs the command in place; pid: a waiting shell, then the command as PID 1
    assertThat(new Namespaces(false, true).unshare()).containsExactly(Namespaces.UNSHARE, "--mount", "--propagation", "private", "--");
    assertThat(new Namespaces(true, false).unshare()).startsWith(Namespaces.UNSHARE, "--pid", "--mount", "--propagation", "private")
        .endsWith("mezzo-pid-ns");
  }

  @Test
  void launchWrapper_joinsTheCgroupThenExecsTheCommand() {
    List<String> argv = Containerizer.argv(List.of("/sys/fs/cgroup/memory/mezzo/c1/cgroup.procs"),
        Optional.of(new Containerizer.User("nobody", 65534, 65534)), CommandInfo.newBuilder().setValue("echo hi").build());
    assertThat(argv).containsExactly("/bin/sh", "-c",
        "echo $$ > '/sys/fs/cgroup/memory/mezzo/c1/cgroup.procs' && exec setsid -w \"$@\"", "mezzo-container",
        "setpriv", "--reuid=65534", "--regid=65534", "--init-groups", "--", "/bin/sh", "-c", "echo hi");
    List<String> direct = Containerizer.argv(List.of(), Optional.empty(), CommandInfo.newBuilder().setShell(false)
        .setValue("/bin/echo").addArguments("echo").addArguments("a b").build());
    assertThat(direct.subList(4, direct.size())).containsExactly("/bin/echo", "a b");
  }

  @Test
  void aSingleExternalCommandIsExecd_anythingElseIsLeftToTheShell() {
    assertThat(Containerizer.execIfSimple("sleep 3600")).isEqualTo("exec sleep 3600");
    assertThat(Containerizer.execIfSimple(" ./server --port $PORT0 ${PORT1} ")).isEqualTo("exec ./server --port $PORT0 ${PORT1}");
    for (String kept : List.of("sleep 1; echo done", "a && b", "a | b", "a > out", "echo hi", "exit 3", "cd /tmp",
        "X=1 env", "sleep 'a b'", "ls *", "sleep 10 # why", "if true", "$CMD x", "trap x", "a\nb", "-x")) {
      assertThat(Containerizer.execIfSimple(kept)).as(kept).isEqualTo(kept);
    }
  }

  @Test
  void ports_areExpandedInOrder() {
    assertThat(TaskManager.ports(Resources.parse("ports:[31000-31001,31005-31005];cpus:1", "*")))
        .containsExactly("31000", "31001", "31005");
  }
}
