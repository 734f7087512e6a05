package io.mezzo.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.common.component.ComponentRegistry;
import io.mezzo.common.config.ConfigLoader;
import io.mezzo.common.config.MezzoConfig;
import java.nio.file.Path;
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

  @Test
  void clusterExample_loads() {
    MezzoConfig cluster = loader.load(Optional.of(CONF.resolve("cluster.example.yaml")), List.of(), Map.of());
    assertThat(cluster.cluster().embeddedZk()).isFalse();
  }
}
