package io.mezzo.mesos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void defaultBackoff_noJitterDrawn_doublesFromOneSecondAndCapsAtFifteen() {
    assertThat(IntStream.range(0, 8).mapToObj(i -> Backoff.DEFAULT.delay(i, () -> 0).toMillis()).toList())
        .containsExactly(1000L, 2000L, 4000L, 8000L, 15000L, 15000L, 15000L, 15000L);
    assertThat(Backoff.DEFAULT.delay(Integer.MAX_VALUE, () -> 0)).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void defaultBackoff_fullJitterDrawn_delayIsAtLeastHalf() {
    assertThat(Backoff.DEFAULT.delay(0, () -> 0.99999).toMillis()).isBetween(500L, 501L);
    assertThat(Backoff.DEFAULT.delay(10, () -> 0.5)).isEqualTo(Duration.ofMillis(11250));
  }

  @Test
  void construction_maxBelowInitialOrBadJitter_rejected() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 1.5)).isInstanceOf(IllegalArgumentException.class);
  }
}
