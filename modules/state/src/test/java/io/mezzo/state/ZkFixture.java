package io.mezzo.state;

import io.mezzo.common.config.ZkUrl;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;

/** A real embedded ZooKeeper server on a free loopback port, and clients of it. */
final class ZkFixture implements AutoCloseable {
  final EmbeddedZooKeeper server;

  ZkFixture(Path dir) throws Exception {
    server = EmbeddedZooKeeper.start(dir, "127.0.0.1", freePort(), 500, 100);
  }

  CuratorFramework client() throws InterruptedException {
    return ZkClients.connect(ZkUrl.parse(server.url("test")), Duration.ofSeconds(4), Duration.ofSeconds(20), msg -> { });
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
