package io.mezzo.metronome.core;

import io.mezzo.metronome.model.JobSpec;
import io.mezzo.metronome.schedule.JobRun;
import io.mezzo.metronome.store.JobHistory;
import io.mezzo.metronome.store.StoredJob;
import io.mezzo.metronome.store.StoredSchedule;
import io.mezzo.state.Versioned;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The leader's copy of one job's stored state with the ZooKeeper versions for the next writes. Lives on the
 * verticle's event loop; only {@link JobManager} changes it, and only after the matching write succeeded.
 */
public final class JobEntry {
  Versioned<JobSpec> spec;
  final Map<String, Versioned<StoredSchedule>> schedules = new TreeMap<>();
  final Map<String, Versioned<JobRun>> runs = new TreeMap<>();
  Versioned<JobHistory> history;

  JobEntry(Versioned<JobSpec> spec) {
    this.spec = spec;
    this.history = new Versioned<>(JobHistory.EMPTY, -1);
  }

  static JobEntry of(StoredJob stored) {
    JobEntry entry = new JobEntry(stored.spec());
    entry.schedules.putAll(stored.schedules());
    entry.runs.putAll(stored.runs());
    entry.history = stored.history();
    return entry;
  }

  public String id() {
    return spec.value().id();
  }

  public JobSpec spec() {
    return spec.value();
  }

  /** The schedules in id order. */
  public List<StoredSchedule> schedules() {
    return schedules.values().stream().map(Versioned::value).toList();
  }

  public Optional<StoredSchedule> schedule(String id) {
    return Optional.ofNullable(schedules.get(id)).map(Versioned::value);
  }

  /** Runs not yet finished (INITIAL, STARTING, ACTIVE), oldest first. */
  public List<JobRun> liveRuns() {
    return runs.values().stream().map(Versioned::value).toList();
  }

  public JobHistory history() {
    return history.value();
  }

  /** A live run, or a finished one still in history. */
  public Optional<JobRun> run(String runId) {
    Versioned<JobRun> live = runs.get(runId);
    if (live != null) {
      return Optional.of(live.value());
    }
    return history.value().runs().stream().filter(r -> r.id().equals(runId)).findFirst();
  }
}
