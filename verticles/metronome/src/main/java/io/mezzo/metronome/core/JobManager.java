package io.mezzo.metronome.core;

import io.mezzo.metronome.launch.RunLauncher;
import io.mezzo.metronome.launch.TaskUpdate;
import io.mezzo.metronome.launch.Upcoming;
import io.mezzo.metronome.model.JobSpec;
import io.mezzo.metronome.model.Problem;
import io.mezzo.metronome.model.ScheduleSpec;
import io.mezzo.metronome.model.Validator;
import io.mezzo.metronome.schedule.Decision;
import io.mezzo.metronome.schedule.DependencyTrigger;
import io.mezzo.metronome.schedule.JobRun;
import io.mezzo.metronome.schedule.JobRunTask;
import io.mezzo.metronome.schedule.RunIds;
import io.mezzo.metronome.schedule.RunLifecycle;
import io.mezzo.metronome.schedule.RunStatus;
import io.mezzo.metronome.schedule.ScheduleState;
import io.mezzo.metronome.schedule.Scheduler;
import io.mezzo.metronome.store.Batch;
import io.mezzo.metronome.store.JobHistory;
import io.mezzo.metronome.store.MetronomeStore;
import io.mezzo.metronome.store.StoredJob;
import io.mezzo.metronome.store.StoredSchedule;
import io.mezzo.state.StoreConflictException;
import io.mezzo.state.Versioned;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

/**
 * The leader's job state and every command on it. One instance per leadership, confined to the verticle's event
 * loop. Commands run one after another (each waits for the previous one's ZooKeeper writes), so the versions it
 * caches are current unless another process wrote; such a {@link StoreConflictException} fails the command with
 * 409 and the next {@link #tick} reloads everything from ZooKeeper.
 *
 * <p>Write order is what makes failover safe: a scheduled run is stored before its schedule's cursor moves past
 * its fire time; a finished run is added to the history before its live node is deleted. A crash between the two
 * leaves a state the next leader reads correctly ({@link Scheduler} passes over fire times whose run exists, and
 * {@link #recover} drops live runs already in history).
 */
public final class JobManager {
  private static final Logger LOG = Logger.getLogger(JobManager.class.getName());

  private final MetronomeStore store;
  private final RunLauncher launcher;
  private final Clock clock;
  private final int historyCount;
  private final RandomGenerator random;
  private final Scheduler scheduler;
  private final RunLifecycle lifecycle;
  private final Map<String, JobEntry> jobs = new TreeMap<>();
  /** {@code runId#attempt} of the attempts handed to the launcher during this leadership. */
  private final Set<String> handed = new HashSet<>();
  /** Next fire time per schedule ({@code jobId NUL scheduleId}), valid while the stored schedule is the same. */
  private final Map<String, NextFire> nextFires = new HashMap<>();
  private final Counters counters = new Counters();
  private final java.util.ArrayDeque<Runnable> pending = new java.util.ArrayDeque<>();
  /** Launcher reports for the next round ({@link #onUpdate}). */
  private final List<PendingUpdate> updates = new ArrayList<>();
  private boolean busy;
  private boolean draining;
  private boolean stale;
  private boolean closed;

  public JobManager(MetronomeStore store, RunLauncher launcher, Clock clock, int historyCount,
                    RandomGenerator random, RunLifecycle lifecycle) {
    this.store = store;
    this.launcher = launcher;
    this.clock = clock;
    this.historyCount = historyCount;
    this.random = random;
    this.scheduler = new Scheduler(clock);
    this.lifecycle = lifecycle;
  }

  /** Counts since this instance was created, for {@code /v1/metrics}. */
  public static final class Counters {
    public long runsCreated;
    public long runsSucceeded;
    public long runsFailed;
    public long firesSkipped;
  }

  public Counters counters() {
    return counters;
  }

  // ---- reads (event loop, from the cached state) --------------------------------------------------

  public Collection<JobEntry> jobs() {
    return jobs.values();
  }

  public JobEntry require(String jobId) {
    JobEntry entry = jobs.get(jobId);
    if (entry == null) {
      throw Failures.jobNotFound(jobId);
    }
    return entry;
  }

