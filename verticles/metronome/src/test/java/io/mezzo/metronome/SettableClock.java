package io.mezzo.metronome;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that only moves when a test moves it; safe to share between threads. */
public final class SettableClock extends Clock {

  private volatile Instant now;

  public SettableClock(Instant start) {
    this.now = start;
  }

  public static SettableClock at(String isoInstant) {
    return new SettableClock(Instant.parse(isoInstant));
  }

  public void set(Instant instant) {
    now = instant;
  }

  public void set(String isoInstant) {
    now = Instant.parse(isoInstant);
  }

  public synchronized void advance(Duration by) {
    now = now.plus(by);
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("SettableClock is UTC only");
  }
}
