package io.mezzo.metronome;

import io.mezzo.metronome.launch.RunLauncher;
import io.mezzo.metronome.launch.TaskUpdate;
import io.mezzo.metronome.launch.TaskUpdate.Kind;
import io.mezzo.metronome.model.JobSpec;
import io.mezzo.metronome.schedule.JobRun;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An in-memory launcher for tests: records every hand-over and kill, and reports task updates when the test says
 * so ({@link #start}, {@link #succeed}, {@link #fail}), or at once in {@link #autoSucceed} mode.
 */
public final class LocalRunLauncher implements RunLauncher {

  private volatile Function<TaskUpdate, Future<Void>> sink = u -> Future.succeededFuture();
  private final Map<String, JobRun> queued = new ConcurrentHashMap<>();
  /** Every run handed over, one entry per launch call, across leaderships. */
  public final List<String> launches = new CopyOnWriteArrayList<>();
  public final List<String> kills = new CopyOnWriteArrayList<>();
  /** Task ids the leader asked to kill as strays. */
  public final List<String> strays = new CopyOnWriteArrayList<>();
  private volatile boolean autoSucceed;

  public LocalRunLauncher autoSucceed() {
    autoSucceed = true;
    return this;
  }

  @Override
  public void bind(Function<TaskUpdate, Future<Void>> sink) {
    this.sink = sink;
  }

  @Override
  public Future<Void> launch(JobRun run, JobSpec job) {
    queued.put(run.id(), run);
    launches.add(run.id());
    if (autoSucceed) {
      report(run, Kind.LAUNCHED, Kind.RUNNING, Kind.FINISHED);
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> kill(JobRun run) {
    kills.add(run.id());
    queued.remove(run.id());
    return Future.succeededFuture();
  }

  @Override
  public void killStray(TaskUpdate update) {
    strays.add(update.taskId());
  }

  /** Reports a task of the run's attempt running, as a late or resent Mesos update would. */
  public Future<Void> reportRunning(String jobId, String runId, int attempt, String taskId) {
    return sink.apply(new TaskUpdate(jobId, runId, attempt, Kind.RUNNING, null, taskId, "TASK_RUNNING", "agent-1"));
  }

  @Override
  public void reset() {
    queued.clear();
  }

  /** The task of a queued run was launched and runs: the run becomes ACTIVE. */
  public void start(String runId) {
    report(queuedRun(runId), Kind.LAUNCHED, Kind.RUNNING);
  }

  public void succeed(String runId) {
    report(queuedRun(runId), Kind.FINISHED);
    queued.remove(runId);
  }

  public void fail(String runId) {
    report(queuedRun(runId), Kind.FAILED);
    queued.remove(runId);
  }

  public boolean isQueued(String runId) {
    return queued.containsKey(runId);
  }

  private JobRun queuedRun(String runId) {
    JobRun run = queued.get(runId);
    if (run == null) {
      throw new IllegalStateException("Run '" + runId + "' was not handed to this launcher");
    }
    return run;
  }

  private void report(JobRun run, Kind... kinds) {
    for (Kind kind : kinds) {
      sink.apply(new TaskUpdate(run.jobId(), run.id(), run.attempt(), kind, kind == Kind.FAILED ? "exit 1" : null));
    }
  }
}