  public Instant now() {
    return clock.instant();
  }

  /** Every live run of every job. */
  public List<JobRun> liveRuns() {
    return jobs.values().stream().flatMap(e -> e.liveRuns().stream()).toList();
  }

  // ---- lifecycle ----------------------------------------------------------------------------------

  /** Loads everything from ZooKeeper, replacing the cached state. */
  public Future<Void> recover() {
    return serial(this::reload);
  }

  /** Stops taking commands; those queued fail with 503. */
  public void close() {
    closed = true;
  }

  private Future<Void> reload() {
    return store.load().compose(loaded -> {
      jobs.clear();
      handed.clear();
      launcher.reset();
      stale = false;
      List<Future<?>> cleanups = new ArrayList<>();
      for (StoredJob stored : loaded) {
        JobEntry entry = JobEntry.of(stored);
        jobs.put(entry.id(), entry);
        for (Versioned<JobRun> run : List.copyOf(entry.runs.values())) {
          if (entry.history().contains(run.value().id())) {
            // finished and recorded, but the live node outlived a crash
            entry.runs.remove(run.value().id());
            cleanups.add(store.deleteRun(run.value(), run.version()));
          }
        }
      }
      LOG.info("Loaded " + jobs.size() + " jobs from ZooKeeper");
      return Future.join(cleanups).<Void>mapEmpty().otherwiseEmpty();
    });
  }

  // ---- jobs ---------------------------------------------------------------------------------------

  public Future<JobEntry> createJob(JobSpec spec, List<ScheduleSpec> schedules) {
    return serial(() -> {
      if (jobs.containsKey(spec.id())) {
        throw Failures.conflict("Job with this id already exists");
      }
      checkDependencies(spec, schedules);
      Instant now = clock.instant();
      return store.createJob(spec)
          .recover(e -> Future.failedFuture(e instanceof StoreConflictException
              ? Failures.conflict("Job with this id already exists") : e))
          .compose(version -> {
            JobEntry entry = new JobEntry(new Versioned<>(spec, version));
            jobs.put(spec.id(), entry);
            return sequence(schedules, s -> putSchedule(entry, new StoredSchedule(s, now), -1)).map(entry);
          });
    });
  }

  /**
   * Replaces a job's spec; with {@code schedules} present (the v0 API) its schedules become exactly those,
   * keeping the cursors of schedules that stay.
   */
  public Future<JobEntry> replaceJob(JobSpec spec, Optional<List<ScheduleSpec>> schedules) {
    return serial(() -> {
      JobEntry entry = require(spec.id());
      List<ScheduleSpec> after = schedules.orElseGet(() -> entry.schedules().stream()
          .map(StoredSchedule::schedule).toList());
      checkDependencies(spec, after);
      Instant now = clock.instant();
      return store.replaceJob(spec, entry.spec.version()).compose(version -> {
        entry.spec = new Versioned<>(spec, version);
        if (schedules.isEmpty()) {
          return Future.succeededFuture(entry);
        }
        Set<String> keep = new HashSet<>();
        after.forEach(s -> keep.add(s.id()));
        List<String> gone = entry.schedules.keySet().stream().filter(id -> !keep.contains(id)).toList();
        return sequence(gone, id -> dropSchedule(entry, id))
            .compose(v -> sequence(after, s -> {
              Versioned<StoredSchedule> old = entry.schedules.get(s.id());
              return old == null ? putSchedule(entry, new StoredSchedule(s, now), -1)
                  : putSchedule(entry, kept(old.value(), s, now), old.version());
            }))
            .map(entry);
      });
    });
  }

  public Future<JobEntry> deleteJob(String jobId, boolean stopCurrentJobRuns) {
    return serial(() -> {
      JobEntry entry = require(jobId);
      if (!entry.runs.isEmpty() && !stopCurrentJobRuns) {
        throw Failures.conflict("There are active job runs. Override with stopCurrentJobRuns=true");
      }
      List<JobRun> live = entry.liveRuns();
      return Future.join(live.stream().map(launcher::kill).toList()).otherwiseEmpty()
          .compose(v -> store.deleteJob(jobId, entry.spec.version()))
          .map(v -> {
            jobs.remove(jobId);
            live.forEach(r -> handed.remove(key(r)));
            return entry;
          });
    });
  }

