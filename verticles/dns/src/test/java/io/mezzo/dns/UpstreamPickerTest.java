package io.mezzo.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.dns.server.Upstream;
import io.mezzo.dns.server.UpstreamPicker;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UpstreamPickerTest {
  private final Upstream a = Upstream.parse("10.0.0.1");
  private final Upstream b = Upstream.parse("10.0.0.2:5353");
  private final Upstream c = Upstream.parse("[fd00::1]:53");

  @Test
  void parse_forms_ipWithDefaultPortIpPortAndBracketedV6() {
    assertThat(a).isEqualTo(new Upstream("10.0.0.1", 53));
    assertThat(b.port()).isEqualTo(5353);
    assertThat(c.host()).isEqualTo("fd00:0:0:0:0:0:0:1");
    assertThat(Upstream.parse("fd00::2").port()).isEqualTo(53);
    assertThat(Upstream.parse("dns.example:53")).isNull();
    assertThat(Upstream.parse("10.0.0.1:0")).isNull();
  }

  @Test
  void pick_fewerThanThree_usesAll() {
    assertThat(new UpstreamPicker(List.of(a, b), new Random(1)).pick()).containsExactly(a, b);
  }

  @Test
  void pick_threeOrMore_twoDistinctPerQuery() {
    UpstreamPicker picker = new UpstreamPicker(List.of(a, b, c), new Random(1));
    for (int i = 0; i < 20; i++) {
      assertThat(picker.pick()).hasSize(2).doesNotHaveDuplicates();
    }
  }

  @Test
  void pick_afterFailures_prefersUpstreamsWithFewestFailures() {
    UpstreamPicker picker = new UpstreamPicker(List.of(a, b, c), new Random(3));
    picker.failed(a);
    picker.failed(a);
    for (int i = 0; i < 20; i++) {
      assertThat(picker.pick()).containsExactlyInAnyOrder(b, c);
    }
    picker.succeeded(a);
    assertThat(picker.failures(a)).isZero();
  }
}
