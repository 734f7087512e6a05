package io.mezzo.marathon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.common.config.ConfigBinder;
import io.mezzo.common.config.ConfigException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class MarathonConfigTest {

  private static JsonObject defaults() {
    return ConfigBinder.json(ConfigBinder.tree(MarathonConfig.DEFAULTS));
  }

  private static MarathonConfig bind(JsonObject json) {
    return ConfigBinder.bind(json, MarathonConfig.class, "marathon");
  }

  @Test
  void defaults_findTheMasterInZooKeeperAsFrameworkMarathonWithAOneWeekFailoverTimeout() {
    MarathonConfig c = bind(defaults());
    assertThat(defaults().fieldNames()).contains("master", "master_zk_path", "mesos_role", "mesos_user",
        "framework_name", "failover_timeout_seconds", "decline_offer_seconds", "min_revive_interval_ms",
        "reconciliation_interval_seconds", "reconciliation_timeout_seconds");
    assertThat(c.master()).isEqualTo("zk");
    assertThat(c.masterUrls()).isEmpty();
    assertThat(c.masterZkPath()).isEqualTo("/mesos");
    assertThat(c.mesosRole()).isEqualTo("*");
    assertThat(c.frameworkName()).isEqualTo("marathon");
    assertThat(c.failoverTimeoutSeconds()).isEqualTo(604_800);
    assertThat(c.declineOfferSeconds()).isEqualTo(120);
  }

  @Test
  void master_takesUrlListsAndNone() {
    assertThat(bind(defaults().put("master", "http://10.0.0.1:5050, http://10.0.0.2:5050")).masterUrls())
        .containsExactly("http://10.0.0.1:5050", "http://10.0.0.2:5050");
    assertThat(bind(defaults().put("master", "none")).masterUrls()).isEmpty();
    assertThat(bind(defaults().put("mesos_role", "slave_public")).mesosRole()).isEqualTo("slave_public");
  }

  @Test
  void badMasterOrRole_namesTheKey() {
    assertThatThrownBy(() -> bind(defaults().put("master", "zk://10.0.0.1:2181")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("marathon.master");
    assertThatThrownBy(() -> bind(defaults().put("mesos_role", "a b")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("marathon.mesos_role");
    assertThatThrownBy(() -> bind(defaults().put("master_zk_path", "mesos")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("marathon.master_zk_path");
  }
}