  private void checkDependencies(JobSpec spec, List<ScheduleSpec> schedules) {
    List<Problem> problems = new ArrayList<>(Validator.validate(spec, schedules));
    for (int i = 0; i < spec.dependencies().size(); i++) {
      String dep = spec.dependencies().get(i).id();
      if (dep != null && !dep.equals(spec.id()) && !jobs.containsKey(dep)) {
        problems.add(new Problem("/dependencies/" + i + "/id", List.of("Job '" + dep + "' does not exist")));
      }
    }
    if (problems.isEmpty() && dependsOn(spec.dependencies(), spec.id(), new HashSet<>())) {
      problems.add(new Problem("/dependencies", List.of("dependencies form a cycle through '" + spec.id() + "'")));
    }
    if (!problems.isEmpty()) {
      throw Failures.notValid(problems);
    }
  }

  /** Whether {@code target} is reachable from {@code dependencies} through the stored jobs' dependencies. */
  private boolean dependsOn(List<JobSpec.JobDependency> dependencies, String target, Set<String> seen) {
    for (JobSpec.JobDependency dependency : dependencies) {
      String id = dependency.id();
      if (id.equals(target)) {
        return true;
      }
      JobEntry next = jobs.get(id);
      if (seen.add(id) && next != null && dependsOn(next.spec().dependencies(), target, seen)) {
        return true;
      }
    }
    return false;
  }

  // ---- schedules ----------------------------------------------------------------------------------

  public Future<StoredSchedule> addSchedule(String jobId, ScheduleSpec spec) {
    return serial(() -> {
      JobEntry entry = require(jobId);
      if (entry.schedules.containsKey(spec.id())) {
        throw Failures.conflict("Schedule with this id already exists");
      }
      List<ScheduleSpec> after = new ArrayList<>(entry.schedules().stream().map(StoredSchedule::schedule).toList());
      after.add(spec);
      checkDependencies(entry.spec(), after);
      return putSchedule(entry, new StoredSchedule(spec, clock.instant()), -1);
    });
  }

  public Future<StoredSchedule> replaceSchedule(String jobId, ScheduleSpec spec) {
    return serial(() -> {
      JobEntry entry = require(jobId);
      Versioned<StoredSchedule> old = entry.schedules.get(spec.id());
      if (old == null) {
        throw Failures.scheduleNotFound(jobId, spec.id());
      }
      return putSchedule(entry, kept(old.value(), spec, clock.instant()), old.version());
    });
  }

  /**
   * A replaced schedule keeps its cursor, except that one being enabled again starts from now: a disabled
   * schedule's cursor does not move, and the disabled period is not replayed.
   */
  private static StoredSchedule kept(StoredSchedule old, ScheduleSpec spec, Instant now) {
    boolean resumed = !old.schedule().enabled() && spec.enabled();
    Instant cursor = resumed && now.isAfter(old.decidedUntil()) ? now : old.decidedUntil();
    return new StoredSchedule(spec, cursor);
  }

  public Future<StoredSchedule> deleteSchedule(String jobId, String scheduleId) {
    return serial(() -> {
      JobEntry entry = require(jobId);
      Versioned<StoredSchedule> old = entry.schedules.get(scheduleId);
      if (old == null) {
        throw Failures.scheduleNotFound(jobId, scheduleId);
      }
      return dropSchedule(entry, scheduleId).map(old.value());
    });
  }

  private Future<StoredSchedule> putSchedule(JobEntry entry, StoredSchedule schedule, int version) {
    Future<Integer> write = version < 0 ? store.createSchedule(entry.id(), schedule)
        : store.replaceSchedule(entry.id(), schedule, version);
    return write.map(v -> {
      entry.schedules.put(schedule.schedule().id(), new Versioned<>(schedule, v));
      return schedule;
    });
  }

  private Future<Void> dropSchedule(JobEntry entry, String scheduleId) {
    Versioned<StoredSchedule> old = entry.schedules.get(scheduleId);
    return store.deleteSchedule(entry.id(), scheduleId, old.version())
        .map(v -> {
          entry.schedules.remove(scheduleId);
          return null;
        });
  }

