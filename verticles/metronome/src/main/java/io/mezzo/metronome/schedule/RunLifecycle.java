package io.mezzo.metronome.schedule;

import io.mezzo.metronome.model.JobRunSpec;
import io.mezzo.metronome.model.JobRunSpec.RestartSpec;
import java.time.Duration;
import java.time.Instant;

/**
 * The run state machine. Each method returns the successor of a run; the caller persists it.
 *
 * <pre>
 *   INITIAL --launched--> STARTING --taskRunning--> ACTIVE --taskFinished--> SUCCESS
 *      ^                      |                        |
 *      |                      +------taskFailed--------+--> FAILED (NEVER, or restart deadline passed)
 *      +-- ON_FAILURE restart, after {@link Backoff}, while inside restart.activeDeadlineSeconds
 *   INITIAL/STARTING not running within run.maxLaunchDelay of the attempt start --expire--> FAILED
 *   any live state --stopped--> FAILED
 * </pre>
 *
 * <p>Mesos delivers status updates at least once and out of order, so an update that does not apply to the
 * current state (a second TASK_RUNNING, anything after a final state) returns the run unchanged. Only launching a
 * run that is not waiting to launch is a caller bug and throws {@link IllegalStateException}. Stateless.
 */
public final class RunLifecycle {

  private final Backoff backoff;

  public RunLifecycle(Backoff backoff) {
    this.backoff = backoff;
  }

  /** Whether the run waits for a launch and its backoff has passed. */
  public boolean launchable(JobRun run, Instant now) {
    return run.status() == RunStatus.INITIAL && !now.isBefore(run.launchNotBefore());
  }

  public JobRun launched(JobRun run, Instant now) {
    if (!launchable(run, now)) {
      throw new IllegalStateException("Run '" + run.id() + "' of job '" + run.jobId() + "' cannot be launched in "
          + run.status() + (run.status() == RunStatus.INITIAL ? " before " + run.launchNotBefore() : ""));
    }
    return run.with(RunStatus.STARTING);
  }

  public JobRun taskRunning(JobRun run) {
    return run.status() == RunStatus.STARTING ? run.with(RunStatus.ACTIVE) : run;
  }

  public JobRun taskFinished(JobRun run, Instant now) {
    return isLaunched(run) ? run.finished(RunStatus.SUCCESS, now, null) : run;
  }

  /** A failed, lost or killed task: restart under ON_FAILURE while inside the restart deadline, else FAILED. */
  public JobRun taskFailed(JobRun run, JobRunSpec spec, Instant now, String why) {
    if (!isLaunched(run)) {
      return run;
    }
    RestartSpec restart = spec.restart();
    boolean restartable = restart.restartPolicy() == RestartSpec.Policy.ON_FAILURE
        && (restart.activeDeadlineSeconds() == null
            || now.isBefore(run.createdAt().plusSeconds(restart.activeDeadlineSeconds())));
    if (!restartable) {
      return run.finished(RunStatus.FAILED, now, why);
    }
    return run.retry(now, now.plus(backoff.after(run.attempt())));
  }

  /** Fails a run that has waited longer than {@code maxLaunchDelay} for its current attempt to run. */
  public JobRun expire(JobRun run, JobRunSpec spec, Instant now) {
    boolean waiting = run.status() == RunStatus.INITIAL || run.status() == RunStatus.STARTING;
    Instant deadline = run.attemptStartedAt().plus(Duration.ofSeconds(spec.maxLaunchDelay()));
    if (waiting && now.isAfter(deadline)) {
      return run.finished(RunStatus.FAILED, now, "not running within maxLaunchDelay of "
          + spec.maxLaunchDelay() + " s");
    }
    return run;
  }

  /** A user stop: Metronome reports stopped runs as FAILED. */
  public JobRun stopped(JobRun run, Instant now) {
    return run.status().isFinal() ? run : run.finished(RunStatus.FAILED, now, "stopped by user");
  }

  private static boolean isLaunched(JobRun run) {
    return run.status() == RunStatus.STARTING || run.status() == RunStatus.ACTIVE;
  }
}
