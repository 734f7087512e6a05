package io.mezzo.common.component;

import io.mezzo.common.config.ClusterConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the launcher hands a component when it creates it: who this node is and the node-wide
 * services (the cluster membership view, the ZooKeeper state store) that live longer than any verticle.
 *
 * @param nodeId     this process's cluster node id (the Vert.x cluster manager's)
 * @param cluster    the node-wide settings
 * @param membership the cluster's members, with join and leave notifications
 * @param services   node-wide services by type, e.g. the ZooKeeper store
 * @param boundPorts the HTTP port each component listens on, filled in as they start
 */
public record ComponentContext(String nodeId, ClusterConfig cluster, Membership membership, Map<Class<?>, Object> services,
                               Map<String, Integer> boundPorts) {

  public ComponentContext(String nodeId, ClusterConfig cluster, Membership membership, Map<Class<?>, Object> services) {
    this(nodeId, cluster, membership, services, new ConcurrentHashMap<>());
  }

  /** A component tells the launcher the port it actually listens on (it differs when configured as 0). */
  public void bound(String component, int port) {
    boundPorts.put(component, port);
  }

  /** The port a component said it listens on. */
  public Optional<Integer> boundPort(String component) {
    return Optional.ofNullable(boundPorts.get(component));
  }

  /** The component's own state directory under the work dir. */
  public Path workDir(String component) {
    return cluster.workPath().resolve(component);
  }

  public <T> Optional<T> service(Class<T> type) {
    return Optional.ofNullable(services.get(type)).map(type::cast);
  }
}
