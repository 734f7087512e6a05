package io.mezzo.metronome.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random expressions: parsing only ever fails with CronException, and next always terminates. */
class CronFuzzTest {

  private static final String[] TOKENS = {
      "*", "?", "0", "1", "5", "7", "12", "15", "23", "29", "31", "59", "60", "99", "1970", "2026", "2100",
      ",", "-", "/", "L", "W", "LW", "L-3", "#", "5#3", "5L", "15W", "JAN", "dec", "MON", "sun", "FRI-SUN",
      "*/7", "1-5", "3/4", "@", "@daily", "x", " ", "", "-1", "99999999999"};
  private static final List<ZoneId> ZONES = List.of(ZoneId.of("UTC"), ZoneId.of("America/New_York"),
      ZoneId.of("Europe/Berlin"), ZoneId.of("Australia/Lord_Howe"), ZoneId.of("Pacific/Apia"));

  @Test
  void randomExpressions_twoSeconds_onlyCronExceptionAndNextTerminates() {
    Random random = new Random(20260101L);
    long end = System.nanoTime() + 2_000_000_000L;
    int parsed = 0;
    int total = 0;
    while (System.nanoTime() < end) {
      String expression = randomExpression(random);
      total++;
      CronSpec spec;
      try {
        spec = CronSpec.parse(expression);
      } catch (CronException expected) {
        assertThat(expected.getMessage()).startsWith("Invalid cron '");
        continue;
      } catch (RuntimeException e) {
        fail("'" + expression + "' threw " + e, e);
        return;
      }
      parsed++;
      assertThat(CronSpec.parse(spec.toString())).isEqualTo(spec);
      ZoneId zone = ZONES.get(random.nextInt(ZONES.size()));
      ZonedDateTime after = Instant.ofEpochSecond(1_700_000_000L + random.nextInt(400_000_000)).atZone(zone);
      long started = System.nanoTime();
      Optional<ZonedDateTime> next = spec.next(after);
      assertThat(System.nanoTime() - started).as("next of '%s' took too long", expression).isLessThan(1_000_000_000L);
      next.ifPresent(t -> assertThat(t).as("'%s' after %s", expression, after).isAfter(after));
    }
    assertThat(total).isGreaterThan(1000);
    assertThat(parsed).as("the generator should produce some valid expressions").isGreaterThan(50);
  }

  private static String randomExpression(Random random) {
    int fields = 4 + random.nextInt(4);
    StringBuilder out = new StringBuilder();
    for (int f = 0; f < fields; f++) {
      if (f > 0) {
        out.append(' ');
      }
      if (random.nextInt(3) == 0) {
        out.append('*');
        continue;
      }
      int parts = 1 + random.nextInt(3);
      for (int p = 0; p < parts; p++) {
        out.append(TOKENS[random.nextInt(TOKENS.length)]);
      }
    }
    return out.toString();
  }
}
