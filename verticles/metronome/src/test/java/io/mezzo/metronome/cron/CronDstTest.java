package io.mezzo.metronome.cron;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * 2026 transitions: New York springs forward 03-08 02:00 EST -> 03:00 EDT and falls back 11-01 02:00 EDT -> 01:00
 * EST; Berlin springs forward 03-29 02:00 CET -> 03:00 CEST and falls back 10-25 03:00 CEST -> 02:00 CET.
 */
class CronDstTest {

  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  static List<Instant> fires(String cron, ZonedDateTime start, int n) {
    CronSpec spec = CronSpec.parse(cron);
    List<Instant> out = new ArrayList<>();
    ZonedDateTime t = start;
    for (int i = 0; i < n; i++) {
      t = spec.next(t).orElseThrow();
      out.add(t.toInstant());
    }
    return out;
  }

  static ZonedDateTime at(String local, ZoneId zone) {
    return ZonedDateTime.of(LocalDateTime.parse(local), zone);
  }

  static List<Instant> instants(String... iso) {
    return java.util.Arrays.stream(iso).map(Instant::parse).toList();
  }

  @Test
  void newYorkSpringForward_dailyInTheGap_runsOnceAtTheEndOfTheGap() {
    assertThat(fires("30 2 * * *", at("2026-03-07T00:00", NEW_YORK), 3)).isEqualTo(instants(
        "2026-03-07T07:30:00Z",   // 02:30 EST
        "2026-03-08T07:00:00Z",   // 02:30 does not exist: 03:00 EDT
        "2026-03-09T06:30:00Z")); // 02:30 EDT
  }

  @Test
  void newYorkSpringForward_hourlyAndQuarterHourly_collapseTheGapIntoOneRun() {
    assertThat(fires("0 * * * *", at("2026-03-08T00:30", NEW_YORK), 3)).isEqualTo(instants(
        "2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z")); // 01:00 EST, 03:00, 04:00 EDT
    assertThat(fires("*/15 * * * *", at("2026-03-08T01:40", NEW_YORK), 3)).isEqualTo(instants(
        "2026-03-08T06:45:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:15:00Z"));
  }

  @Test
  void newYorkFallBack_dailyInTheRepeatedHour_runsOnceAtTheFirstOccurrence() {
    assertThat(fires("30 1 * * *", at("2026-10-31T12:00", NEW_YORK), 2)).isEqualTo(instants(
        "2026-11-01T05:30:00Z",   // 01:30 EDT; 01:30 EST (06:30Z) does not run
        "2026-11-02T06:30:00Z")); // 01:30 EST next day
  }

  @Test
  void newYorkFallBack_hourly_doesNotRunTheRepeatedHourTwice() {
    assertThat(fires("0 * * * *", at("2026-11-01T00:30", NEW_YORK), 3)).isEqualTo(instants(
        "2026-11-01T05:00:00Z", "2026-11-01T07:00:00Z", "2026-11-01T08:00:00Z")); // 01:00 EDT, 02:00, 03:00 EST
  }

  @Test
  void newYorkFallBack_afterInsideTheSecondOccurrence_skipsToAfterTheRepeatedHour() {
    ZonedDateTime secondOneTen = ZonedDateTime.ofInstant(Instant.parse("2026-11-01T06:10:00Z"), NEW_YORK);
    assertThat(fires("30 1 * * *", secondOneTen, 1)).isEqualTo(instants("2026-11-02T06:30:00Z"));
    assertThat(fires("*/20 * * * *", secondOneTen, 1)).isEqualTo(instants("2026-11-01T07:00:00Z"));
  }

  @Test
  void berlinSpringForward_dailyInTheGap_runsAtThreeCest() {
    assertThat(fires("30 2 * * *", at("2026-03-28T12:00", BERLIN), 2)).isEqualTo(instants(
        "2026-03-29T01:00:00Z",   // 03:00 CEST
        "2026-03-30T00:30:00Z")); // 02:30 CEST
  }

  @Test
  void berlinFallBack_dailyInTheRepeatedHour_runsOnceInSummerTime() {
    assertThat(fires("30 2 * * *", at("2026-10-24T12:00", BERLIN), 2)).isEqualTo(instants(
        "2026-10-25T00:30:00Z",   // 02:30 CEST; 02:30 CET (01:30Z) does not run
        "2026-10-26T01:30:00Z")); // 02:30 CET
  }

  /** Over the whole DST season, a daily job at any time around the transitions runs exactly once per day. */
  @ParameterizedTest
  @CsvSource({
      "America/New_York, 0 1", "America/New_York, 30 1", "America/New_York, 0 2", "America/New_York, 30 2",
      "America/New_York, 59 2", "America/New_York, 0 3",
      "Europe/Berlin, 30 1", "Europe/Berlin, 0 2", "Europe/Berlin, 30 2", "Europe/Berlin, 59 2",
      "Europe/Berlin, 0 3", "Europe/Berlin, 30 3"})
  void dailyAcrossBothTransitions_anyTimeOfDay_exactlyOneRunPerLocalDay(String zoneId, String minuteHour) {
    ZoneId zone = ZoneId.of(zoneId);
    CronSpec spec = CronSpec.parse(minuteHour + " * * *");
    LocalDate first = LocalDate.of(2026, 3, 1);
    LocalDate last = LocalDate.of(2026, 11, 30);
    List<LocalDate> runDays = new ArrayList<>();
    ZonedDateTime t = first.atStartOfDay(zone);
    while (true) {
      t = spec.next(t).orElseThrow();
      if (t.toLocalDate().isAfter(last)) {
        break;
      }
      runDays.add(t.toLocalDate());
    }
    assertThat(runDays).doesNotHaveDuplicates();
    assertThat(runDays).hasSize((int) (last.toEpochDay() - first.toEpochDay() + 1));
  }
}
