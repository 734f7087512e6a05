package io.mezzo.l4lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.l4lb.vip.DomainFrag;
import io.mezzo.l4lb.vip.VipTable;
import org.junit.jupiter.api.Test;

class DomainFragTest {

  @Test
  void marathonPath_slashes_areDropped() {
    assertThat(DomainFrag.of("/mygroup/myapp")).isEqualTo("mygroupmyapp");
    assertThat(VipTable.dnsName("/l4lbtest", "marathon")).isEqualTo("l4lbtest.marathon.l4lb.thisdcos.directory");
  }

  @Test
  void dots_splitLabels_andUnderscoresBecomeDashes() {
    assertThat(DomainFrag.of("My.App_One")).isEqualTo("my.app-one");
    assertThat(DomainFrag.of("..a..b..")).isEqualTo("a.b");
  }

  @Test
  void label_leadingJunkDropped_trailingDashesTrimmed() {
    assertThat(DomainFrag.of("fd%gsf---gs7-f$gs--d7fddg-123")).isEqualTo("fdgsf---gs7-fgs--d7fddg-123");
    assertThat(DomainFrag.of("-4abc123")).isEqualTo("4abc123");
    assertThat(DomainFrag.of("89fdgsf---gs7-fgs--d7fddg-")).isEqualTo("89fdgsf---gs7-fgs--d7fddg");
    assertThat(DomainFrag.of("0-0")).isEqualTo("0-0");
  }

  @Test
  void longLabel_cutAt63_dashesAtTheCutDropped() {
    assertThat(DomainFrag.of("##fdgsf---gs7-fgs--d7fddg123456789012345678901234567890123456789-"))
        .isEqualTo("fdgsf---gs7-fgs--d7fddg123456789012345678901234567890123456789");
    String cut = DomainFrag.of("fd%gsf---gs7-f$gs--d7fddg123456789012345678901234567890123456789-123");
    assertThat(cut).isEqualTo("fdgsf---gs7-fgs--d7fddg1234567890123456789012345678901234567891").hasSize(63);
    assertThat(DomainFrag.of("%%fdgsf---gs7-fgs--d7fddg123456789012345678901234567890123456789---123"))
        .isEqualTo("fdgsf---gs7-fgs--d7fddg1234567890123456789012345678901234567891");
  }

  @Test
  void nonAscii_isDropped() {
    assertThat(DomainFrag.of("caf\u00e9-\u0130x")).isEqualTo("caf-x");
  }
}
