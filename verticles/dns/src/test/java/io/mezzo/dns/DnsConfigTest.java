package io.mezzo.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mezzo.common.config.ConfigBinder;
import io.mezzo.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class DnsConfigTest {

  private static ObjectNode defaults() {
    return ConfigBinder.tree(DnsConfig.DEFAULTS);
  }

  @Test
  void defaults_bindBack_snakeCaseKeysAndMesosDnsValues() {
    ObjectNode tree = defaults();
    assertThat(tree.has("dns_port")).isTrue();
    assertThat(tree.has("forward_timeout_ms")).isTrue();
    DnsConfig c = ConfigBinder.bind(tree, DnsConfig.class, "dns");
    assertThat(c.port()).isEqualTo(8123);
    assertThat(c.ttl()).isEqualTo(60);
    assertThat(c.dcosTtl()).isEqualTo(5);
    assertThat(c.domain()).isEqualTo("mesos");
    assertThat(c.dnsPort()).isIn(53, 61053);
  }

  @Test
  void upstreams_notAnIp_failsNamingTheKey() {
    ObjectNode tree = defaults();
    tree.putArray("upstreams").add("10.0.0.1").add("resolver.example");
    assertThatThrownBy(() -> ConfigBinder.bind(tree, DnsConfig.class, "dns"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("dns.upstreams[1]");
  }

  @Test
  void ipSources_unknownSource_fails() {
    ObjectNode tree = defaults();
    tree.putArray("ip_sources").add("netinfo").add("magic");
    assertThatThrownBy(() -> ConfigBinder.bind(tree, DnsConfig.class, "dns"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ip_sources[1]");
  }
}
