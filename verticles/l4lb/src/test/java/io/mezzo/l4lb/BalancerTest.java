package io.mezzo.l4lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.l4lb.balance.Balancer;
import io.mezzo.l4lb.vip.Backend;
import io.mezzo.l4lb.vip.BackendAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BalancerTest {
  private final SettableClock clock = new SettableClock();
  private final Balancer balancer = new Balancer(clock, new Random(42), Duration.ofSeconds(1), Duration.ofSeconds(30));

  private static BackendAddress at(int i) {
    return new BackendAddress("10.0.0." + i, 80);
  }

  private static List<Backend> backends(int n) {
    List<Backend> list = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      list.add(new Backend(at(i), 1));
    }
    return list;
  }

  private BackendAddress pick(List<Backend> list) {
    return balancer.pick(list, Set.of()).orElseThrow();
  }

  @Test
  void sequentialShortConnections_reachEveryBackendQuickly() {
    List<Backend> five = backends(5);
    Set<BackendAddress> seen = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      BackendAddress b = pick(five);
      balancer.connected(b);
      balancer.closed(b);
      seen.add(b);
    }
    assertThat(seen).hasSize(5);
  }

  @Test
  void longConnections_spreadEvenly() {
    List<Backend> four = backends(4);
    for (int i = 0; i < 400; i++) {
      balancer.connected(pick(four));
    }
    for (int i = 1; i <= 4; i++) {
      assertThat(balancer.active(at(i))).isBetween(80, 120);
    }
  }

  @Test
  void busyBackend_loses() {
    List<Backend> two = backends(2);
    for (int i = 0; i < 5; i++) {
      balancer.connected(at(1));
    }
    for (int i = 0; i < 4; i++) {
      BackendAddress b = pick(two);
      assertThat(b).isEqualTo(at(2));
      balancer.connected(b);
    }
  }

  @Test
  void weightZero_getsNoNewConnections() {
    List<Backend> list = List.of(new Backend(at(1), 0), new Backend(at(2), 1));
    for (int i = 0; i < 20; i++) {
      assertThat(pick(list)).isEqualTo(at(2));
    }
    assertThat(balancer.pick(List.of(new Backend(at(1), 0)), Set.of())).isEmpty();
    assertThat(balancer.pick(List.of(), Set.of())).isEmpty();
  }

  @Test
  void excluded_isSkipped() {
    assertThat(balancer.pick(backends(2), Set.of(at(1)))).contains(at(2));
    assertThat(balancer.pick(backends(2), Set.of(at(1), at(2)))).isEmpty();
  }

  @Test
  void failedBackend_isDownForOneSecond_thenTriedAgain() {
    List<Backend> two = backends(2);
    balancer.failed(at(1));
    assertThat(balancer.down(at(1))).isTrue();
    for (int i = 0; i < 20; i++) {
      assertThat(pick(two)).isEqualTo(at(2));
    }
    clock.advance(Duration.ofMillis(999));
    assertThat(pick(two)).isEqualTo(at(2));
    clock.advance(Duration.ofMillis(1));
    assertThat(balancer.down(at(1))).isFalse();
    Map<BackendAddress, Integer> counts = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      counts.merge(pick(two), 1, Integer::sum);
    }
    assertThat(counts).containsKey(at(1));
  }

  @Test
  void repeatedFailures_doubleTheBackoff_upTo30s_andSuccessClearsIt() {
    long[] expected = {1, 2, 4, 8, 16, 30, 30};
    for (long seconds : expected) {
      balancer.failed(at(1));
      clock.advance(Duration.ofSeconds(seconds).minusMillis(1));
      assertThat(balancer.down(at(1))).as("after %ss", seconds).isTrue();
      clock.advance(Duration.ofMillis(1));
      assertThat(balancer.down(at(1))).isFalse();
    }
    balancer.connected(at(1));
    balancer.failed(at(1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(balancer.down(at(1))).isFalse();
  }

  @Test
  void everyBackendDown_takesTheOneThatComesBackFirst() {
    balancer.failed(at(1));
    balancer.failed(at(1)); // 2 s
    clock.advance(Duration.ofMillis(10));
    balancer.failed(at(2)); // 1 s
    assertThat(pick(backends(2))).isEqualTo(at(2));
  }

  @Test
  void closed_neverGoesBelowZero_andRetainKeepsBusyBackends() {
    balancer.closed(at(1));
    assertThat(balancer.active(at(1))).isZero();
    balancer.connected(at(1));
    balancer.failed(at(2));
    balancer.retain(Set.of());
    assertThat(balancer.active(at(1))).isEqualTo(1);
    assertThat(balancer.down(at(2))).isFalse();
  }
}
