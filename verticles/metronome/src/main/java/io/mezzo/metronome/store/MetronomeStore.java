package io.mezzo.metronome.store;

import io.mezzo.metronome.model.JobSpec;
import io.mezzo.metronome.model.MetronomeJson;
import io.mezzo.metronome.schedule.JobRun;
import io.mezzo.state.StoreConflictException;
import io.mezzo.state.Versioned;
import io.mezzo.state.ZkStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;

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

  /** Creates the job's node and its (persistent) {@code runs} node, into which batches create runs. */
  public Future<Integer> createJob(JobSpec spec) {
    return zk.create(jobPath(spec.id()), bytes(spec)).compose(version -> {
      Batch runs = new Batch().add(new Batch.Op(Batch.Kind.CREATE, jobPath(spec.id()) + "/runs", new byte[0], -1));
      return commit(List.of(runs)).get(0).map(version);
    });
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

  /** Creates a live run; fails with a conflict if it exists or the job is gone. */
  public Future<Integer> createRun(JobRun run) {
    Batch batch = new Batch().add(createRunOp(run));
    return commit(List.of(batch)).get(0).map(r -> 0);
  }

  // ---- batched writes -----------------------------------------------------------------------------

  /** Asserts the job's spec is still at {@code version}: a batch with it fails once the job was replaced or deleted. */
  public Batch.Op checkJobOp(String jobId, int version) {
    return new Batch.Op(Batch.Kind.CHECK, jobPath(jobId), null, version);
  }

  public Batch.Op createRunOp(JobRun run) {
    return new Batch.Op(Batch.Kind.CREATE, runPath(run.jobId(), run.id()), bytes(run), -1);
  }

  public Batch.Op replaceRunOp(JobRun run, int version) {
    return new Batch.Op(Batch.Kind.SET, runPath(run.jobId(), run.id()), bytes(run), version);
  }

  public Batch.Op deleteRunOp(JobRun run, int version) {
    return new Batch.Op(Batch.Kind.DELETE, runPath(run.jobId(), run.id()), null, version);
  }

  /** Writes the history; {@code version} -1 creates the node. */
  public Batch.Op historyOp(String jobId, JobHistory history, int version) {
    return new Batch.Op(version < 0 ? Batch.Kind.CREATE : Batch.Kind.SET, historyPath(jobId), bytes(history), version);
  }

  public Batch.Op replaceScheduleOp(String jobId, StoredSchedule schedule, int version) {
    return new Batch.Op(Batch.Kind.SET, schedulePath(jobId, schedule.schedule().id()), bytes(schedule), version);
  }

  /**
   * Writes the batches, each all or nothing. Consecutive batches are packed into one ZooKeeper multi-op of at most
   * {@value #MAX_OPS} ops and about {@value #MAX_BYTES} bytes (a larger batch goes alone), and at most
   * {@value #PARALLEL} multi-ops are outstanding, so thousands of run writes cost tens of requests instead of
   * thousands. Returns one future per batch, in order; a multi-op that fails fails every batch packed into it,
   * with {@link StoreConflictException} when a version or existence check failed. On a Vert.x context the writes
   * run on worker threads and the futures complete on the context; elsewhere (tools, tests) they block the caller.
   */
  public List<Future<Batch.Result>> commit(List<Batch> batches) {
    Context context = Vertx.currentContext();
    List<Future<Batch.Result>> results = new ArrayList<>();
    List<Batch> chunk = new ArrayList<>();
    int ops = 0;
    int size = 0;
    for (Batch batch : batches) {
      if (batch.isEmpty()) {
        results.add(Future.succeededFuture(new Batch.Result(List.of())));
        continue;
      }
      int batchSize = batch.size();
      if (!chunk.isEmpty() && (ops + batch.ops().size() > MAX_OPS || size + batchSize > MAX_BYTES)) {
        results.addAll(submit(context, chunk));
        chunk = new ArrayList<>();
        ops = 0;
        size = 0;
      }
      chunk.add(batch);
      ops += batch.ops().size();
      size += batchSize;
    }
    if (!chunk.isEmpty()) {
      results.addAll(submit(context, chunk));
    }
    return results;
  }

  static final int MAX_OPS = 1000;
  static final int MAX_BYTES = 512 * 1024;
  static final int PARALLEL = 4;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int inFlight;

  private List<Future<Batch.Result>> submit(Context context, List<Batch> chunk) {
    List<Batch.Op> all = chunk.stream().flatMap(b -> b.ops().stream()).toList();
    if (context == null) {
      Future<List<Integer>> done;
      try {
        done = Future.succeededFuture(multi(all));
      } catch (Exception e) {
        done = Future.failedFuture(e);
      }
      return split(chunk, done);
    }
    Promise<List<Integer>> done = Promise.promise();
    waiting.add(() -> context.<List<Integer>>executeBlocking(() -> multi(all), false).onComplete(ar -> {
      inFlight--;
      done.handle(ar);
      pump();
    }));
    pump();
    return split(chunk, done.future());
  }

  private static List<Future<Batch.Result>> split(List<Batch> chunk, Future<List<Integer>> done) {
    List<Future<Batch.Result>> out = new ArrayList<>();
    int at = 0;
    for (Batch batch : chunk) {
      int from = at;
      int n = batch.ops().size();
      out.add(done.map(versions -> new Batch.Result(versions.subList(from, from + n))));
      at += n;
    }
    return out;
  }

  private void pump() {
    while (inFlight < PARALLEL && !waiting.isEmpty()) {
      inFlight++;
      waiting.poll().run();
    }
  }

  /** One ZooKeeper multi-op (blocking). A create whose parent is missing creates the parent and tries again. */
  private List<Integer> multi(List<Batch.Op> ops) throws Exception {
    CuratorFramework curator = zk.curator();
    for (int attempt = 0; ; attempt++) {
      List<CuratorOp> curatorOps = new ArrayList<>();
      for (Batch.Op op : ops) {
        var tx = curator.transactionOp();
        curatorOps.add(switch (op.kind()) {
          case CREATE -> tx.create().withMode(CreateMode.PERSISTENT).forPath(op.path(), op.data());
          case SET -> tx.setData().withVersion(op.version()).forPath(op.path(), op.data());
          case DELETE -> tx.delete().withVersion(op.version()).forPath(op.path());
          case CHECK -> tx.check().withVersion(op.version()).forPath(op.path());
        });
      }
      try {
        List<CuratorTransactionResult> results =
            curator.transaction().forOperations(curatorOps);
        List<Integer> versions = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
          var r = results.get(i);
          versions.add(switch (ops.get(i).kind()) {
            case CREATE -> 0;
            case SET -> r.getResultStat().getVersion();
            default -> -1;
          });
        }
        return versions;
      } catch (KeeperException e) {
        Batch.Op failed = failedOp(e, ops);
        String path = failed == null ? String.valueOf(e.getPath()) : failed.path();
        if (e.code() == KeeperException.Code.NONODE && failed != null && failed.kind() == Batch.Kind.CREATE
            && attempt == 0 && createParent(curator, failed.path())) {
          // a job without its runs node (stored before it was created with the job): make them all, once
          for (Batch.Op op : ops) {
            if (op.kind() == Batch.Kind.CREATE && op != failed) {
              createParent(curator, op.path());
            }
          }
          continue;
        }
        switch (e.code()) {
          case NODEEXISTS -> throw new StoreConflictException(path, "already exists");
          case NONODE -> throw new StoreConflictException(path, "does not exist");
          case BADVERSION -> throw new StoreConflictException(path, "version is no longer current");
          default -> throw e;
        }
      }
    }
  }

  /** The op a failed multi-op stopped at (ZooKeeper reports every other op as rolled back). */
  private static Batch.Op failedOp(KeeperException e, List<Batch.Op> ops) {
    List<OpResult> results = e.getResults();
    if (results == null) {
      return null;
    }
    for (int i = 0; i < results.size() && i < ops.size(); i++) {
      if (results.get(i) instanceof OpResult.ErrorResult err
          && err.getErr() != 0 && err.getErr() != KeeperException.Code.RUNTIMEINCONSISTENCY.intValue()) {
        return ops.get(i);
      }
    }
    return null;
  }

  /**
   * Creates the missing (persistent) {@code runs} node above a run; false for any other path or when the job
   * itself is gone, which makes the batch a conflict.
   */
  private static boolean createParent(CuratorFramework curator, String path)
      throws Exception {
    String parent = path.substring(0, path.lastIndexOf('/'));
    if (!parent.endsWith("/runs")) {
      return false;
    }
    try {
      curator.create().withMode(CreateMode.PERSISTENT).forPath(parent);
      return true;
    } catch (KeeperException.NodeExistsException e) {
      return true;
    } catch (KeeperException.NoNodeException e) {
      return false;
    }
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
