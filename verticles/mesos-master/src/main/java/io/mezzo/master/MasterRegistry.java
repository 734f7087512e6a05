package io.mezzo.master;

import io.mezzo.master.core.RegistryRecord;
import io.mezzo.mesos.proto.MesosJson;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
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
 * &lt;zk_path&gt;/json.info_&lt;sequence&gt;             the leader's MasterInfo, ephemeral (Mesos's leader detection format)
 * </pre>
 *
 * Writes run in order on a worker thread, so the registry follows the master's decisions in the
 * order they were made.
 */
final class MasterRegistry {
  private static final Logger LOG = Logger.getLogger(MasterRegistry.class.getName());

  private final Vertx vertx;
  private final CuratorFramework curator;
  private final String root;
  private String infoNode;

  MasterRegistry(Vertx vertx, CuratorFramework curator, String root) {
    this.vertx = vertx;
    this.curator = curator;
    this.root = root;
  }

  record Contents(Map<String, FrameworkInfo> frameworks, Map<String, AgentInfo> agents, Set<String> gone) {
  }

  /** Reads the whole registry (a new leader does this before it serves). */
  Future<Contents> load() {
    return vertx.executeBlocking(() -> {
      Map<String, FrameworkInfo> frameworks = new HashMap<>();
      for (Map.Entry<String, String> e : read(root + "/registry/frameworks").entrySet()) {
        frameworks.put(e.getKey(), MesosJson.parse(e.getValue(), FrameworkInfo.getDefaultInstance()));
      }
      Map<String, AgentInfo> agents = new HashMap<>();
      for (Map.Entry<String, String> e : read(root + "/registry/agents").entrySet()) {
        agents.put(e.getKey(), MesosJson.parse(e.getValue(), AgentInfo.getDefaultInstance()));
      }
      Set<String> gone = new HashSet<>(read(root + "/registry/gone").keySet());
      return new Contents(frameworks, agents, gone);
    }, true);
  }

  private Map<String, String> read(String path) throws Exception {
    Map<String, String> out = new HashMap<>();
    try {
      for (String child : curator.getChildren().forPath(path)) {
        try {
          out.put(child, new String(curator.getData().forPath(path + "/" + child), StandardCharsets.UTF_8));
        } catch (KeeperException.NoNodeException e) {
          // removed meanwhile
        }
      }
    } catch (KeeperException.NoNodeException e) {
      // empty registry
    }
    return out;
  }

  /** Applies one change, after the ones before it. */
  void write(RegistryRecord record) {
    String dir = switch (record.kind()) {
      case AGENT -> "/registry/agents/";
      case FRAMEWORK -> "/registry/frameworks/";
      case GONE_AGENT -> "/registry/gone/";
    };
    String path = root + dir + record.id();
    vertx.executeBlocking(() -> {
      if (record.json() == null) {
        try {
          curator.delete().forPath(path);
        } catch (KeeperException.NoNodeException e) {
          // already gone
        }
      } else {
        byte[] data = record.json().getBytes(StandardCharsets.UTF_8);
        try {
          curator.setData().forPath(path, data);
        } catch (KeeperException.NoNodeException e) {
          curator.create().creatingParentsIfNeeded().forPath(path, data);
        }
        if (record.kind() == RegistryRecord.Kind.GONE_AGENT) {
          try {
            curator.delete().forPath(root + "/registry/agents/" + record.id());
          } catch (KeeperException.NoNodeException e) {
            // not registered
          }
        }
      }
      return null;
    }, true).onFailure(e -> LOG.warning("Registry write of '" + path + "' failed: " + e));
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
