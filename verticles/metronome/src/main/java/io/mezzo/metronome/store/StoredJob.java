package io.mezzo.metronome.store;

import io.mezzo.metronome.model.JobSpec;
import io.mezzo.metronome.schedule.JobRun;
import io.mezzo.state.Versioned;
import java.util.Map;

/**
 * Everything kept in ZooKeeper for one job, each part with the version to pass to its next compare-and-set.
 *
 * @param history version -1 when the job has no history node yet
 */
public record StoredJob(Versioned<JobSpec> spec, Map<String, Versioned<StoredSchedule>> schedules,
                        Map<String, Versioned<JobRun>> runs, Versioned<JobHistory> history) {
}
