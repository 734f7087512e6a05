package io.mezzo.metronome.cron;

import java.time.LocalDate;
import java.util.BitSet;
import java.util.List;

/**
 * The parsed day-of-week field: plain days (0 = Sunday .. 6 = Saturday) plus {@code d#n} and {@code dL} terms.
 *
 * @param days         plain days of the week, Sunday = 0
 * @param nth          {@code 5#3} is stored as {@code {5, 3}}: the third Friday
 * @param lastOf       {@code 5L} is stored as 5: the last Friday of the month
 * @param unrestricted the field starts with {@code *} or {@code ?}
 */
record DayOfWeekRule(BitSet days, List<int[]> nth, List<Integer> lastOf, boolean unrestricted) {

  boolean matches(LocalDate date) {
    int dow = date.getDayOfWeek().getValue() % 7;
    if (days.get(dow)) {
      return true;
    }
    int day = date.getDayOfMonth();
    for (int[] term : nth) {
      if (term[0] == dow && (day - 1) / 7 + 1 == term[1]) {
        return true;
      }
    }
    return lastOf.contains(dow) && day + 7 > date.lengthOfMonth();
  }
}
