package io.mezzo.metronome.cron;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.BitSet;
import java.util.List;

/**
 * The parsed day-of-month field: plain days plus the {@code L}, {@code L-n}, {@code nW} and {@code LW} terms.
 *
 * @param days          plain days 1-31
 * @param lastOffsets   {@code L} is offset 0, {@code L-3} is offset 3
 * @param nearWeekdays  the {@code n} of each {@code nW} term
 * @param lastWeekday   whether {@code LW} is present
 * @param unrestricted  the field starts with {@code *} or {@code ?} (see the OR rule in {@link CronSpec})
 */
record DayOfMonthRule(BitSet days, List<Integer> lastOffsets, List<Integer> nearWeekdays, boolean lastWeekday,
                      boolean unrestricted) {

  boolean matches(LocalDate date) {
    int day = date.getDayOfMonth();
    if (days.get(day)) {
      return true;
    }
    int length = date.lengthOfMonth();
    for (int offset : lastOffsets) {
      if (day == length - offset) {
        return true;
      }
    }
    for (int target : nearWeekdays) {
      if (target <= length && day == nearestWeekday(date.withDayOfMonth(target))) {
        return true;
      }
    }
    return lastWeekday && day == nearestWeekday(date.withDayOfMonth(length));
  }

  /** The weekday closest to {@code target} without leaving its month (Quartz semantics). */
  private static int nearestWeekday(LocalDate target) {
    int day = target.getDayOfMonth();
    int length = target.lengthOfMonth();
    DayOfWeek dow = target.getDayOfWeek();
    if (dow == DayOfWeek.SATURDAY) {
      return day > 1 ? day - 1 : day + 2;
    }
    if (dow == DayOfWeek.SUNDAY) {
      return day < length ? day + 1 : day - 2;
    }
    return day;
  }
}
