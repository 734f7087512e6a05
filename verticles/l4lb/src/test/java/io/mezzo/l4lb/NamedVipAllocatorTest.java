package io.mezzo.l4lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.l4lb.vip.NamedVipAllocator;
import io.mezzo.l4lb.vip.VipRange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NamedVipAllocatorTest {
  private static final VipRange DCOS = VipRange.parse("11.0.0.0/8");

  @Test
  void range_parse_masksHostBitsAndSkipsNetworkAndBroadcast() {
    VipRange r = VipRange.parse("127.11.3.4/16");
    assertThat(r.toString()).isEqualTo("127.11.0.0/16");
    assertThat(r.usable()).isEqualTo(65_534);
    assertThat(r.address(0)).isEqualTo("127.11.0.1");
    assertThat(r.address(65_533)).isEqualTo("127.11.255.254");
    assertThat(r.contains("127.11.9.9")).isTrue();
    assertThat(r.contains("127.12.0.1")).isFalse();
    assertThat(r.loopback()).isTrue();
    assertThat(DCOS.loopback()).isFalse();
    assertThat(VipRange.parse("10.0.0.7/32").usable()).isEqualTo(1);
  }

  @Test
  void range_parse_rejectsGarbage() {
    for (String bad : List.of("11.0.0.0", "11.0.0.0/33", "11.0.0.0/0", "fd01:c::/64", "x/8", "11.0.0.0/a")) {
      assertThatThrownBy(() -> VipRange.parse(bad)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void allocation_sameNamesInAnyOrder_sameAddresses() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      names.add("app" + i + ".marathon.l4lb.thisdcos.directory");
    }
    Map<String, String> first = NamedVipAllocator.allocate(DCOS, names, Set.of());
    Collections.shuffle(names, new Random(7));
    assertThat(NamedVipAllocator.allocate(DCOS, names, Set.of())).isEqualTo(first);
    assertThat(new HashSet<>(first.values())).hasSize(200).allMatch(DCOS::contains);
  }

  @Test
  void allocation_knownName_staysPut() {
    // a pinned value: changing the hash rule would move every VIP of a running cluster
    Map<String, String> a = NamedVipAllocator.allocate(DCOS, List.of("l4lbtest.marathon.l4lb.thisdcos.directory"),
        Set.of());
    assertThat(a).containsEntry("l4lbtest.marathon.l4lb.thisdcos.directory", "11.163.149.28");
    assertThat(NamedVipAllocator.allocate(DCOS, List.of("l4lbtest.marathon.l4lb.thisdcos.directory", "other"),
        Set.of()).get("l4lbtest.marathon.l4lb.thisdcos.directory"))
        .isEqualTo(a.get("l4lbtest.marathon.l4lb.thisdcos.directory"));
  }

  @Test
  void collision_inTinyRange_probesToTheNextAddress() {
    VipRange tiny = VipRange.parse("127.0.1.0/29"); // 6 usable
    List<String> names = List.of("a", "b", "c", "d", "e", "f");
    Map<String, String> got = NamedVipAllocator.allocate(tiny, names, Set.of());
    assertThat(got).hasSize(6);
    assertThat(new HashSet<>(got.values())).hasSize(6);
  }

  @Test
  void reservedAddress_isSkipped_andFullRangeLeavesNamesOut() {
    VipRange two = VipRange.parse("127.0.1.0/30"); // .1 and .2
    Map<String, String> got = NamedVipAllocator.allocate(two, List.of("x", "y"), Set.of("127.0.1.1"));
    assertThat(got).hasSize(1).containsValue("127.0.1.2");
  }
}
