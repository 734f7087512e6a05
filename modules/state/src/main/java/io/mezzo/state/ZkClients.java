package io.mezzo.state;

import io.mezzo.common.config.ZkUrl;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/** Builds the node's one Curator client, waiting for ZooKeeper with backoff and a message every few seconds. */
public final class ZkClients {

  /** ZooKeeper could not be reached within the wait. */
  public static final class UnreachableException extends RuntimeException {
    public UnreachableException(String message) {
      super(message, null, false, false);
    }
  }

  private ZkClients() {
  }

  /**
   * Connects to the servers of {@code url} under its root (as the Curator namespace). While ZooKeeper
   * does not answer, calls {@code progress} with one line per attempt, waiting 1 s, 2 s, 4 s... up to
   * 5 s between messages, and gives up after {@code wait} with {@link UnreachableException}.
   */
  public static CuratorFramework connect(ZkUrl url, Duration sessionTimeout, Duration wait, Consumer<String> progress)
      throws InterruptedException {
    CuratorFramework curator = CuratorFrameworkFactory.builder()
        .connectString(url.connectString())
        .namespace(url.root())
        .sessionTimeoutMs((int) sessionTimeout.toMillis())
        .connectionTimeoutMs(5_000)
        .retryPolicy(new ExponentialBackoffRetry(250, 29, 5_000))
        .build();
    curator.start();
    long deadline = System.nanoTime() + wait.toNanos();
    long step = 1_000;
    int attempt = 1;
    while (!curator.blockUntilConnected((int) step, TimeUnit.MILLISECONDS)) {
      if (System.nanoTime() > deadline) {
        curator.close();
        throw new UnreachableException("ZooKeeper at " + url.connectString() + " did not answer within "
            + wait.toSeconds() + " s");
      }
      progress.accept("waiting for ZooKeeper at " + url.connectString() + " (attempt " + attempt++ + ", "
          + Math.max(0, (deadline - System.nanoTime()) / 1_000_000_000) + " s left)");
      step = Math.min(step * 2, 5_000);
    }
    return curator;
  }
}
