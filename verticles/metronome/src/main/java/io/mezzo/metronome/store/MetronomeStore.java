package io.mezzo.metronome.store;

import io.mezzo.metronome.model.JobSpec;
import io.mezzo.metronome.model.MetronomeJson;
import io.mezzo.metronome.schedule.JobRun;
import io.mezzo.state.Versioned;
import io.mezzo.state.ZkStore;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Metronome's state in ZooKeeper, one JSON node per thing:
 *
 * <pre>
 *   {root}/leader/...                        leader latch
 *   {root}/jobs/{jobId}                      JobSpec
 *   {root}/jobs/{jobId}/schedules/{id}       StoredSchedule (spec + cursor)
 *   {root}/jobs/{jobId}/runs/{runId}         JobRun, while live (INITIAL, STARTING, ACTIVE)
 *   {root}/jobs/{jobId}/history              JobHistory (finished runs, newest first)
 *   {root}/framework-id                      the Mesos framework id (plain text), reused by every leader
 * </pre>
 *
 * Every write is a compare-and-set on the version the caller last read ({@link ZkStore}), or a create that fails if
 * the node exists, so a deposed leader's late write fails with {@code StoreConflictException} instead of
 * overwriting its successor's. Futures complete on the caller's context.
 */
public final class MetronomeStore {
  private static final Logger LOG = Logger.getLogger(MetronomeStore.class.getName());

  private final ZkStore zk;
  private final String root;

  public MetronomeStore(ZkStore zk, String root) {
    this.zk = zk;
    this.root = root;
  }

  public String leaderPath() {
    return root + "/leader";
  }

  String jobPath(String jobId) {
    return root + "/jobs/" + jobId;
  }

  String schedulePath(String jobId, String scheduleId) {
    return jobPath(jobId) + "/schedules/" + scheduleId;
  }

  String runPath(String jobId, String runId) {
    return jobPath(jobId) + "/runs/" + runId;
  }

  String historyPath(String jobId) {
    return jobPath(jobId) + "/history";
  }

  /** Reads every job with its schedules, live runs and history. */
  public Future<List<StoredJob>> load() {
    return zk.children(root + "/jobs").compose(ids -> {
      List<Future<Optional<StoredJob>>> jobs = ids.stream().map(this::loadJob).toList();
      return Future.all(jobs).map(v -> jobs.stream().map(Future::result).flatMap(Optional::stream).toList());
    });
  }

  private Future<Optional<StoredJob>> loadJob(String jobId) {
    Future<Optional<Versioned<JobSpec>>> spec = read(jobPath(jobId), MetronomeJson::readJob);
    Future<Map<String, Versioned<StoredSchedule>>> schedules =
        readAll(jobPath(jobId) + "/schedules", json -> MetronomeJson.read(json, StoredSchedule.class));
    Future<Map<String, Versioned<JobRun>>> runs =
        readAll(jobPath(jobId) + "/runs", json -> MetronomeJson.read(json, JobRun.class));
    Future<Optional<Versioned<JobHistory>>> history =
        read(historyPath(jobId), json -> MetronomeJson.read(json, JobHistory.class));
    return Future.all(spec, schedules, runs, history).map(v -> {
      if (spec.result().isEmpty()) {
        // a node left behind by a half-finished delete: children but no spec
        return Optional.empty();
      }
      return Optional.of(new StoredJob(spec.result().get(), schedules.result(), runs.result(),
          history.result().orElse(new Versioned<>(JobHistory.EMPTY, -1))));
    });
  }

  private <T> Future<Optional<Versioned<T>>> read(String path, Function<String, T> parse) {
    return zk.get(path).map(found -> found.flatMap(v -> {
      if (v.value() == null || v.value().length == 0) {
        return Optional.empty();
      }
      return Optional.of(new Versioned<>(parse.apply(new String(v.value(), StandardCharsets.UTF_8)), v.version()));
    }));
  }

  private <T> Future<Map<String, Versioned<T>>> readAll(String parent, Function<String, T> parse) {
    return zk.children(parent).compose(names -> {
      List<Future<Optional<Versioned<T>>>> reads = new ArrayList<>();
      names.forEach(n -> reads.add(read(parent + "/" + n, parse)));
      return Future.all(reads).map(v -> {
        Map<String, Versioned<T>> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
          Optional<Versioned<T>> value = reads.get(i).result();
          if (value.isPresent()) {
            out.put(names.get(i), value.get());
          } else {
            LOG.warning("Ignoring empty node '" + parent + "/" + names.get(i) + "'");
          }
        }
        return out;
      });
    });
  }

  public Future<Integer> createJob(JobSpec spec) {
    return zk.create(jobPath(spec.id()), bytes(spec));
  }

  public Future<Integer> replaceJob(JobSpec spec, int version) {
    return zk.compareAndSet(jobPath(spec.id()), bytes(spec), version);
  }

  /** Deletes the job with everything below it. */
  public Future<Boolean> deleteJob(String jobId, int version) {
    return zk.delete(jobPath(jobId), version);
  }

  public Future<Integer> createSchedule(String jobId, StoredSchedule schedule) {
    return zk.create(schedulePath(jobId, schedule.schedule().id()), bytes(schedule));
  }

  public Future<Integer> replaceSchedule(String jobId, StoredSchedule schedule, int version) {
    return zk.compareAndSet(schedulePath(jobId, schedule.schedule().id()), bytes(schedule), version);
  }

  public Future<Boolean> deleteSchedule(String jobId, String scheduleId, int version) {
    return zk.delete(schedulePath(jobId, scheduleId), version);
  }

  public Future<Integer> createRun(JobRun run) {
    return zk.create(runPath(run.jobId(), run.id()), bytes(run));
  }

  public Future<Integer> replaceRun(JobRun run, int version) {
    return zk.compareAndSet(runPath(run.jobId(), run.id()), bytes(run), version);
  }

  public Future<Boolean> deleteRun(JobRun run, int version) {
    return zk.delete(runPath(run.jobId(), run.id()), version);
  }

  /** Writes the history; {@code version} -1 creates the node. */
  public Future<Integer> writeHistory(String jobId, JobHistory history, int version) {
    return version < 0 ? zk.create(historyPath(jobId), bytes(history))
        : zk.compareAndSet(historyPath(jobId), bytes(history), version);
  }

  /** The Mesos framework id the first leader got, if one was stored. */
  public Future<Optional<String>> frameworkId() {
    return zk.get(root + "/framework-id").map(found -> found.map(Versioned::value)
        .filter(b -> b != null && b.length > 0).map(b -> new String(b, StandardCharsets.UTF_8)));
  }

  /** Stores the framework id, replacing any other. */
  public Future<Void> saveFrameworkId(String id) {
    String path = root + "/framework-id";
    byte[] data = id.getBytes(StandardCharsets.UTF_8);
    return zk.get(path).compose(found -> found.isEmpty() ? zk.create(path, data)
        : zk.compareAndSet(path, data, found.get().version())).mapEmpty();
  }

  private static byte[] bytes(Object value) {
    return MetronomeJson.write(value).getBytes(StandardCharsets.UTF_8);
  }
}
