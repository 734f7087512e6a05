package io.mezzo.metronome.launch;

import io.mezzo.metronome.model.JobSpec;
import io.mezzo.metronome.schedule.JobRun;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Function;

/**
 * The port through which the leader gets runs onto the cluster: {@code impl.MesosRunLauncher} in production
 * (framework {@code metronome} on the Mesos master), an in-memory one in tests.
 *
 * <p>Contract: {@link #launch} hands over one attempt of an INITIAL run; the launcher keeps it queued until it
 * can place the task and then reports {@link TaskUpdate.Kind#LAUNCHED}, {@code RUNNING}, and a final
 * {@code FINISHED} or {@code FAILED} through the sink given to {@link #bind}. The leader hands an attempt over at
 * most once per leadership; a new leader hands over again every attempt still INITIAL, so a launcher must treat a
 * second {@code launch} of the same run and attempt as a no-op, and must not start a task that it learns (by
 * reconciliation) is already there. Updates may be delivered on any thread and more than once; the leader applies
 * them on its event loop and ignores those that no longer apply. The future the sink returns completes once the
 * update is stored (or found not to apply); only then may the launcher acknowledge it to Mesos.
 *
 * <p>Leadership: {@link #elected} is called once the new leader has loaded its state, with every live run;
 * {@link #revoked} when leadership is lost. Both are no-ops for launchers without a connection.
 */
public interface RunLauncher {

  /** Sets where task updates go; called once by the verticle, on its context, before the first {@link #launch}. */
  void bind(Function<TaskUpdate, Future<Void>> sink);

  /**
   * This instance leads, with these live runs (INITIAL, STARTING, ACTIVE) loaded from the store: connect and
   * reconcile their tasks before launching anything.
   */
  default void elected(Collection<JobRun> liveRuns) {
  }

  /** Leadership is lost: disconnect without killing anything. */
  default void revoked() {
  }

  /**
   * The earliest fire time of any enabled schedule and the jobs due then (empty: none), told after every scheduler
   * round, so that a launcher can have resources at hand when it comes. A hint only: runs are still handed over by
   * {@link #launch}.
   */
  default void upcoming(Optional<Upcoming> next) {
  }

  /** Queues the run's current attempt for launching. The future fails only if the launcher refuses it. */
  Future<Void> launch(JobRun run, JobSpec job);

  /** Kills the run's task if there is one, or drops it from the queue; a no-op for an unknown run. */
  Future<Void> kill(JobRun run);

  /**
   * A task reported alive ({@code update} is LAUNCHED or RUNNING) belongs to no live run attempt: its run finished,
   * was stopped or deleted, or it is an older attempt (a KILL that was lost while disconnected). Kill it.
   */
  default void killStray(TaskUpdate update) {
  }

  /** Forgets every queued run, e.g. when leadership is lost; running tasks are left alone. */
  void reset();

  /** Accepts runs and never launches them: they wait in {@code /v1/queue} until their launch deadline. */
  RunLauncher QUEUE_ONLY = new RunLauncher() {
    @Override
    public void bind(Function<TaskUpdate, Future<Void>> sink) {
    }

    @Override
    public Future<Void> launch(JobRun run, JobSpec job) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> kill(JobRun run) {
      return Future.succeededFuture();
    }

    @Override
    public void reset() {
    }
  };
}
