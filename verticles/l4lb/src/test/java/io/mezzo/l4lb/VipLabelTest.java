package io.mezzo.l4lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.l4lb.vip.Protocol;
import io.mezzo.l4lb.vip.VipLabel;
import org.junit.jupiter.api.Test;

class VipLabelTest {

  @Test
  void namedLabel_slashName_isNamedWithPort() {
    assertThat(VipLabel.parse("/l4lbtest:5000")).contains(new VipLabel(null, "/l4lbtest", 5000));
  }

  @Test
  void ipLabel_v4Literal_isIpVip() {
    assertThat(VipLabel.parse("1.2.3.4:80")).contains(new VipLabel("1.2.3.4", null, 80));
  }

  @Test
  void label_severalColons_splitsOnTheLastOne() {
    assertThat(VipLabel.parse("fd01:c::1:8080")).contains(new VipLabel("fd01:c:0:0:0:0:0:1", null, 8080));
    assertThat(VipLabel.parse("/a:b:81")).contains(new VipLabel(null, "/a:b", 81));
  }

  @Test
  void label_badPort_isNoVip() {
    assertThat(VipLabel.parse("/app:0")).isEmpty();
    assertThat(VipLabel.parse("/app:-1")).isEmpty();
    assertThat(VipLabel.parse("/app:http")).isEmpty();
    assertThat(VipLabel.parse("/app:")).isEmpty();
    assertThat(VipLabel.parse("/app")).isEmpty();
    assertThat(VipLabel.parse(":80")).isEmpty();
    assertThat(VipLabel.parse("/app:70000")).isEmpty();
    assertThat(VipLabel.parse(null)).isEmpty();
  }

  @Test
  void label_notQuiteAnIp_isNamed() {
    assertThat(VipLabel.parse("1.2.3.400:80")).contains(new VipLabel(null, "1.2.3.400", 80));
  }

  @Test
  void vipKey_vipOrVIPPrefix_counts() {
    assertThat(VipLabel.isVipKey("VIP_0")).isTrue();
    assertThat(VipLabel.isVipKey("vip_web")).isTrue();
    assertThat(VipLabel.isVipKey("VIPs")).isTrue();
    assertThat(VipLabel.isVipKey("Vip_0")).isFalse();
    assertThat(VipLabel.isVipKey("MY_VIP")).isFalse();
  }

  @Test
  void legacy_tcpAndUdpSchemes_parse() {
    assertThat(VipLabel.Legacy.parse("tcp://10.1.1.1:5000"))
        .contains(new VipLabel.Legacy(Protocol.TCP, new VipLabel("10.1.1.1", null, 5000)));
    assertThat(VipLabel.Legacy.parse("UDP:///dns:53"))
        .contains(new VipLabel.Legacy(Protocol.UDP, new VipLabel(null, "/dns", 53)));
    assertThat(VipLabel.Legacy.parse("http://10.1.1.1:5000")).isEmpty();
    assertThat(VipLabel.Legacy.parse("10.1.1.1:5000")).isEmpty();
  }
}
