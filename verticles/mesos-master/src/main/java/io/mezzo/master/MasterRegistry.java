package io.mezzo.master;

import io.mezzo.master.core.RegistryRecord;
import io.mezzo.mesos.proto.MesosJson;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.api.CuratorEvent;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

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
  private String infoNode;
  /** What this process last wrote or read, by path, so that unchanged records are not written again. */
  private final Map<String, String> written = new ConcurrentHashMap<>();

  MasterRegistry(Vertx vertx, CuratorFramework curator, String root) {
    this.vertx = vertx;
    this.curator = curator;
    this.root = root;
  }

  record Contents(Map<String, FrameworkInfo> frameworks, Map<String, AgentInfo> agents, Set<String> gone, Set<String> unreachable,
                  String maintenance, Map<String, String> agentStates) {
  }

  /** Reads the whole registry (a new leader does this before it serves). */
  Future<Contents> load() {
    return vertx.executeBlocking(() -> {
      // The parents exist before any write: a background create that first has to make its parents
      // retries later and may land after a newer write of the same record.
      for (String dir : List.of("/registry/frameworks", "/registry/agents", "/registry/gone", "/registry/unreachable",
          "/registry/maintenance", "/registry/agent_state")) {
        try {
          curator.create().creatingParentsIfNeeded().forPath(root + dir);
        } catch (KeeperException.NodeExistsException e) {
          // already there
        }
      }
      // records are parsed as their answers arrive, while the rest are still on the way
      Map<String, FrameworkInfo> frameworks = read(root + "/registry/frameworks", json -> MesosJson.parse(json, FrameworkInfo.getDefaultInstance()));
      Map<String, AgentInfo> agents = read(root + "/registry/agents", json -> MesosJson.parse(json, AgentInfo.getDefaultInstance()));
      Set<String> gone = new HashSet<>(read(root + "/registry/gone").keySet());
      String maintenance = read(root + "/registry/maintenance").get("machines");
      Set<String> unreachable = new HashSet<>(read(root + "/registry/unreachable").keySet());
      Map<String, String> agentStates = read(root + "/registry/agent_state");
      return new Contents(frameworks, agents, gone, unreachable, maintenance, agentStates);
    }, true);
  }

  /** Every child's data, read with pipelined asynchronous requests (one round trip for thousands of nodes). */
  private Map<String, String> read(String path) throws Exception {
    return read(path, json -> json);
  }

  /** Children read per multi-read request: 100 records of a few KB stay far below ZooKeeper's 1 MB packet limit. */
  private static final int READ_BATCH = 100;

  /**
   * Every child's data as {@code parse} makes it. A record that does not parse fails the whole read
   * (the registry must not be half recovered). The children are read with ZooKeeper's multi-read
   * (ZooKeeper 3.6 and later), {@value #READ_BATCH} a request, all requests in flight at once: for
   * 10,000 agents that is about ten times faster than one request a node, which is the fallback.
   */
  private <T> Map<String, T> read(String path, java.util.function.Function<String, T> parse) throws Exception {
    List<String> children;
    try {
      children = curator.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return Map.of();
    }
    Map<String, T> batched = readBatched(path, children, parse);
    return batched != null ? batched : readEach(path, children, parse);
  }

  /** The multi-read way; null when the server refuses it (then each node is read on its own). */
  private <T> Map<String, T> readBatched(String path, List<String> children, java.util.function.Function<String, T> parse)
      throws Exception {
    org.apache.zookeeper.ZooKeeper zk = curator.getZookeeperClient().getZooKeeper();
    Map<String, T> out = new ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicReference<RuntimeException> failed = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean refused = new java.util.concurrent.atomic.AtomicBoolean();
    CountDownLatch done = new CountDownLatch((children.size() + READ_BATCH - 1) / READ_BATCH);
    for (int i = 0; i < children.size(); i += READ_BATCH) {
      List<String> batch = children.subList(i, Math.min(children.size(), i + READ_BATCH));
      List<org.apache.zookeeper.Op> ops = new java.util.ArrayList<>(batch.size());
      for (String child : batch) {
        ops.add(org.apache.zookeeper.Op.getData(org.apache.curator.utils.ZKPaths.fixForNamespace(curator.getNamespace(), path + "/" + child)));
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
              String json = new String(data.getData(), StandardCharsets.UTF_8);
              out.put(batch.get(j), parse.apply(json));
              written.put(path + "/" + batch.get(j), json);
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
      throw new IllegalStateException("Reading the registry at '" + path + "' timed out");
    }
    if (failed.get() != null) {
      throw failed.get();
    }
    if (refused.get()) {
      LOG.info("Multi-read of the registry at '" + path + "' refused; reading node by node");
      return null;
    }
    return out;
  }

  /** One asynchronous request a node, all in flight at once. */
  private <T> Map<String, T> readEach(String path, List<String> children, java.util.function.Function<String, T> parse) throws Exception {
    Map<String, T> out = new ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicReference<RuntimeException> failed = new java.util.concurrent.atomic.AtomicReference<>();
    CountDownLatch done = new CountDownLatch(children.size());
    for (String child : children) {
      curator.getData().inBackground((client, event) -> {
        try {
          if (event.getResultCode() == KeeperException.Code.OK.intValue()) {
            String json = new String(event.getData(), StandardCharsets.UTF_8);
            out.put(child, parse.apply(json));
            written.put(path + "/" + child, json);
          }
        } catch (RuntimeException e) {
          failed.compareAndSet(null, e);
        } finally {
          done.countDown();
        }
      }).forPath(path + "/" + child);
    }
    if (!done.await(2, TimeUnit.MINUTES)) {
      throw new IllegalStateException("Reading the registry at '" + path + "' timed out");
    }
    if (failed.get() != null) {
      throw failed.get();
    }
    return out;
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
