package io.mezzo.metronome.launch;

import io.mezzo.metronome.model.JobSpec;
import java.time.Instant;
import java.util.List;

/**
 * The earliest next fire time of any enabled schedule and the jobs whose schedules fire then (one entry per
 * schedule), as the leader sees them after a scheduler round.
 */
public record Upcoming(Instant at, List<JobSpec> jobs) {

  public Upcoming {
    jobs = List.copyOf(jobs);
  }
}
