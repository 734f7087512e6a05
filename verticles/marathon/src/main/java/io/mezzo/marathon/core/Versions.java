package io.mezzo.marathon.core;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Marathon's version timestamps: ISO-8601 UTC with milliseconds, strictly increasing per leader. */
public final class Versions {

  private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);

  private final Clock clock;
  private Instant last = Instant.EPOCH;

  public Versions(Clock clock) {
    this.clock = clock;
  }

  public static String format(Instant instant) {
    return FORMAT.format(instant);
  }

  /** Remembers a version read from the store so later versions sort after it. */
  public void observe(String version) {
    if (version != null) {
      try {
        Instant seen = Instant.parse(version);
        if (seen.isAfter(last)) {
          last = seen;
        }
      } catch (java.time.format.DateTimeParseException e) {
        // not one of ours; ignore
      }
    }
  }

  /** A version after every version handed out or observed, normally now. */
  public String next() {
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    if (!now.isAfter(last)) {
      now = last.plusMillis(1);
    }
    last = now;
    return format(now);
  }

  public String now() {
    return format(clock.instant());
  }
}