  // ---- runs ---------------------------------------------------------------------------------------

  /**
   * Starts a run now (status INITIAL) and hands it to the launcher. As in Metronome since #353, a job with a
   * {@code FORBID} schedule refuses a manual run while one of its runs is live (409).
   */
  public Future<JobRun> startRun(String jobId) {
    return serial(() -> {
      JobEntry entry = require(jobId);
      boolean forbid = entry.schedules().stream()
          .anyMatch(s -> ScheduleSpec.ConcurrencyPolicy.FORBID.name().equals(s.schedule().concurrencyPolicy()));
      if (forbid && !entry.runs.isEmpty()) {
        throw Failures.conflict("Concurrent JobRun not allowed " + jobId);
      }
      Instant now = clock.instant();
      JobRun run = JobRun.manual(RunIds.manual(now, random), jobId, now);
      return createRun(entry, run).map(v -> {
        launch(entry, run, now);
        return run;
      });
    });
  }

  /** Stops a live run: its task is killed and it is recorded as FAILED. */
  public Future<JobRun> stopRun(String jobId, String runId) {
    return serial(() -> {
      JobEntry entry = require(jobId);
      Versioned<JobRun> live = entry.runs.get(runId);
      if (live == null) {
        if (entry.run(runId).isPresent()) {
          throw Failures.conflict("Run '" + runId + "' of job '" + jobId + "' has already finished");
        }
        throw Failures.runNotFound(jobId, runId);
      }
      JobRun stopped = lifecycle.stopped(live.value(), clock.instant());
      return launcher.kill(live.value()).otherwiseEmpty()
          .compose(v -> finish(entry, stopped, live.version()))
          .map(stopped);
    });
  }

  private Future<Void> createRun(JobEntry entry, JobRun run) {
    return store.createRun(run).map(version -> {
      entry.runs.put(run.id(), new Versioned<>(run, version));
      counters.runsCreated++;
      return null;
    });
  }

  /** Records a finished run: its history entry and the deletion of its live node, in one atomic write. */
  private Future<Void> finish(JobEntry entry, JobRun run, int runVersion) {
    JobHistory next = entry.history().record(run, historyCount);
    Batch batch = new Batch().add(store.historyOp(entry.id(), next, entry.history.version()))
        .add(store.deleteRunOp(run, runVersion));
    return store.commit(List.of(batch)).get(0).map(result -> {
      entry.history = new Versioned<>(next, result.version(0));
      finished(entry, run);
      return null;
    });
  }

  private void finished(JobEntry entry, JobRun run) {
    if (run.status() == RunStatus.SUCCESS) {
      counters.runsSucceeded++;
    } else {
      counters.runsFailed++;
    }
    entry.runs.remove(run.id());
    handed.remove(key(run));
  }

  private void launch(JobEntry entry, JobRun run, Instant now) {
    if (!lifecycle.launchable(run, now) || !handed.add(key(run))) {
      return;
    }
    launcher.launch(run, entry.spec()).onFailure(e -> {
      LOG.warning("Launcher refused run '" + run.id() + "' of job '" + run.jobId() + "': " + e.getMessage());
      handed.remove(key(run));
    });
  }

  private static String key(JobRun run) {
    return run.id() + "#" + run.attempt();
  }

  /** A launcher report waiting for the next round of updates. */
  private record PendingUpdate(TaskUpdate update, Promise<Void> stored) {
  }

  /**
   * Applies a launcher's report; reports that no longer match the run's state are ignored (and succeed). Fails
   * only when the result could not be stored, so that the launcher does not acknowledge it.
   *
   * <p>Reports are applied in rounds: every report that arrives while a command runs joins the next round, which
   * applies them in arrival order to the cached runs and then writes each job's changed runs, finished runs and
   * history as one atomic batch ({@link MetronomeStore#commit}). A round of thousands of updates is a few
   * ZooKeeper requests, and two reports of the same run in one round (TASK_STARTING and TASK_RUNNING) are one write.
   * STARTING itself is not written (see {@link #applyUpdates}); ACTIVE, a restart and the end of a run are.
   */
  public Future<Void> onUpdate(TaskUpdate update) {
    Promise<Void> stored = Promise.promise();
    boolean first = updates.isEmpty();
    updates.add(new PendingUpdate(update, stored));
    if (first) {
      serial(this::applyUpdates).onFailure(e -> {
        // not applied at all (leadership lost): not acknowledged, Mesos sends them again to the next leader
        List<PendingUpdate> dropped = List.copyOf(updates);
        updates.clear();
        dropped.forEach(u -> u.stored().tryFail(e));
      });
    }
    return stored.future();
  }

