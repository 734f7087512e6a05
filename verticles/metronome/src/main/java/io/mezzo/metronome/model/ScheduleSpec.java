package io.mezzo.metronome.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mezzo.metronome.cron.CronSpec;
import java.time.Instant;
import java.time.ZoneId;

/**
 * A schedule of a job, as Metronome's {@code /v1/jobs/{id}/schedules} accepts it, with Metronome's defaults.
 *
 * @param timezone                IANA zone the cron is read in (default {@code UTC})
 * @param startingDeadlineSeconds how late a fire time may still start (default 900, at least 60)
 * @param concurrencyPolicy       {@code ALLOW} (default) or {@code FORBID}: skip a fire time while any run of the
 *                                job is active
 * @param nextRunAt               computed by the API layer on output; ignored on input
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleSpec(String id, String cron, String timezone, Integer startingDeadlineSeconds,
                           String concurrencyPolicy, Boolean enabled, Instant nextRunAt) {

  public static final String DEFAULT_TIMEZONE = "UTC";
  public static final int DEFAULT_STARTING_DEADLINE_SECONDS = 900;
  public static final int MIN_STARTING_DEADLINE_SECONDS = 60;

  public enum ConcurrencyPolicy { ALLOW, FORBID }

  public ScheduleSpec {
    timezone = timezone == null ? DEFAULT_TIMEZONE : timezone;
    startingDeadlineSeconds = startingDeadlineSeconds == null
        ? DEFAULT_STARTING_DEADLINE_SECONDS : startingDeadlineSeconds;
    concurrencyPolicy = concurrencyPolicy == null ? ConcurrencyPolicy.ALLOW.name() : concurrencyPolicy;
    enabled = enabled == null ? Boolean.TRUE : enabled;
  }

  /** A schedule with every optional field at its default. */
  public static ScheduleSpec of(String id, String cron) {
    return new ScheduleSpec(id, cron, null, null, null, null, null);
  }

  public ScheduleSpec withNextRunAt(Instant next) {
    return new ScheduleSpec(id, cron, timezone, startingDeadlineSeconds, concurrencyPolicy, enabled, next);
  }

  /** The parsed cron; call only on a validated spec. */
  public CronSpec cronSpec() {
    return CronSpec.parse(cron);
  }

  /** The zone; call only on a validated spec. */
  public ZoneId zone() {
    return ZoneId.of(timezone);
  }

  /** The policy; call only on a validated spec. */
  public ConcurrencyPolicy policy() {
    return ConcurrencyPolicy.valueOf(concurrencyPolicy);
  }

  /** The next fire time strictly after {@code after}, for {@code nextRunAt}; null when there is none. */
  public Instant nextFireAfter(Instant after) {
    return cronSpec().next(after.atZone(zone())).map(t -> t.toInstant()).orElse(null);
  }
}
