package io.mezzo.master;

import io.mezzo.master.core.RegistryRecord;
import io.mezzo.mesos.proto.MesosJson;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.utils.ZKPaths;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;

/**
 * The master's durable registry in ZooKeeper, and the leader's {@code json.info_} node:
 *
 * <pre>
 * &lt;zk_path&gt;/registry/agents/&lt;agent id&gt;       AgentInfo (Mesos JSON)
 * &lt;zk_path&gt;/registry/frameworks/&lt;framework id&gt; FrameworkInfo
 * &lt;zk_path&gt;/registry/gone/&lt;agent id&gt;          agents marked gone
 * &lt;zk_path&gt;/registry/unreachable/&lt;agent id&gt;   agents that became unreachable, and when
 * &lt;zk_path&gt;/registry/agent_state/&lt;agent id&gt;   agents that are deactivated or draining
 * &lt;zk_path&gt;/registry/maintenance/machines     maintenance schedule and machines that are down
 * &lt;zk_path&gt;/registry/completed_frameworks/&lt;id&gt; the last frameworks torn down or removed
 * &lt;zk_path&gt;/json.info_&lt;sequence&gt;             the leader's MasterInfo, ephemeral (Mesos's leader detection format)
 * </pre>
 *
 * Writes are asynchronous requests on the master's ZooKeeper session, which applies them in the
 * order they were made, so the registry follows the master's decisions in order.
 */
final class MasterRegistry {
  private static final Logger LOG = Logger.getLogger(MasterRegistry.class.getName());

  private final Vertx vertx;
  private final CuratorFramework curator;
  private final String root;
  private final String registryRoot;
  private String infoNode;
  /** What this process last wrote or read, by path, so that unchanged records are not written again. */
  private final Map<String, String> written = new ConcurrentHashMap<>();

  MasterRegistry(Vertx vertx, CuratorFramework curator, String root) {
    this.vertx = vertx;
    this.curator = curator;
    this.root = root;
    this.registryRoot = root + "/registry";
  }

  /**
   * What a new leader recovers. {@code standby} tells whether it came from the copy this master kept
   * while it followed (then only the changes since its last look were read after the election).
   */
  record Contents(Map<String, FrameworkInfo> frameworks, Map<String, AgentInfo> agents, Set<String> gone, Set<String> unreachable,
                  String maintenance, Map<String, String> agentStates, Map<String, String> completedFrameworks, boolean standby) {
  }

  private static final List<String> DIRS = List.of("frameworks", "agents", "gone", "unreachable", "maintenance", "agent_state",
      "completed_frameworks");

  /**
   * Reads the registry for a new leader. When this master kept a standby copy while it followed
   * ({@link #follow}), it only makes sure the copy is current: a ZooKeeper sync, then the records
   * changed since its last look. Otherwise (no copy yet, or the connection to ZooKeeper was
   * interrupted meanwhile) it reads every record.
   */
  Future<Contents> load() {
    Mirror standby = mirror;
    mirror = null;
    return vertx.executeBlocking(() -> {
      Snapshot snapshot = null;
      if (standby != null) {
        try {
          snapshot = standby.takeOver();
        } catch (Exception e) {
          LOG.info("Standby copy of the registry not usable (" + e + "); reading it whole");
        } finally {
          standby.close();
        }
      }
      boolean fromStandby = snapshot != null;
      if (snapshot == null) {
        createDirs();
        snapshot = new Snapshot();
        readAll(snapshot);
      }
      // what a record holds now: records another leader changed or removed must not be skipped as unchanged
      written.clear();
      written.putAll(snapshot.byPath());
      return snapshot.contents(fromStandby);
    }, true);
  }

  /**
   * The parents exist before any write: a background create that first has to make its parents
   * retries later and may land after a newer write of the same record.
   */
  private void createDirs() throws Exception {
    for (String dir : DIRS) {
      try {
        curator.create().creatingParentsIfNeeded().forPath(registryRoot + "/" + dir);
      } catch (KeeperException.NodeExistsException e) {
        // already there
      }
    }
  }

  private void readAll(Snapshot into) throws Exception {
    for (String dir : DIRS) {
      List<String> children;
      try {
        children = curator.getChildren().forPath(registryRoot + "/" + dir);
      } catch (KeeperException.NoNodeException e) {
        continue;
      }
      read(dir, children, into, false);
    }
  }

  /** Children read per multi-read request: 100 records of a few KB stay far below ZooKeeper's 1 MB packet limit. */
  private static final int READ_BATCH = 100;

