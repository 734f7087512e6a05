package io.mezzo.metronome.cron;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns the text of a cron expression into field sets; every failure is a {@link CronException}. */
final class CronParser {

  static final int MIN_YEAR = 1970;
  static final int MAX_YEAR = 2099;

  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  private static final Map<String, String> MACROS = Map.of(
      "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *",
      "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");

  /** One cron field: its name in messages, its bounds, and its optional names (index + offset = value). */
  private record Field(String name, int min, int max, List<String> names, int nameOffset) {
    static final Field MINUTE = new Field("minute", 0, 59, List.of(), 0);
    static final Field HOUR = new Field("hour", 0, 23, List.of(), 0);
    static final Field DAY_OF_MONTH = new Field("day-of-month", 1, 31, List.of(), 0);
    static final Field MONTH = new Field("month", 1, 12, MONTHS, 1);
    static final Field DAY_OF_WEEK = new Field("day-of-week", 0, 7, DAYS, 0);
    static final Field YEAR = new Field("year", MIN_YEAR, MAX_YEAR, List.of(), 0);
  }

  private final String expression;

  private CronParser(String expression) {
    this.expression = expression;
  }

  static CronFields parse(String expression) {
    if (expression == null) {
      throw new CronException("null", "expression is missing");
    }
    String normalized = expression.trim().replaceAll("\\s+", " ");
    CronParser parser = new CronParser(normalized);
    if (normalized.isEmpty()) {
      throw parser.fail("expression is empty");
    }
    String expanded = normalized.startsWith("@")
        ? MACROS.get(normalized.toLowerCase(Locale.ROOT)) : normalized;
    if (expanded == null) {
      throw parser.fail("unknown macro " + normalized + ", expected one of @yearly @annually @monthly @weekly"
          + " @daily @midnight @hourly");
    }
    return parser.fields(expanded.split(" "), normalized);
  }

  private CronFields fields(String[] parts, String normalized) {
    if (parts.length != 5 && parts.length != 6) {
      throw fail("expected 5 or 6 fields (minute hour day-of-month month day-of-week [year]) but got "
          + parts.length);
    }
    BitSet minutes = plain(parts[0], Field.MINUTE);
    BitSet hours = plain(parts[1], Field.HOUR);
    DayOfMonthRule dom = dayOfMonth(parts[2]);
    BitSet months = plain(parts[3], Field.MONTH);
    DayOfWeekRule dow = dayOfWeek(parts[4]);
    BitSet years = parts.length == 6 ? plain(parts[5], Field.YEAR) : null;
    return new CronFields(normalized, minutes, hours, dom, months, dow, years);
  }

  private BitSet plain(String text, Field field) {
    BitSet set = new BitSet();
    for (String element : elements(text, field)) {
      addElement(element, field, set);
    }
    return set;
  }

  private DayOfMonthRule dayOfMonth(String text) {
    Field field = Field.DAY_OF_MONTH;
    BitSet days = new BitSet();
    List<Integer> lastOffsets = new ArrayList<>();
    List<Integer> nearWeekdays = new ArrayList<>();
    boolean lastWeekday = false;
    for (String element : elements(text, field)) {
      String upper = element.toUpperCase(Locale.ROOT);
      if (upper.equals("LW")) {
        lastWeekday = true;
      } else if (upper.equals("L")) {
        lastOffsets.add(0);
      } else if (upper.startsWith("L-")) {
        lastOffsets.add(bounded(number(upper.substring(2), field, element), 0, 30, field.name + " offset"));
      } else if (upper.endsWith("W")) {
        String day = upper.substring(0, upper.length() - 1);
        if (day.isEmpty()) {
          throw fail(field.name + " 'W' needs a day, as in 15W");
        }
        nearWeekdays.add(value(day, field));
      } else {
        addElement(element, field, days);
      }
    }
    return new DayOfMonthRule(days, List.copyOf(lastOffsets), List.copyOf(nearWeekdays), lastWeekday,
        unrestricted(text));
  }

  private DayOfWeekRule dayOfWeek(String text) {
    Field field = Field.DAY_OF_WEEK;
    BitSet days = new BitSet();
    List<int[]> nth = new ArrayList<>();
    List<Integer> lastOf = new ArrayList<>();
    for (String element : elements(text, field)) {
      String upper = element.toUpperCase(Locale.ROOT);
      int hash = upper.indexOf('#');
      if (hash >= 0) {
        int day = value(upper.substring(0, hash), field) % 7;
        int occurrence = bounded(number(upper.substring(hash + 1), field, element), 1, 5,
            field.name + " occurrence");
        nth.add(new int[] {day, occurrence});
      } else if (upper.length() > 1 && upper.endsWith("L")) {
        lastOf.add(value(upper.substring(0, upper.length() - 1), field) % 7);
      } else if (upper.equals("L")) {
        throw fail(field.name + " 'L' needs a day, as in 5L for the last Friday");
      } else {
        addElement(element, field, days);
      }
    }
    if (days.get(7)) {
      days.clear(7);
      days.set(0);
    }
    return new DayOfWeekRule(days, List.copyOf(nth), List.copyOf(lastOf), unrestricted(text));
  }

  private static boolean unrestricted(String text) {
    return text.startsWith("*") || text.startsWith("?");
  }

  private String[] elements(String text, Field field) {
    String[] elements = text.split(",", -1);
    for (String element : elements) {
      if (element.isEmpty()) {
        throw fail("empty element in " + field.name + " list '" + text + "'");
      }
    }
    return elements;
  }

  /** Adds one of {@code *}, {@code ?}, {@code v}, {@code a-b}, each optionally followed by {@code /step}. */
  private void addElement(String element, Field field, BitSet set) {
    int slash = element.indexOf('/');
    String range = slash >= 0 ? element.substring(0, slash) : element;
    int step = 1;
    if (slash >= 0) {
      step = number(element.substring(slash + 1), field, element);
      if (step < 1) {
        throw fail(field.name + " step in '" + element + "' must be at least 1");
      }
    }
    int from;
    int to;
    if (range.equals("*") || range.equals("?")) {
      if (range.equals("?") && field != Field.DAY_OF_MONTH && field != Field.DAY_OF_WEEK) {
        throw fail("'?' is only allowed in day-of-month and day-of-week, not in " + field.name);
      }
      from = field.min;
      to = field == Field.DAY_OF_WEEK ? 6 : field.max;
    } else {
      int dash = range.indexOf('-', 1);
      from = value(dash >= 0 ? range.substring(0, dash) : range, field);
      to = dash >= 0 ? value(range.substring(dash + 1), field) : (slash >= 0 ? field.max : from);
      if (from > to) {
        throw fail(field.name + " range " + range + " is backwards, write the smaller value first");
      }
    }
    for (int v = from; v <= to; v += step) {
      set.set(v);
    }
  }

  /** A single value: a number or a name, checked against the field's bounds. */
  private int value(String text, Field field) {
    int index = field.names.indexOf(text.toUpperCase(Locale.ROOT));
    if (index >= 0) {
      return index + field.nameOffset;
    }
    return bounded(number(text, field, text), field.min, field.max, field.name);
  }

  private int number(String text, Field field, String element) {
    if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      String kind = field.names.isEmpty() ? "a number" : "a number or name";
      throw fail(field.name + " '" + element + "' is not " + kind);
    }
    return Integer.parseInt(text);
  }

  private int bounded(int value, int min, int max, String what) {
    if (value < min || value > max) {
      throw fail(what + " " + value + " is outside " + min + "-" + max);
    }
    return value;
  }

  private CronException fail(String problem) {
    return new CronException(expression, problem);
  }
}
