package io.mezzo.metronome.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronSpecTest {

  static final ZoneId UTC = ZoneId.of("UTC");

  /** The next {@code n} fire times after {@code start}, as local date-time strings of the start's zone. */
  static List<String> fires(String cron, ZonedDateTime start, int n) {
    CronSpec spec = CronSpec.parse(cron);
    List<String> out = new ArrayList<>();
    ZonedDateTime t = start;
    for (int i = 0; i < n; i++) {
      t = spec.next(t).orElseThrow();
      out.add(t.toLocalDateTime().toString());
    }
    return out;
  }

  static ZonedDateTime utc(String localDateTime) {
    return ZonedDateTime.of(java.time.LocalDateTime.parse(localDateTime), UTC);
  }

  @Test
  void everyMinute_fromMidMinute_firesAtEachFollowingMinuteStrictlyAfter() {
    assertThat(fires("* * * * *", utc("2026-01-01T23:58:30"), 3))
        .containsExactly("2026-01-01T23:59", "2026-01-02T00:00", "2026-01-02T00:01");
    assertThat(fires("* * * * *", utc("2026-01-01T10:00:00"), 1)).containsExactly("2026-01-01T10:01");
  }

  @Test
  void listsRangesAndSteps_combined_expandToTheRightMinutes() {
    assertThat(fires("5,10-12,*/20 8 * * *", utc("2026-01-01T07:00"), 7)).containsExactly(
        "2026-01-01T08:00", "2026-01-01T08:05", "2026-01-01T08:10", "2026-01-01T08:11", "2026-01-01T08:12",
        "2026-01-01T08:20", "2026-01-01T08:40");
    assertThat(fires("50/5 9 * * *", utc("2026-01-01T00:00"), 3))
        .containsExactly("2026-01-01T09:50", "2026-01-01T09:55", "2026-01-02T09:50");
  }

  @Test
  void namedMonthsAndDays_caseInsensitive_matchNumbers() {
    assertThat(fires("0 6 * jan-mar Mon-FRI", utc("2026-03-27T12:00"), 3))
        .containsExactly("2026-03-30T06:00", "2026-03-31T06:00", "2027-01-01T06:00");
  }

  @Test
  void lastDayOfMonth_L_firesOnEachMonthEnd() {
    assertThat(fires("0 0 L * *", utc("2026-01-15T00:00"), 4))
        .containsExactly("2026-01-31T00:00", "2026-02-28T00:00", "2026-03-31T00:00", "2026-04-30T00:00");
    assertThat(fires("0 0 L 2 *", utc("2027-03-01T00:00"), 1)).containsExactly("2028-02-29T00:00");
    assertThat(fires("0 0 L-2 * *", utc("2026-02-01T00:00"), 1)).containsExactly("2026-02-26T00:00");
  }

  @Test
  void lastFriday_5L_firesOnTheLastFridayOnly() {
    assertThat(fires("0 0 * * 5L", utc("2026-01-01T00:00"), 3))
        .containsExactly("2026-01-30T00:00", "2026-02-27T00:00", "2026-03-27T00:00");
  }

  @Test
  void nearestWeekday_W_movesOffWeekendsWithoutLeavingTheMonth() {
    // 2026-02-15 is a Sunday -> Monday 16th; 2026-08-15 is a Saturday -> Friday 14th
    assertThat(fires("0 0 15W * *", utc("2026-02-01T00:00"), 1)).containsExactly("2026-02-16T00:00");
    assertThat(fires("0 0 15W * *", utc("2026-08-01T00:00"), 1)).containsExactly("2026-08-14T00:00");
    // 2026-08-01 is a Saturday: the nearest weekday inside August is Monday the 3rd, not Friday July 31st
    assertThat(fires("0 0 1W * *", utc("2026-07-31T12:00"), 1)).containsExactly("2026-08-03T00:00");
    // 2026-05-31 is a Sunday: the last weekday is Friday the 29th
    assertThat(fires("0 0 LW * *", utc("2026-05-01T00:00"), 1)).containsExactly("2026-05-29T00:00");
  }

  @Test
  void nthWeekday_hash_firesOnTheNthOccurrence() {
    assertThat(fires("0 0 * * 5#3", utc("2026-01-01T00:00"), 2))
        .containsExactly("2026-01-16T00:00", "2026-02-20T00:00");
    // the first fifth Monday of 2026 is March 30th
    assertThat(fires("0 0 * * MON#5", utc("2026-01-01T00:00"), 1)).containsExactly("2026-03-30T00:00");
  }

  @Test
  void dayOfWeekSeven_sameAsZero_bothMeanSunday() {
    List<String> seven = fires("0 12 * * 7", utc("2026-01-01T00:00"), 5);
    assertThat(fires("0 12 * * 0", utc("2026-01-01T00:00"), 5)).isEqualTo(seven);
    assertThat(fires("0 12 * * SUN", utc("2026-01-01T00:00"), 5)).isEqualTo(seven);
    assertThat(seven.get(0)).isEqualTo("2026-01-04T12:00");
    assertThat(fires("0 12 * * 5-7", utc("2026-01-01T00:00"), 3))
        .containsExactly("2026-01-02T12:00", "2026-01-03T12:00", "2026-01-04T12:00");
  }

  @Test
  void bothDayFieldsRestricted_orRule_firesOnEitherMatch() {
    // the 13th (Monday April 13th) or any Friday
    assertThat(fires("0 0 13 * 5", utc("2026-03-31T00:00"), 4))
        .containsExactly("2026-04-03T00:00", "2026-04-10T00:00", "2026-04-13T00:00", "2026-04-17T00:00");
  }

  @Test
  void dayOfMonthStartsWithStar_andRule_firesOnlyWhenBothMatch() {
    // odd-numbered days that are Mondays: March 9th and 23rd 2026
    assertThat(fires("0 0 */2 * 1", utc("2026-03-01T00:00"), 2))
        .containsExactly("2026-03-09T00:00", "2026-03-23T00:00");
    assertThat(fires("0 0 ? * 1", utc("2026-03-01T00:00"), 1)).containsExactly("2026-03-02T00:00");
  }

  @Test
  void february29_fromNonLeapYear_nextIsTheNextLeapYear() {
    assertThat(CronSpec.parse("0 0 29 2 *").next(utc("2026-01-01T00:00")))
        .contains(utc("2028-02-29T00:00"));
    assertThat(fires("0 0 29 2 *", utc("2028-02-29T00:00"), 1)).containsExactly("2032-02-29T00:00");
  }

  @Test
  void impossibleDate_february30_nextIsEmpty() {
    assertThat(CronSpec.parse("0 0 30 2 *").next(utc("2026-01-01T00:00"))).isEmpty();
  }

  @Test
  void yearField_afterLastYear_nextIsEmpty() {
    CronSpec spec = CronSpec.parse("0 12 1 1 * 2030-2031");
    assertThat(fires("0 12 1 1 * 2030-2031", utc("2026-05-05T00:00"), 2))
        .containsExactly("2030-01-01T12:00", "2031-01-01T12:00");
    assertThat(spec.next(utc("2031-01-01T12:00"))).isEmpty();
  }

  @Test
  void macros_daily_behaveLikeTheirExpansion() {
    assertThat(fires("@daily", utc("2026-01-01T10:00"), 1)).containsExactly("2026-01-02T00:00");
    assertThat(fires("@hourly", utc("2026-01-01T10:00"), 1)).containsExactly("2026-01-01T11:00");
    assertThat(CronSpec.parse("@Daily").toString()).isEqualTo("@Daily");
  }

  @Test
  void toString_afterParse_givesBackTheExpressionWithSpacesNormalized() {
    assertThat(CronSpec.parse("  */5  1-3 L * MON#2 ").toString()).isEqualTo("*/5 1-3 L * MON#2");
    assertThat(CronSpec.parse("0 0 * * 5L")).isEqualTo(CronSpec.parse("0 0 * * 5L"));
  }

  @Test
  void outOfRangeMinute_parse_throwsWithFieldAndBounds() {
    assertThatThrownBy(() -> CronSpec.parse("61 * * * *"))
        .isInstanceOf(CronException.class)
        .hasMessage("Invalid cron '61 * * * *': minute 61 is outside 0-59");
  }

  @Test
  void malformedExpressions_parse_throwClearMessages() {
    assertThatThrownBy(() -> CronSpec.parse("* * *"))
        .hasMessage("Invalid cron '* * *': expected 5 or 6 fields (minute hour day-of-month month day-of-week"
            + " [year]) but got 3");
    assertThatThrownBy(() -> CronSpec.parse("0 24 * * *")).hasMessageEndingWith("hour 24 is outside 0-23");
    assertThatThrownBy(() -> CronSpec.parse("0 0 0 * *")).hasMessageEndingWith("day-of-month 0 is outside 1-31");
    assertThatThrownBy(() -> CronSpec.parse("0 0 * 13 *")).hasMessageEndingWith("month 13 is outside 1-12");
    assertThatThrownBy(() -> CronSpec.parse("0 0 * * 8")).hasMessageEndingWith("day-of-week 8 is outside 0-7");
    assertThatThrownBy(() -> CronSpec.parse("0 0 * * 5#6"))
        .hasMessageEndingWith("day-of-week occurrence 6 is outside 1-5");
    assertThatThrownBy(() -> CronSpec.parse("*/0 * * * *")).hasMessageEndingWith("step in '*/0' must be at least 1");
    assertThatThrownBy(() -> CronSpec.parse("30-10 * * * *")).hasMessageContaining("range 30-10 is backwards");
    assertThatThrownBy(() -> CronSpec.parse("1,,2 * * * *")).hasMessageContaining("empty element in minute list");
    assertThatThrownBy(() -> CronSpec.parse("0 0 * FOO *")).hasMessageEndingWith("month 'FOO' is not a number or name");
    assertThatThrownBy(() -> CronSpec.parse("L * * * *")).hasMessageEndingWith("minute 'L' is not a number");
    assertThatThrownBy(() -> CronSpec.parse("0 0 * * * 1969")).hasMessageEndingWith("year 1969 is outside 1970-2099");
    assertThatThrownBy(() -> CronSpec.parse("? * * * *")).hasMessageContaining("'?' is only allowed");
    assertThatThrownBy(() -> CronSpec.parse("")).hasMessage("Invalid cron '': expression is empty");
    assertThatThrownBy(() -> CronSpec.parse("@reboot")).hasMessageContaining("unknown macro @reboot");
  }
}
