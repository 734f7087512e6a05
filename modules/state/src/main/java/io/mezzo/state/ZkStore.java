package io.mezzo.state;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * A versioned key-value store on ZooKeeper. Paths are absolute within the store's root (the Curator
 * namespace, e.g. {@code /mezzo}). Every write is compare-and-set on ZooKeeper's data version, so two
 * writers never silently overwrite each other. Curator calls block, so they run on a worker thread;
 * futures complete on the caller's context.
 */
public final class ZkStore {
  private final Vertx vertx;
  private final CuratorFramework curator;

  public ZkStore(Vertx vertx, CuratorFramework curator) {
    this.vertx = vertx;
    this.curator = curator;
  }

  public CuratorFramework curator() {
    return curator;
  }

  /** The node's data and version, or empty when it does not exist. */
  public Future<Optional<Versioned<byte[]>>> get(String path) {
    return vertx.executeBlocking(() -> {
      Stat stat = new Stat();
      try {
        byte[] data = curator.getData().storingStatIn(stat).forPath(path);
        return Optional.of(new Versioned<>(data, stat.getVersion()));
      } catch (KeeperException.NoNodeException e) {
        return Optional.empty();
      }
    }, false);
  }

  /** Creates the node (and missing parents); fails with {@link StoreConflictException} if it exists. Returns version 0. */
  public Future<Integer> create(String path, byte[] data) {
    return vertx.executeBlocking(() -> {
      try {
        curator.create().creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path, data);
        return 0;
      } catch (KeeperException.NodeExistsException e) {
        throw new StoreConflictException(path, "already exists");
      }
    }, false);
  }

  /**
   * Writes the node only if its version is still {@code expectedVersion}; returns the new version.
   * Fails with {@link StoreConflictException} when another write came first or the node is gone.
   */
  public Future<Integer> compareAndSet(String path, byte[] data, int expectedVersion) {
    return vertx.executeBlocking(() -> {
      try {
        return curator.setData().withVersion(expectedVersion).forPath(path, data).getVersion();
      } catch (KeeperException.BadVersionException e) {
        throw new StoreConflictException(path, "version " + expectedVersion + " is no longer current");
      } catch (KeeperException.NoNodeException e) {
        throw new StoreConflictException(path, "does not exist");
      }
    }, false);
  }

  /** Deletes the node if its version is still {@code expectedVersion} (-1 for any); true if it existed. */
  public Future<Boolean> delete(String path, int expectedVersion) {
    return vertx.executeBlocking(() -> {
      try {
        curator.delete().deletingChildrenIfNeeded().withVersion(expectedVersion).forPath(path);
        return true;
      } catch (KeeperException.NoNodeException e) {
        return false;
      } catch (KeeperException.BadVersionException e) {
        throw new StoreConflictException(path, "version " + expectedVersion + " is no longer current");
      }
    }, false);
  }

  /** The names of the node's children, sorted; empty when the node does not exist. */
  public Future<List<String>> children(String path) {
    return vertx.executeBlocking(() -> {
      try {
        return curator.getChildren().forPath(path).stream().sorted().toList();
      } catch (KeeperException.NoNodeException e) {
        return List.<String>of();
      }
    }, false);
  }

  /**
   * Watches a node and everything below it. The listener runs on the calling verticle's context,
   * starting with a CREATED event for every node that exists when the watch starts. Events carry the
   * node's state when ZooKeeper's notification was read, so changes in quick succession may arrive
   * coalesced (a create followed at once by a write can show as one CREATED with the later version);
   * the last event for a node always matches its current state. Close the handle to stop watching.
   */
  public AutoCloseable watch(String path, Consumer<StoreEvent> listener) {
    Context context = vertx.getOrCreateContext();
    CuratorCache cache = CuratorCache.build(curator, path);
    cache.listenable().addListener(CuratorCacheListener.builder()
        .forCreates(node -> context.runOnContext(v -> listener.accept(event(StoreEvent.Type.CREATED, node))))
        .forChanges((before, after) -> context.runOnContext(v -> listener.accept(event(StoreEvent.Type.CHANGED, after))))
        .forDeletes(node -> context.runOnContext(v -> listener.accept(
            new StoreEvent(StoreEvent.Type.DELETED, node.getPath(), null, -1))))
        .build());
    cache.start();
    return cache::close;
  }

  private static StoreEvent event(StoreEvent.Type type, ChildData node) {
    return new StoreEvent(type, node.getPath(), node.getData(), node.getStat() == null ? -1 : node.getStat().getVersion());
  }
}
