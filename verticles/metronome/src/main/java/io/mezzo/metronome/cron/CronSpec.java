package io.mezzo.metronome.cron;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Optional;

/**
 * A UNIX cron expression as Metronome accepts it: {@code minute hour day-of-month month day-of-week [year]}.
 *
 * <p>Each field takes {@code *}, values, lists ({@code 1,15}), ranges ({@code 1-5}) and steps ({@code *}{@code /15},
 * {@code 10-50/20}, {@code 5/10} meaning 5 to the field's end). Months and days of the week also take names
 * ({@code JAN}, {@code MON-FRI}). Day-of-week is 0-7 with both 0 and 7 meaning Sunday. Day-of-month also takes
 * {@code L} (last day), {@code L-n} (n days before the last), {@code nW} (the weekday nearest to day n, never
 * leaving the month) and {@code LW} (last weekday); day-of-week takes {@code dL} (last d of the month, e.g.
 * {@code 5L}) and {@code d#n} (n-th d of the month, e.g. {@code 5#3}). {@code ?} is accepted as {@code *} in the two
 * day fields. The optional year field spans 1970-2099. The macros {@code @yearly @annually @monthly @weekly @daily
 * @midnight @hourly} are accepted too.
 *
 * <p><b>Day rule.</b> As in Vixie cron, when both day-of-month and day-of-week are restricted (neither starts with
 * {@code *} or {@code ?}) a day qualifies if it matches <em>either</em> field: {@code 0 0 13 * 5} runs on every 13th
 * and on every Friday. Otherwise a day must match both, so {@code 0 0 *}{@code /2 * 1} runs on odd-numbered Mondays.
 *
 * <p><b>Daylight saving.</b> Times are wall-clock times in the zone of the {@code after} argument.
 * <ul>
 *   <li>A wall-clock time skipped by a spring-forward gap fires once, at the first instant after the gap (the
 *       instant of the transition); so a daily {@code 30 2 * * *} in New York runs at 03:00 EDT on the day the
 *       clocks jump and no day's run is lost. Several skipped times (e.g. every 15 minutes) collapse into that
 *       single run.</li>
 *   <li>A wall-clock time repeated by a fall-back overlap fires once, at its first (daylight-time) occurrence;
 *       the repeated hour does not fire again, so an hourly job does not run twice at 01:00.</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe; equality is by normalized expression text.
 */
public final class CronSpec {

  /** How far ahead {@link #next} looks when there is no year field: one full Gregorian cycle. */
  private static final int SEARCH_YEARS = 400;

  private final CronFields fields;

  private CronSpec(CronFields fields) {
    this.fields = fields;
  }

  /**
   * Parses an expression; surrounding whitespace is dropped and inner runs of whitespace become one space.
   *
   * @throws CronException if the expression is not valid, with a message naming the offending field
   */
  public static CronSpec parse(String expression) {
    return new CronSpec(CronParser.parse(expression));
  }

  /**
   * The first fire time strictly after {@code after}, in {@code after}'s zone, or empty when there is none (the
   * year field has run out, or the days can never match, as in {@code 0 0 30 2 *}).
   */
  public Optional<ZonedDateTime> next(ZonedDateTime after) {
    ZoneId zone = after.getZone();
    ZoneRules rules = zone.getRules();
    LocalDateTime start = after.toLocalDateTime().truncatedTo(ChronoUnit.MINUTES);
    int lastYear = fields.years() == null
        ? start.getYear() + SEARCH_YEARS : fields.years().previousSetBit(CronParser.MAX_YEAR);
    LocalDate date = start.toLocalDate();
    LocalTime from = start.toLocalTime();
    while (date.getYear() <= lastYear) {
      if (!fields.yearMatches(date.getYear())) {
        date = LocalDate.of(date.getYear() + 1, 1, 1);
        from = LocalTime.MIDNIGHT;
        continue;
      }
      if (!fields.months().get(date.getMonthValue())) {
        date = date.withDayOfMonth(1).plusMonths(1);
        from = LocalTime.MIDNIGHT;
        continue;
      }
      if (fields.dayMatches(date)) {
        Optional<ZonedDateTime> found = firstTimeOnDay(date, from, after, rules, zone);
        if (found.isPresent()) {
          return found;
        }
      }
      date = date.plusDays(1);
      from = LocalTime.MIDNIGHT;
    }
    return Optional.empty();
  }

  private Optional<ZonedDateTime> firstTimeOnDay(LocalDate date, LocalTime from, ZonedDateTime after,
                                                 ZoneRules rules, ZoneId zone) {
    for (int hour = fields.hours().nextSetBit(from.getHour()); hour >= 0; hour = fields.hours().nextSetBit(hour + 1)) {
      int firstMinute = hour == from.getHour() ? from.getMinute() : 0;
      for (int minute = fields.minutes().nextSetBit(firstMinute); minute >= 0;
           minute = fields.minutes().nextSetBit(minute + 1)) {
        ZonedDateTime candidate = resolve(LocalDateTime.of(date, LocalTime.of(hour, minute)), rules, zone);
        if (candidate.isAfter(after)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Wall-clock time to instant. Overlaps take the earlier offset; gaps map to the transition instant. Both choices
   * keep the mapping monotonic, which is what lets {@link #next} scan wall-clock times in order.
   */
  private static ZonedDateTime resolve(LocalDateTime local, ZoneRules rules, ZoneId zone) {
    if (rules.getValidOffsets(local).isEmpty()) {
      ZoneOffsetTransition gap = rules.getTransition(local);
      return gap.getInstant().atZone(zone);
    }
    return ZonedDateTime.ofLocal(local, zone, null);
  }

  /** The normalized expression, as given to {@link #parse} (macros are kept as written). */
  @Override
  public String toString() {
    return fields.text();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CronSpec that && fields.text().equals(that.fields.text());
  }

  @Override
  public int hashCode() {
    return fields.text().hashCode();
  }
}