  /**
   * Reads the records {@code ids} of {@code dir} into {@code into}, parsing them as their answers
   * arrive while the rest are still on the way. A record that does not parse fails the whole read
   * (the registry must not be half recovered). With {@code removeMissing}, a record that no longer
   * exists leaves {@code into}. The records are read with ZooKeeper's multi-read (ZooKeeper 3.6 and
   * later), {@value #READ_BATCH} a request, all requests in flight at once: for 10,000 agents that is
   * about ten times faster than one request a node, which is the fallback.
   */
  private void read(String dir, List<String> ids, Snapshot into, boolean removeMissing) throws Exception {
    if (!ids.isEmpty() && !readBatched(dir, ids, into, removeMissing)) {
      readEach(dir, ids, into, removeMissing);
    }
  }

  /** The multi-read way; false when the server refuses it (then each node is read on its own). */
  private boolean readBatched(String dir, List<String> ids, Snapshot into, boolean removeMissing) throws Exception {
    org.apache.zookeeper.ZooKeeper zk = curator.getZookeeperClient().getZooKeeper();
    AtomicReference<RuntimeException> failed = new AtomicReference<>();
    AtomicBoolean refused = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch((ids.size() + READ_BATCH - 1) / READ_BATCH);
    for (int i = 0; i < ids.size(); i += READ_BATCH) {
      List<String> batch = ids.subList(i, Math.min(ids.size(), i + READ_BATCH));
      List<org.apache.zookeeper.Op> ops = new ArrayList<>(batch.size());
      for (String id : batch) {
        ops.add(org.apache.zookeeper.Op.getData(ZKPaths.fixForNamespace(curator.getNamespace(), registryRoot + "/" + dir + "/" + id)));
      }
      zk.multi(ops, (rc, p, ctx, results) -> {
        try {
          if (rc != KeeperException.Code.OK.intValue()) {
            refused.set(true);
            return;
          }
          for (int j = 0; j < results.size(); j++) {
            // a node removed since the listing answers with an error result: it is simply not there
            if (results.get(j) instanceof org.apache.zookeeper.OpResult.GetDataResult data) {
              into.put(dir, batch.get(j), new String(data.getData(), StandardCharsets.UTF_8));
            } else if (removeMissing) {
              into.remove(dir, batch.get(j));
            }
          }
        } catch (RuntimeException e) {
          failed.compareAndSet(null, e);
        } finally {
          done.countDown();
        }
      }, null);
    }
    if (!done.await(2, TimeUnit.MINUTES)) {
      throw new IllegalStateException("Reading the registry at '" + registryRoot + "/" + dir + "' timed out");
    }
    if (failed.get() != null) {
      throw failed.get();
    }
    if (refused.get()) {
      LOG.info("Multi-read of the registry at '" + registryRoot + "/" + dir + "' refused; reading node by node");
      return false;
    }
    return true;
  }

  /** One asynchronous request a node, all in flight at once. */
  private void readEach(String dir, List<String> ids, Snapshot into, boolean removeMissing) throws Exception {
    AtomicReference<RuntimeException> failed = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(ids.size());
    for (String id : ids) {
      curator.getData().inBackground((client, event) -> {
        try {
          if (event.getResultCode() == KeeperException.Code.OK.intValue()) {
            into.put(dir, id, new String(event.getData(), StandardCharsets.UTF_8));
          } else if (removeMissing && event.getResultCode() == KeeperException.Code.NONODE.intValue()) {
            into.remove(dir, id);
          } else if (removeMissing) {
            failed.compareAndSet(null, new IllegalStateException("Reading '" + event.getPath() + "' failed: "
                + KeeperException.Code.get(event.getResultCode())));
          }
        } catch (RuntimeException e) {
          failed.compareAndSet(null, e);
        } finally {
          done.countDown();
        }
      }).forPath(registryRoot + "/" + dir + "/" + id);
    }
    if (!done.await(2, TimeUnit.MINUTES)) {
      throw new IllegalStateException("Reading the registry at '" + registryRoot + "/" + dir + "' timed out");
    }
    if (failed.get() != null) {
      throw failed.get();
    }
  }

  /** The registry's records as stored (JSON by directory and id), with the agents and frameworks parsed. */
  private final class Snapshot {
    private final Map<String, Map<String, String>> records = new HashMap<>();
    private final Map<String, AgentInfo> agents = new HashMap<>();
    private final Map<String, FrameworkInfo> frameworks = new HashMap<>();

    Snapshot() {
      DIRS.forEach(dir -> records.put(dir, new HashMap<>()));
    }

