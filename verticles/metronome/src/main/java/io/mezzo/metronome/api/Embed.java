package io.mezzo.metronome.api;

import io.mezzo.common.http.ApiException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The {@code embed} query values of the job endpoints; repeatable and comma-separable. */
public enum Embed {
  ACTIVE_RUNS("activeRuns"), SCHEDULES("schedules"), HISTORY("history"), HISTORY_SUMMARY("historySummary");

  private final String param;

  Embed(String param) {
    this.param = param;
  }

  public String param() {
    return param;
  }

  /** Parses every value; an unknown one is a 400 naming the allowed values. */
  public static Set<Embed> parse(List<String> values) {
    Set<Embed> out = EnumSet.noneOf(Embed.class);
    for (String value : values) {
      for (String part : value.split(",")) {
        String name = part.strip();
        if (name.isEmpty()) {
          continue;
        }
        out.add(find(name));
      }
    }
    return out;
  }

  private static Embed find(String name) {
    for (Embed e : values()) {
      if (e.param.equals(name)) {
        return e;
      }
    }
    throw new ApiException(400, "Unknown embed '" + name + "': use activeRuns, schedules, history or historySummary");
  }
}
