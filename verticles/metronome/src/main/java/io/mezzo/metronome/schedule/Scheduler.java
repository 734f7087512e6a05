package io.mezzo.metronome.schedule;

import io.mezzo.metronome.cron.CronSpec;
import io.mezzo.metronome.model.ScheduleSpec;
import io.mezzo.metronome.model.ScheduleSpec.ConcurrencyPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides which scheduled runs start now. Pure: it reads the schedules (with their persisted cursors), the known
 * runs and the clock, and returns a {@link Decision}; it keeps no state between calls and is thread-safe.
 *
 * <p>For each enabled schedule it walks the fire times after the cursor up to now, oldest first:
 * <ol>
 *   <li>a fire time whose {@link ScheduledRunKey} already belongs to a known run is passed over (it was started,
 *       possibly by a previous leader that crashed before persisting its cursor);</li>
 *   <li>one older than {@code startingDeadlineSeconds} is skipped as {@link Decision.Reason#MISSED_DEADLINE};</li>
 *   <li>under FORBID, one found while a run of the job is live (including a run started earlier in this walk)
 *       is skipped as {@link Decision.Reason#CONCURRENCY_FORBIDDEN};</li>
 *   <li>otherwise it is started. Under ALLOW every fire time still inside its deadline starts, so a leader that
 *       takes over after an outage catches up exactly the runs the old leader would have started.</li>
 * </ol>
 * The cursor moves to the last fire time walked. A disabled schedule starts nothing and its cursor moves to now,
 * so enabling it again does not replay the disabled period. At most {@value #MAX_LISTED_MISSES} missed fire times
 * are listed per schedule and call; older ones are passed over silently.
 */
public final class Scheduler {

  public static final int MAX_LISTED_MISSES = 100;

  private final Clock clock;

  public Scheduler(Clock clock) {
    this.clock = clock;
  }

  /**
   * @param schedules validated schedules with their cursors
   * @param runs      the live runs and the finished runs still in history; their triggers are the fire times
   *                  already taken, their statuses drive FORBID
   */
  public Decision decide(Collection<ScheduleState> schedules, Collection<JobRun> runs) {
    Instant now = clock.instant();
    Set<ScheduledRunKey> taken = new HashSet<>();
    Set<String> liveJobs = new HashSet<>();
    for (JobRun run : runs) {
      if (run.trigger() != null) {
        taken.add(run.trigger());
      }
      if (!run.status().isFinal()) {
        liveJobs.add(run.jobId());
      }
    }
    List<Decision.Start> starts = new ArrayList<>();
    List<Decision.Skip> skipped = new ArrayList<>();
    List<ScheduleState> advanced = new ArrayList<>();
    for (ScheduleState state : schedules) {
      advanced.add(walk(state, now, taken, liveJobs, starts, skipped));
    }
    return new Decision(starts, skipped, advanced);
  }

  private static ScheduleState walk(ScheduleState state, Instant now, Set<ScheduledRunKey> taken,
                                    Set<String> liveJobs, List<Decision.Start> starts, List<Decision.Skip> skipped) {
    ScheduleSpec spec = state.spec();
    if (!spec.enabled()) {
      return now.isAfter(state.decidedUntil()) ? state.withDecidedUntil(now) : state;
    }
    CronSpec cron = spec.cronSpec();
    ZoneId zone = spec.zone();
    Instant oldestStartable = now.minus(Duration.ofSeconds(spec.startingDeadlineSeconds()));
    boolean forbid = spec.policy() == ConcurrencyPolicy.FORBID;
    String jobId = state.jobId();
    Instant cursor = state.decidedUntil();
    int misses = 0;
    while (true) {
      Optional<Instant> next = cron.next(cursor.atZone(zone)).map(ZonedDateTime::toInstant);
      if (next.isEmpty() || next.get().isAfter(now)) {
        break;
      }
      Instant fire = next.get();
      ScheduledRunKey key = new ScheduledRunKey(jobId, fire);
      if (fire.isBefore(oldestStartable)) {
        if (!taken.contains(key) && ++misses <= MAX_LISTED_MISSES) {
          skipped.add(new Decision.Skip(key, spec.id(), Decision.Reason.MISSED_DEADLINE));
        } else if (misses > MAX_LISTED_MISSES) {
          cursor = oldestStartable.minusNanos(1);
          continue;
        }
      } else if (!taken.contains(key)) {
        if (forbid && liveJobs.contains(jobId)) {
          skipped.add(new Decision.Skip(key, spec.id(), Decision.Reason.CONCURRENCY_FORBIDDEN));
        } else {
          starts.add(new Decision.Start(key, spec.id()));
          taken.add(key);
          liveJobs.add(jobId);
        }
      }
      cursor = fire;
    }
    return state.withDecidedUntil(cursor.isAfter(state.decidedUntil()) ? cursor : state.decidedUntil());
  }
}
