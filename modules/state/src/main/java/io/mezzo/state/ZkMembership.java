package io.mezzo.state;

import io.mezzo.common.component.Membership;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;

/**
 * The cluster's members, read from the ephemeral nodes the Vert.x ZooKeeper cluster manager keeps
 * under {@code /cluster/nodes}. A member that dies disappears when its ZooKeeper session expires.
 * Listeners run on Curator's thread.
 */
public final class ZkMembership implements Membership, AutoCloseable {
  /** Where vertx-zookeeper registers cluster nodes, relative to the Curator namespace. */
  public static final String NODES_PATH = "/cluster/nodes";

  private final String self;
  private final CuratorCache cache;
  private final Set<String> members = ConcurrentHashMap.newKeySet();
  private final List<Consumer<String>> joinListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<String>> leaveListeners = new CopyOnWriteArrayList<>();

  public ZkMembership(CuratorFramework curator, String self) {
    this.self = self;
    this.members.add(self);
    this.cache = CuratorCache.build(curator, NODES_PATH);
    cache.listenable().addListener(CuratorCacheListener.builder()
        .forCreates(node -> nodeId(node.getPath()).ifPresent(id -> {
          if (members.add(id)) {
            joinListeners.forEach(l -> l.accept(id));
          }
        }))
        .forDeletes(node -> nodeId(node.getPath()).ifPresent(id -> {
          if (members.remove(id)) {
            leaveListeners.forEach(l -> l.accept(id));
          }
        }))
        .build());
    cache.start();
  }

  private static Optional<String> nodeId(String path) {
    if (!path.startsWith(NODES_PATH + "/")) {
      return Optional.empty();
    }
    String id = path.substring(NODES_PATH.length() + 1);
    return id.isEmpty() || id.contains("/") ? Optional.empty() : Optional.of(id);
  }

  @Override
  public List<String> members() {
    return members.stream().sorted().toList();
  }

  @Override
  public String self() {
    return self;
  }

  @Override
  public AutoCloseable onJoin(Consumer<String> listener) {
    joinListeners.add(listener);
    return () -> joinListeners.remove(listener);
  }

  @Override
  public AutoCloseable onLeave(Consumer<String> listener) {
    leaveListeners.add(listener);
    return () -> leaveListeners.remove(listener);
  }

  @Override
  public void close() {
    cache.close();
  }
}