  /** What one round of updates does to one job. */
  private static final class JobChanges {
    final JobEntry entry;
    final Map<String, JobRun> runs = new LinkedHashMap<>();
    final List<Promise<Void>> waiting = new ArrayList<>();

    JobChanges(JobEntry entry) {
      this.entry = entry;
    }

    JobRun current(Versioned<JobRun> live) {
      return runs.getOrDefault(live.value().id(), live.value());
    }
  }

  private Future<Void> applyUpdates() {
    List<PendingUpdate> round = List.copyOf(updates);
    updates.clear();
    Instant now = clock.instant();
    Map<String, JobChanges> changes = new LinkedHashMap<>();
    for (PendingUpdate pending : round) {
      TaskUpdate update = pending.update();
      JobEntry entry = jobs.get(update.jobId());
      Versioned<JobRun> live = entry == null ? null : entry.runs.get(update.runId());
      if (live == null || live.value().attempt() > update.attempt()) {
        if (!update.kind().terminal() && update.taskId() != null) {
          LOG.info("Killing task '" + update.taskId() + "': it belongs to no live run attempt");
          launcher.killStray(update);
        }
        pending.stored().complete();
        continue;
      }
      JobChanges job = changes.computeIfAbsent(entry.id(), id -> new JobChanges(entry));
      JobRun run = job.current(live);
      JobRun next = next(entry, run, update, now);
      if (next != run) {
        job.runs.put(run.id(), next);
      }
      job.waiting.add(pending.stored());
    }
    List<Batch> batches = new ArrayList<>();
    List<Consumer<Batch.Result>> appliers = new ArrayList<>();
    List<JobChanges> order = new ArrayList<>();
    for (JobChanges job : changes.values()) {
      JobEntry entry = job.entry;
      Batch batch = new Batch();
      JobHistory history = entry.history();
      Map<Integer, JobRun> replaced = new HashMap<>();
      List<JobRun> ended = new ArrayList<>();
      for (JobRun next : job.runs.values()) {
        Versioned<JobRun> live = entry.runs.get(next.id());
        if (next.equals(live.value())) {
          continue;
        }
        if (next.status().isFinal()) {
          history = history.record(next, historyCount);
          batch.add(store.deleteRunOp(next, live.version()));
          ended.add(next);
        } else if (next.status() == RunStatus.STARTING) {
          // kept in memory only: a successor finds the run INITIAL and learns of its task by reconciliation
          // before launching anything, so writing it would only double the writes of every launch
          entry.runs.put(next.id(), new Versioned<>(next, live.version()));
        } else {
          replaced.put(batch.ops().size(), next);
          batch.add(store.replaceRunOp(next, live.version()));
        }
      }
      if (batch.isEmpty()) {
        job.waiting.forEach(Promise::complete);
        continue;
      }
      int historyOp = -1;
      JobHistory recorded = history;
      if (!ended.isEmpty()) {
        historyOp = batch.ops().size();
        batch.add(store.historyOp(entry.id(), history, entry.history.version()));
      }
      int historyAt = historyOp;
      batches.add(batch);
      order.add(job);
      appliers.add(result -> {
        replaced.forEach((op, next) -> {
          Versioned<JobRun> before = entry.runs.get(next.id());
          entry.runs.put(next.id(), new Versioned<>(next, result.version(op)));
          if (before != null && next.attempt() != before.value().attempt()) {
            handed.remove(key(before.value()));
          }
        });
        if (historyAt >= 0) {
          entry.history = new Versioned<>(recorded, result.version(historyAt));
        }
        ended.forEach(run -> finished(entry, run));
      });
    }
    if (batches.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<Batch.Result>> written = store.commit(batches);
    List<Future<Batch.Result>> all = new ArrayList<>();
    for (int i = 0; i < written.size(); i++) {
      JobChanges job = order.get(i);
      Consumer<Batch.Result> apply = appliers.get(i);
      all.add(written.get(i).onComplete(ar -> {
        if (ar.succeeded()) {
          apply.accept(ar.result());
          job.waiting.forEach(Promise::complete);
        } else {
          conflicted(ar.cause());
          job.waiting.forEach(p -> p.fail(ar.cause()));
        }
      }));
    }
    return Future.join(all).<Void>mapEmpty().otherwiseEmpty();
  }

  /** The run after {@code update}; the same instance when the update does not apply. */
  private JobRun next(JobEntry entry, JobRun run, TaskUpdate update, Instant now) {
    if (run.attempt() != update.attempt() || run.status().isFinal()) {
      return run;
    }
    if (run.status() == RunStatus.INITIAL) {
      // a failure of a task this run never launched (a reconciliation answer "unknown") changes nothing
      if (!lifecycle.launchable(run, now) || update.kind() == TaskUpdate.Kind.FAILED) {
        return run;
      }
      run = lifecycle.launched(run, now);
    }
    run = withTask(run, update, now);
    return switch (update.kind()) {
      case LAUNCHED -> run;
      case RUNNING -> lifecycle.taskRunning(run);
      case FINISHED -> lifecycle.taskFinished(run, now);
      case FAILED -> lifecycle.taskFailed(run, entry.spec().run(), now, update.message());
    };
  }

  /** Records the task's state in the run's {@code tasks}; updates without a task id leave it alone. */
  private static JobRun withTask(JobRun run, TaskUpdate update, Instant now) {
    if (update.taskId() == null) {
      return run;
    }
    JobRunTask task = run.task(update.taskId())
        .orElse(new JobRunTask(update.taskId(), update.state(), now, null, update.agentId()));
    JobRunTask next = task.updated(update.state(), update.kind().terminal(), now, update.agentId());
    return next.equals(task) && run.task(update.taskId()).isPresent() ? run : run.withTask(next);
  }

  /** A write lost to another writer: the next tick reloads everything. */
  private void conflicted(Throwable e) {
    if (e instanceof StoreConflictException) {
      if (!stale) {
        LOG.warning("Another writer changed Metronome state: " + e.getMessage() + "; reloading");
      }
      stale = true;
    } else {
      LOG.warning("Writing run updates failed: " + e);
    }
  }

  // ---- the scheduler loop -------------------------------------------------------------------------

  /**
   * One round of the leader's loop: reload if a write conflicted, fail runs past their launch deadline, decide
   * the schedules (storing new runs, then the cursors) and hand runs whose backoff has passed to the launcher.
   */
  public Future<Void> tick() {
    return serial(() -> (stale ? reload() : Future.<Void>succeededFuture())
        .compose(v -> expire())
        .compose(v -> decide())
        .compose(v -> triggerDependents())
        .map(v -> {
          Instant now = clock.instant();
          launcher.upcoming(earliestFire());
          for (JobEntry entry : jobs.values()) {
            entry.liveRuns().forEach(run -> launch(entry, run, now));
          }
          return null;
        }));
  }

  private Future<Void> expire() {
    Instant now = clock.instant();
    List<Supplier<Future<Void>>> steps = new ArrayList<>();
    for (JobEntry entry : jobs.values()) {
      for (Versioned<JobRun> live : entry.runs.values()) {
        JobRun next = lifecycle.expire(live.value(), entry.spec().run(), now);
        if (next != live.value()) {
          LOG.info("Run '" + next.id() + "' of job '" + next.jobId() + "' failed: " + next.reason());
          steps.add(() -> launcher.kill(live.value()).otherwiseEmpty().compose(v -> finish(entry, next, live.version())));
        }
      }
    }
    return sequence(steps, Supplier::get);
  }

  /**
   * Decides the schedules that have a fire time due: stores the new runs (one atomic batch per job, with a check
   * that the job is unchanged), hands the stored runs to the launcher together once every batch is written, and
   * only then moves the cursors. Schedules with nothing due are not looked at beyond their cached next fire time.
   */
  private Future<Void> decide() {
    Instant now = clock.instant();
    List<ScheduleState> states = new ArrayList<>();
    List<JobRun> known = new ArrayList<>();
    for (JobEntry entry : jobs.values()) {
      boolean due = false;
      for (Versioned<StoredSchedule> stored : entry.schedules.values()) {
        Instant next = nextFire(entry.id(), stored.value());
        if (next != null && !next.isAfter(now)) {
          StoredSchedule s = stored.value();
          states.add(new ScheduleState(entry.id(), s.schedule(), s.decidedUntil()));
          due = true;
        }
      }
      if (due) {
        known.addAll(entry.liveRuns());
        known.addAll(entry.history().runs());
      }
    }
    if (states.isEmpty()) {
      return Future.succeededFuture();
    }
    Decision decision = scheduler.decide(states, known);
    for (Decision.Skip skip : decision.skipped()) {
      counters.firesSkipped++;
      LOG.info("Skipped " + skip.key().scheduledAt() + " of schedule '" + skip.scheduleId() + "' of job '"
          + skip.key().jobId() + "': " + skip.reason());
    }
    Map<String, List<JobRun>> starts = new LinkedHashMap<>();
    for (Decision.Start start : decision.starts()) {
      starts.computeIfAbsent(start.key().jobId(), k -> new ArrayList<>()).add(JobRun.scheduled(start.key(), now));
    }
    List<Batch> batches = new ArrayList<>();
    List<JobEntry> owners = new ArrayList<>();
    starts.forEach((jobId, runs) -> {
      JobEntry entry = jobs.get(jobId);
      Batch batch = new Batch().add(store.checkJobOp(jobId, entry.spec.version()));
      runs.forEach(run -> batch.add(store.createRunOp(run)));
      batches.add(batch);
      owners.add(entry);
    });
    List<Future<Batch.Result>> written = store.commit(batches);
    List<Future<Batch.Result>> creates = new ArrayList<>();
    List<Runnable> launches = new ArrayList<>();
    for (int i = 0; i < written.size(); i++) {
      JobEntry entry = owners.get(i);
      List<JobRun> runs = starts.get(entry.id());
      creates.add(written.get(i).onSuccess(result -> runs.forEach(run -> {
        entry.runs.put(run.id(), new Versioned<>(run, 0));
        counters.runsCreated++;
        launches.add(() -> launch(entry, run, now));
      })));
    }
    // handed over once stored (the stored run is what keeps its fire time from starting twice), all together so
    // that the launcher places them in one pass over its offers
    Future.join(creates).onComplete(ar -> launches.forEach(Runnable::run));
    // runs first, cursors only once every run is stored
    return Future.all(creates).compose(v -> {
      List<Batch> cursors = new ArrayList<>();
      List<Consumer<Batch.Result>> moves = new ArrayList<>();
      for (ScheduleState state : decision.schedules()) {
        JobEntry entry = jobs.get(state.jobId());
        Versioned<StoredSchedule> old = entry == null ? null : entry.schedules.get(state.spec().id());
        if (old != null && !old.value().decidedUntil().equals(state.decidedUntil())) {
          StoredSchedule next = old.value().withDecidedUntil(state.decidedUntil());
          cursors.add(new Batch().add(store.replaceScheduleOp(entry.id(), next, old.version())));
          moves.add(r -> entry.schedules.put(next.schedule().id(), new Versioned<>(next, r.version(0))));
        }
      }
      List<Future<Batch.Result>> cursorWrites = store.commit(cursors);
      List<Future<Batch.Result>> applied = new ArrayList<>();
      for (int i = 0; i < cursorWrites.size(); i++) {
        applied.add(cursorWrites.get(i).onSuccess(moves.get(i)::accept));
      }
      return Future.all(applied).mapEmpty();
    });
  }

  /** The schedule's next fire time after its cursor, computed once per cursor and spec; null if none. */
  private Instant nextFire(String jobId, StoredSchedule schedule) {
    if (!schedule.schedule().enabled()) {
      return null;
    }
    String key = jobId + '\u0000' + schedule.schedule().id();
    NextFire cached = nextFires.get(key);
    if (cached == null || cached.basis() != schedule) {
      cached = new NextFire(schedule, schedule.schedule().nextFireAfter(schedule.decidedUntil()));
      nextFires.put(key, cached);
    }
    return cached.at();
  }

  private record NextFire(StoredSchedule basis, Instant at) {
  }

  /** The earliest fire time of any enabled schedule after its cursor and the jobs due then. */
  private Optional<Upcoming> earliestFire() {
    Instant earliest = null;
    List<JobSpec> due = new ArrayList<>();
    for (JobEntry entry : jobs.values()) {
      for (Versioned<StoredSchedule> stored : entry.schedules.values()) {
        Instant next = nextFire(entry.id(), stored.value());
        if (next == null || earliest != null && next.isAfter(earliest)) {
          continue;
        }
        if (earliest == null || next.isBefore(earliest)) {
          earliest = next;
          due.clear();
        }
        due.add(entry.spec());
      }
    }
    return earliest == null ? Optional.empty() : Optional.of(new Upcoming(earliest, due));
  }

  /** Creates the runs of jobs whose dependencies succeeded since their newest run ({@link DependencyTrigger}). */
  private Future<Void> triggerDependents() {
    Instant now = clock.instant();
    List<Future<Void>> creates = new ArrayList<>();
    for (JobEntry entry : jobs.values()) {
      List<String> dependencies = entry.spec().dependencies().stream().map(JobSpec.JobDependency::id).toList();
      if (dependencies.isEmpty()) {
        continue;
      }
      Map<String, JobRun> latest = new HashMap<>();
      for (String dependency : dependencies) {
        JobEntry parent = jobs.get(dependency);
        if (parent != null) {
          parent.history().latest().ifPresent(r -> latest.put(dependency, r));
        }
      }
      List<JobRun> own = new ArrayList<>(entry.liveRuns());
      own.addAll(entry.history().runs());
      DependencyTrigger.due(entry.id(), dependencies, latest, own, now).ifPresent(run -> {
        LOG.info("Starting run '" + run.id() + "' of job '" + entry.id() + "': every dependency succeeded");
        creates.add(createRun(entry, run).onSuccess(v -> launch(entry, run, now)));
      });
    }
    return Future.all(creates).mapEmpty();
  }

  // ---- plumbing -----------------------------------------------------------------------------------

  /**
   * Runs {@code op} after every command queued before it; a write conflict marks the cache stale. The queue is
   * drained by a loop rather than by chaining futures, so thousands of commands that complete at once (status
   * updates that change nothing) do not recurse.
   */
  private <T> Future<T> serial(Supplier<Future<T>> op) {
    Promise<T> result = Promise.promise();
    pending.add(() -> {
      Future<T> f;
      if (closed) {
        f = Future.failedFuture(Failures.unavailable("Leadership was lost; retry against the new leader"));
      } else {
        try {
          f = op.get();
        } catch (RuntimeException e) {
          f = Future.failedFuture(e);
        }
      }
      f.recover(e -> {
        if (e instanceof StoreConflictException conflict) {
          stale = true;
          LOG.warning("Another writer changed Metronome state: " + conflict.getMessage() + "; reloading");
          return Future.failedFuture(Failures.conflict("The state was changed concurrently, please retry"));
        }
        return Future.failedFuture(e);
      }).onComplete(ar -> {
        busy = false;
        result.handle(ar);
        drain();
      });
    });
    drain();
    return result.future();
  }

  private void drain() {
    if (draining) {
      return;
    }
    draining = true;
    try {
      while (!busy && !pending.isEmpty()) {
        busy = true;
        pending.poll().run();
      }
    } finally {
      draining = false;
    }
  }

  private static <T, R> Future<Void> sequence(Collection<T> items, java.util.function.Function<T, Future<R>> step) {
    Future<Void> chain = Future.succeededFuture();
    for (T item : List.copyOf(items)) {
      chain = chain.compose(v -> step.apply(item).mapEmpty());
    }
    return chain;
  }
}
