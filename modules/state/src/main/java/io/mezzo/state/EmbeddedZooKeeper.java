package io.mezzo.state;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * A real ZooKeeper server inside this JVM, for {@code mezzo up} on one machine and for tests. Its data
 * directory survives restarts, so state does too.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
  private final ZooKeeperServerEmbedded server;
  private final String host;
  private final int port;

  private EmbeddedZooKeeper(ZooKeeperServerEmbedded server, String host, int port) {
    this.server = server;
    this.host = host;
    this.port = port;
  }

  /** Starts a standalone server on {@code host:port} keeping its data in {@code dataDir}. */
  public static EmbeddedZooKeeper start(Path dataDir, String host, int port, int tickTimeMs, int maxClientCnxns)
      throws Exception {
    Files.createDirectories(dataDir);
    Properties props = new Properties();
    props.setProperty("clientPort", Integer.toString(port));
    props.setProperty("clientPortAddress", host);
    props.setProperty("tickTime", Integer.toString(tickTimeMs));
    props.setProperty("maxClientCnxns", Integer.toString(maxClientCnxns));
    props.setProperty("admin.enableServer", "false");
    props.setProperty("maxCnxns", "0");
    props.setProperty("4lw.commands.whitelist", "ruok,mntr,srvr");
    // keep the transaction log and snapshots from growing without bound
    props.setProperty("autopurge.snapRetainCount", "3");
    props.setProperty("autopurge.purgeInterval", "1");
    ZooKeeperServerEmbedded server = ZooKeeperServerEmbedded.builder()
        .baseDir(dataDir)
        .configuration(props)
        .exitHandler(ExitHandler.LOG_ONLY)
        .build();
    try {
      server.start(TimeUnit.SECONDS.toMillis(30));
    } catch (Exception e) {
      server.close();
      throw e;
    }
    return new EmbeddedZooKeeper(server, host, port);
  }

  /** {@code zk://host:port/<root>} for clients of this server. */
  public String url(String root) {
    return "zk://" + host + ":" + port + "/" + root;
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    server.close();
  }
}
