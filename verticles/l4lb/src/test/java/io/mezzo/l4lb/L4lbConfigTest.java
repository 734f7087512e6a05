package io.mezzo.l4lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.common.config.ConfigBinder;
import io.mezzo.common.config.ConfigException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class L4lbConfigTest {

  private static JsonObject defaults() {
    return ConfigBinder.json(ConfigBinder.tree(L4lbConfig.DEFAULTS));
  }

  @Test
  void defaults_areDcosLike() {
    L4lbConfig c = ConfigBinder.bind(defaults(), L4lbConfig.class, "l4lb");
    assertThat(c.port()).isEqualTo(62080);
    assertThat(c.vipRange()).isEqualTo("11.0.0.0/8");
    assertThat(c.range().usable()).isEqualTo((1L << 24) - 2);
    assertThat(defaults().fieldNames()).contains("vip_range", "connect_timeout_ms", "proxy_threads",
        "udp_idle_timeout_ms", "manage_loopback");
  }

  @Test
  void badRange_namesTheKey() {
    assertThatThrownBy(() -> ConfigBinder.bind(defaults().put("vip_range", "11.0.0.0"), L4lbConfig.class, "l4lb"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("l4lb.vip_range");
  }

  @Test
  void backoffMaxBelowInitial_isRejected() {
    JsonObject bad = defaults().put("backoff_initial_ms", 5_000).put("backoff_max_ms", 1_000);
    assertThatThrownBy(() -> ConfigBinder.bind(bad, L4lbConfig.class, "l4lb"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("l4lb.backoff_max_ms");
  }

  @Test
  void unknownKey_isRejected() {
    assertThatThrownBy(() -> ConfigBinder.bind(defaults().put("vip_rnage", "x"), L4lbConfig.class, "l4lb"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("vip_rnage");
  }
}