    synchronized void put(String dir, String id, String json) {
      if (dir.equals("agents")) {
        agents.put(id, MesosJson.parse(json, AgentInfo.getDefaultInstance()));
      } else if (dir.equals("frameworks")) {
        frameworks.put(id, MesosJson.parse(json, FrameworkInfo.getDefaultInstance()));
      }
      records.get(dir).put(id, json);
    }

    synchronized void remove(String dir, String id) {
      agents.remove(dir.equals("agents") ? id : null);
      frameworks.remove(dir.equals("frameworks") ? id : null);
      records.get(dir).remove(id);
    }

    synchronized Map<String, String> byPath() {
      Map<String, String> out = new HashMap<>();
      records.forEach((dir, byId) -> byId.forEach((id, json) -> out.put(registryRoot + "/" + dir + "/" + id, json)));
      return out;
    }

    synchronized Contents contents(boolean standby) {
      return new Contents(new HashMap<>(frameworks), new HashMap<>(agents), new HashSet<>(records.get("gone").keySet()),
          new HashSet<>(records.get("unreachable").keySet()), records.get("maintenance").get("machines"),
          new HashMap<>(records.get("agent_state")), new HashMap<>(records.get("completed_frameworks")), standby);
    }
  }

  // ---- the standby copy a follower keeps ----------------------------------------------------------

  /** How long a follower lets changes of the registry gather before it reads them. */
  private static final long MIRROR_REFRESH_MS = 200;
  private volatile Mirror mirror;
  /** Held while a standby copy reads changed records, so that a new leader's last look waits for the one running. */
  private final Object refreshing = new Object();

  /**
   * While this master follows, it keeps a copy of the registry: a persistent recursive ZooKeeper
   * watch on the registry marks every record that changes, and the marked records are read again
   * every {@value #MIRROR_REFRESH_MS} ms. The watch is set before the first full read, so no change
   * falls between the two. Idempotent; {@link #load} and {@link #stopFollowing} end it.
   */
  void follow() {
    stopFollowing();
    if (curator.getState() != org.apache.curator.framework.imps.CuratorFrameworkState.STARTED) {
      return; // this process is going away
    }
    Mirror m = new Mirror();
    mirror = m;
    curator.getConnectionStateListenable().addListener(m);
    vertx.executeBlocking(() -> {
      createDirs();
      curator.watchers().add().withMode(AddWatchMode.PERSISTENT_RECURSIVE).usingWatcher(m).forPath(registryRoot);
      readAll(m.snapshot);
      m.ready = true;
      return null;
    }, false).onFailure(e -> {
      m.broken = true;
      if (!m.closed && curator.getState() == org.apache.curator.framework.imps.CuratorFrameworkState.STARTED) {
        LOG.info("No standby copy of the registry (" + e + "); a new leader reads it whole");
      }
    });
  }

  void stopFollowing() {
    Mirror m = mirror;
    mirror = null;
    if (m != null) {
      m.close();
    }
  }

  /** A follower's copy of the registry and the records changed since it last read them. */
  private final class Mirror implements Watcher, ConnectionStateListener {
    final Snapshot snapshot = new Snapshot();
    /** Paths of records changed since they were last read. */
    private final Set<String> changed = new HashSet<>();
    private boolean refreshScheduled;
    /** The first full read is done. */
    volatile boolean ready;
    /** A change may have been missed (the connection to ZooKeeper was interrupted, or a read failed): not to be used. */
    volatile boolean broken;
    volatile boolean closed;

    @Override
    public void process(WatchedEvent event) {
      if (closed) {
        return;
      }
      if (event.getType() == Watcher.Event.EventType.None) {
        if (event.getState() != Watcher.Event.KeeperState.SyncConnected) {
          broken = true;
        }
        return;
      }
      String path = event.getPath();
      if (path == null) {
        return;
      }
      boolean schedule;
      synchronized (this) {
        changed.add(path);
        schedule = !refreshScheduled;
        refreshScheduled = true;
      }
      if (schedule) {
        vertx.setTimer(MIRROR_REFRESH_MS, id -> vertx.executeBlocking(() -> {
          refresh();
          return null;
        }, false));
      }
    }

    @Override
    public void stateChanged(CuratorFramework client, ConnectionState state) {
      if (state == ConnectionState.CONNECTED || closed) {
        return;
      }
      broken = true;
      if (state == ConnectionState.RECONNECTED) {
        vertx.runOnContext(v -> {
          if (mirror == this) {
            follow(); // a fresh copy once the connection is back
          }
        });
      }
    }

