package io.mezzo.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ZkUrlTest {

  @Test
  void ensembleWithPath_splitsIntoConnectStringAndRoot() {
    assertThat(ZkUrl.parse("zk://10.0.0.1:2181,10.0.0.2:2181/mezzo/prod"))
        .isEqualTo(new ZkUrl("10.0.0.1:2181,10.0.0.2:2181", "mezzo/prod"));
  }

  @Test
  void noPath_defaultsToMezzo() {
    assertThat(ZkUrl.parse("zk://localhost:2181").root()).isEqualTo("mezzo");
    assertThat(ZkUrl.parse("zk://localhost:2181/").root()).isEqualTo("mezzo");
  }

  @Test
  void malformed_isRejected() {
    assertThat(ZkUrl.problem("http://h:1/x")).contains("zk://");
    assertThat(ZkUrl.problem("zk:///x")).contains("names no ZooKeeper server");
    assertThat(ZkUrl.problem("zk://h:99999/x")).contains("outside 1-65535");
    assertThat(ZkUrl.problem("zk://h:1,/x")).contains("must be host:port");
    assertThatThrownBy(() -> ZkUrl.parse("zk://h/x")).isInstanceOf(IllegalArgumentException.class);
  }
}
