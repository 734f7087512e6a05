package io.mezzo.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.mezzo.common.component.ComponentRegistry;
import io.mezzo.common.config.ConfigBinder;
import io.mezzo.common.config.ConfigLoader;
import io.mezzo.common.config.ConfigSection;
import io.mezzo.common.config.MezzoConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The configuration files we ship load, and conf/mezzo.yaml states exactly the built-in defaults. */
class ShippedConfigTest {
  private static final Path CONF = Path.of(System.getProperty("mezzo.root", "../..")).resolve("conf");
  private final ConfigLoader loader = new ConfigLoader(ComponentRegistry.load());

  @Test
  void oneMachineConfig_isTheDefaults_forEveryComponent() {
    MezzoConfig defaults = loader.load(Optional.empty(), List.of(), Map.of());
    MezzoConfig shipped = loader.load(Optional.of(CONF.resolve("mezzo.yaml")), List.of(), Map.of());
    assertThat(shipped).isEqualTo(defaults);
    assertThat(shipped.components().keySet()).containsAll(ComponentRegistry.load().names());
  }

  /** Every key a section has is written out in conf/mezzo.yaml, so the file documents the whole configuration. */
  @Test
  void oneMachineConfig_listsEveryKey() throws Exception {
    MezzoConfig defaults = loader.load(Optional.empty(), List.of(), Map.of());
    JsonNode shipped = new YAMLMapper().readTree(CONF.resolve("mezzo.yaml").toFile());
    Map<String, ConfigSection> sections = new LinkedHashMap<>();
    sections.put(ConfigLoader.CLUSTER, defaults.cluster());
    sections.put(ConfigLoader.ZOOKEEPER, defaults.zookeeper());
    defaults.components().forEach(sections::put);
    List<String> missing = new ArrayList<>();
    sections.forEach((name, section) -> missingKeys(name, ConfigBinder.tree(section), shipped.path(name), missing));
    assertThat(missing).as("keys absent from conf/mezzo.yaml").isEmpty();
  }

  private static void missingKeys(String path, JsonNode defaults, JsonNode shipped, List<String> missing) {
    defaults.fieldNames().forEachRemaining(key -> {
      JsonNode value = defaults.get(key);
      if (!shipped.has(key)) {
        missing.add(path + "." + key);
      } else if (value.isObject()) {
        missingKeys(path + "." + key, value, shipped.get(key), missing);
      }
    });
  }

  @Test
  void clusterExample_loads() {
    MezzoConfig cluster = loader.load(Optional.of(CONF.resolve("cluster.example.yaml")), List.of(), Map.of());
    assertThat(cluster.cluster().embeddedZk()).isFalse();
  }
}