    /** Reads again the records changed since the last look (a record that is gone leaves the copy). */
    void refresh() {
      synchronized (refreshing) {
        List<String> paths;
        synchronized (this) {
          refreshScheduled = false;
          paths = new ArrayList<>(changed);
          changed.clear();
        }
        if (closed || broken || paths.isEmpty()) {
          return;
        }
        Map<String, List<String>> byDir = new HashMap<>();
        String prefix = registryRoot + "/";
        for (String path : paths) {
          int at = path.indexOf(prefix);
          String[] parts = at < 0 ? new String[0] : path.substring(at + prefix.length()).split("/");
          if (parts.length == 2 && DIRS.contains(parts[0])) {
            byDir.computeIfAbsent(parts[0], d -> new ArrayList<>()).add(parts[1]);
          }
        }
        try {
          for (Map.Entry<String, List<String>> e : byDir.entrySet()) {
            read(e.getKey(), e.getValue(), snapshot, true);
          }
        } catch (Exception e) {
          broken = true;
          LOG.info("Standby copy of the registry dropped: " + e);
        }
      }
    }

    /**
     * The copy, made current, for a new leader; null when it cannot be trusted. A ZooKeeper sync
     * first: once its answer is here, this session has been told of every change made before it
     * (ZooKeeper delivers watch events and answers in order), so reading the records marked changed
     * makes the copy equal to the registry.
     */
    Snapshot takeOver() throws Exception {
      if (!ready || broken) {
        return null;
      }
      CompletableFuture<Integer> synced = new CompletableFuture<>();
      curator.sync().inBackground((client, event) -> synced.complete(event.getResultCode())).forPath(registryRoot);
      if (synced.get(30, TimeUnit.SECONDS) != KeeperException.Code.OK.intValue()) {
        return null;
      }
      refresh();
      return broken ? null : snapshot;
    }

    void close() {
      closed = true;
      curator.getConnectionStateListenable().removeListener(this);
      try {
        curator.watchers().remove(this).ofType(Watcher.WatcherType.Any).quietly().inBackground().forPath(registryRoot);
      } catch (Exception | Error e) {
        // the client is closing: its watches go with it
      }
    }
  }

  /**
   * Applies one change after the ones before it: requests are sent asynchronously on one ZooKeeper
   * session, which applies them in order. A record equal to what is stored is not written again (a
   * re-registration after a failover changes nothing).
   */
  void write(RegistryRecord record) {
    String dir = switch (record.kind()) {
      case AGENT -> "/registry/agents/";
      case FRAMEWORK -> "/registry/frameworks/";
      case GONE_AGENT -> "/registry/gone/";
      case MAINTENANCE -> "/registry/maintenance/";
      case UNREACHABLE_AGENT -> "/registry/unreachable/";
      case AGENT_STATE -> "/registry/agent_state/";
      case COMPLETED_FRAMEWORK -> "/registry/completed_frameworks/";
    };
    String path = root + dir + record.id();
    try {
      if (record.json() == null) {
        written.remove(path);
        curator.delete().quietly().inBackground(this::checked).forPath(path);
        return;
      }
      if (record.json().equals(written.put(path, record.json()))) {
        return;
      }
      curator.create().orSetData().creatingParentsIfNeeded().inBackground(this::checked)
          .forPath(path, record.json().getBytes(StandardCharsets.UTF_8));
      if (record.kind() == RegistryRecord.Kind.GONE_AGENT) {
        for (String dir2 : List.of("/registry/agents/", "/registry/unreachable/", "/registry/agent_state/")) {
          written.remove(root + dir2 + record.id());
          curator.delete().quietly().inBackground(this::checked).forPath(root + dir2 + record.id());
        }
      }
    } catch (Exception e) {
      LOG.warning("Registry write of '" + path + "' failed: " + e);
    }
  }

  private void checked(CuratorFramework client, CuratorEvent event) {
    int rc = event.getResultCode();
    if (rc != KeeperException.Code.OK.intValue() && rc != KeeperException.Code.NONODE.intValue()) {
      LOG.warning("Registry write of '" + event.getPath() + "' failed: " + KeeperException.Code.get(rc));
    }
  }

  /** Publishes this leader's MasterInfo as an ephemeral sequential {@code json.info_} node. */
  Future<Void> publishLeader(MasterInfo info) {
    return vertx.executeBlocking(() -> {
      infoNode = curator.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
          .forPath(root + "/json.info_", MesosJson.print(info).getBytes(StandardCharsets.UTF_8));
      return null;
    }, true);
  }

  Future<Void> withdrawLeader() {
    String node = infoNode;
    infoNode = null;
    if (node == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      try {
        curator.delete().forPath(node);
      } catch (KeeperException.NoNodeException | IllegalStateException e) {
        // session gone, or curator closed: ZooKeeper removes the ephemeral node by itself
      }
      return null;
    }, true);
  }
}
