package io.mezzo.metronome.cron;

import java.time.LocalDate;
import java.util.BitSet;

/** The parsed form of an expression; {@code years} is null when the optional year field is absent. */
record CronFields(String text, BitSet minutes, BitSet hours, DayOfMonthRule dayOfMonth, BitSet months,
                  DayOfWeekRule dayOfWeek, BitSet years) {

  boolean yearMatches(int year) {
    return years == null || years.get(year);
  }

  /**
   * Cron's day rule: when both day fields are restricted (neither starts with {@code *} or {@code ?}) a day
   * matches if either matches; otherwise both must match (an unrestricted field matches every day).
   */
  boolean dayMatches(LocalDate date) {
    if (!dayOfMonth.unrestricted() && !dayOfWeek.unrestricted()) {
      return dayOfMonth.matches(date) || dayOfWeek.matches(date);
    }
    return dayOfMonth.matches(date) && dayOfWeek.matches(date);
  }
}
