package io.mezzo.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.common.component.ComponentRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private final ConfigLoader loader =
      new ConfigLoader(new ComponentRegistry(List.of(new TestComponent("mesos-master"), new TestComponent("mesos"))));

  @TempDir
  Path dir;

  private MezzoConfig load(String yaml, List<String> sets, Map<String, String> env) throws IOException {
    Path file = dir.resolve("mezzo.yaml");
    Files.writeString(file, yaml);
    return loader.load(Optional.of(file), sets, env);
  }

  private static TestComponent.Config master(MezzoConfig config) {
    return (TestComponent.Config) config.component("mesos-master");
  }

  @Test
  void noFile_givesDeclaredDefaults() {
    MezzoConfig config = loader.load(Optional.empty(), List.of(), Map.of());
    assertThat(config.cluster()).isEqualTo(ClusterConfig.DEFAULTS);
    assertThat(config.zookeeper()).isEqualTo(ZookeeperConfig.DEFAULTS);
    assertThat(master(config)).isEqualTo(TestComponent.Config.DEFAULTS);
    assertThat(config.componentJson().get("mesos-master").getInteger("port")).isEqualTo(5050);
  }

  @Test
  void file_overridesOnlyTheKeysItNames() throws IOException {
    MezzoConfig config = load("mesos-master:\n  port: 6060\ncluster:\n  host: 10.1.2.3\n", List.of(), Map.of());
    assertThat(master(config).port()).isEqualTo(6060);
    assertThat(master(config).mode()).isEqualTo("fast");
    assertThat(config.cluster().host()).isEqualTo("10.1.2.3");
    assertThat(config.cluster().zk()).isEqualTo("embedded");
  }

  @Test
  void envThenSet_overrideTheFileInThatOrder() throws IOException {
    MezzoConfig config = load("mesos-master:\n  port: 6060\n  ratio: 0.1\n",
        List.of("mesos-master.port=7070"),
        Map.of("MEZZO_MESOS_MASTER_PORT", "6161", "MEZZO_MESOS_MASTER_RATIO", "0.9", "MEZZO_JAVA_OPTS", "-Xmx1g",
            "MEZZO_CLUSTER_ZK", "zk://h1:2181,h2:2181/mz"));
    assertThat(master(config).port()).isEqualTo(7070);
    assertThat(master(config).ratio()).isEqualTo(0.9);
    assertThat(config.cluster().zk()).isEqualTo("zk://h1:2181,h2:2181/mz");
    assertThat(((TestComponent.Config) config.component("mesos")).port()).isEqualTo(5050);
  }

  @Test
  void unknownKey_namesTheKeyAndTheKnownOnes() {
    assertThatThrownBy(() -> load("mesos-master:\n  prot: 1\n", List.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("mesos-master.prot: unknown key (known: enabled, mode, names, port, ratio)");
  }

  @Test
  void unknownSection_isRejected() {
    assertThatThrownBy(() -> load("marathn:\n  port: 1\n", List.of(), Map.of()))
        .hasMessageStartingWith("marathn: unknown section (known: cluster, zookeeper, mesos, mesos-master)");
  }

  @Test
  void wrongTypes_nameTheKeyAndTheValue() {
    assertThatThrownBy(() -> load("mesos-master:\n  port: abc\n", List.of(), Map.of()))
        .hasMessage("mesos-master.port: expected an integer, got 'abc'");
    assertThatThrownBy(() -> load("mesos-master:\n  port: 50.5\n", List.of(), Map.of()))
        .hasMessage("mesos-master.port: expected an integer, got 50.5");
    assertThatThrownBy(() -> load("mesos-master:\n  port: \"5050\"\n", List.of(), Map.of()))
        .hasMessage("mesos-master.port: expected an integer, got '5050'");
    assertThatThrownBy(() -> load("mesos-master:\n  enabled: maybe\n", List.of(), Map.of()))
        .hasMessage("mesos-master.enabled: expected true or false, got 'maybe'");
    assertThatThrownBy(() -> load("mesos-master: 5\n", List.of(), Map.of()))
        .hasMessage("mesos-master: must be a mapping of keys, got number");
  }

  @Test
  void outOfRange_namesTheKeyAndTheRange() {
    assertThatThrownBy(() -> load("", List.of("mesos-master.port=70000"), Map.of()))
        .hasMessage("mesos-master.port: must be between 0 and 65535, got 70000");
    assertThatThrownBy(() -> load("", List.of("mesos-master.mode=medium"), Map.of()))
        .hasMessage("mesos-master.mode: must be one of fast, slow, got 'medium'");
    assertThatThrownBy(() -> load("", List.of("cluster.zk=zk://nohost/x"), Map.of()))
        .hasMessage("cluster.zk: server 'nohost' must be host:port");
    assertThatThrownBy(() -> load("", List.of("cluster.role=boss"), Map.of()))
        .hasMessageStartingWith("cluster.role: must be one of master, agent, agent-public");
  }

  @Test
  void malformedYaml_namesTheFileAndLine() {
    assertThatThrownBy(() -> load("cluster:\n  zk: embedded\n   host: x\n", List.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("mezzo.yaml: malformed YAML at line 3");
    assertThatThrownBy(() -> load("- a\n- b\n", List.of(), Map.of()))
        .hasMessageEndingWith("must be a mapping of sections, got array");
  }

  @Test
  void badSetSyntax_isRejected() {
    assertThatThrownBy(() -> load("", List.of("port=1"), Map.of())).hasMessageContaining("--set takes section.key=value");
    assertThatThrownBy(() -> load("", List.of("nosuch.port=1"), Map.of())).hasMessageStartingWith("nosuch: unknown section");
  }

  @Test
  void emptyFile_isTheDefaults() throws IOException {
    assertThat(master(load("# nothing\n", List.of(), Map.of()))).isEqualTo(TestComponent.Config.DEFAULTS);
  }
}
