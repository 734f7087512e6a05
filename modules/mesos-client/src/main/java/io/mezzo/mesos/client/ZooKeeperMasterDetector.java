package io.mezzo.mesos.client;

import io.mezzo.mesos.proto.MesosJson;
import io.reactivex.rxjava3.core.Single;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.zookeeper.KeeperException;

/**
 * Leader detection the Mesos way: the leading master keeps an ephemeral sequential node
 * {@code <path>/json.info_<seq>} holding its {@code MasterInfo} as JSON; the node with the lowest
 * sequence belongs to the leader. Every {@link #leader()} reads ZooKeeper afresh (one getChildren and
 * one getData), which is cheap next to a reconnect.
 *
 * <p>The address is taken from {@code address.hostname}, else {@code address.ip}, else the legacy
 * {@code hostname}/{@code ip}/{@code port} fields. Credentials in a {@code zk://user:pass@...} URL are
 * not supported.
 */
public final class ZooKeeperMasterDetector implements MasterDetector {
  static final String INFO_PREFIX = "json.info_";

  private final CuratorFramework curator;
  private final String path;
  private final boolean owned;

  /**
   * Reads leaders under {@code path} through an already started Curator client, which the detector
   * does not close. {@code path} is relative to the client's namespace, if any.
   */
  public ZooKeeperMasterDetector(CuratorFramework curator, String path) {
    this(curator, path, false);
  }

  private ZooKeeperMasterDetector(CuratorFramework curator, String path, boolean owned) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("ZooKeeper path '" + path + "' must be absolute");
    }
    this.curator = curator;
    this.path = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.owned = owned;
  }

  /** Connects its own Curator client for {@code zk://host:port[,host:port]/path}; {@link #close()} closes it. */
  public static ZooKeeperMasterDetector connect(String zkUrl) {
    String rest = zkUrl.substring("zk://".length());
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1) {
      throw new IllegalArgumentException("ZooKeeper URL '" + zkUrl + "' needs hosts and a path, like zk://host:2181/mesos");
    }
    String hosts = rest.substring(0, slash);
    if (hosts.contains("@")) {
      throw new IllegalArgumentException("ZooKeeper URL '" + zkUrl + "' has credentials, which are not supported");
    }
    CuratorFramework curator = CuratorFrameworkFactory.builder().connectString(hosts)
        .sessionTimeoutMs(10_000).connectionTimeoutMs(5_000).retryPolicy(new ExponentialBackoffRetry(200, 3)).build();
    curator.start();
    return new ZooKeeperMasterDetector(curator, rest.substring(slash), true);
  }

  @Override
  public Single<URI> leader() {
    return Single.fromCallable(() -> read().orElseThrow(() -> new IllegalStateException(
        "No master has published a '" + INFO_PREFIX + "' node under '" + path + "'")));
  }

  private Optional<URI> read() throws Exception {
    List<String> children;
    try {
      children = curator.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    }
    List<String> candidates = children.stream().filter(c -> c.startsWith(INFO_PREFIX))
        .sorted(Comparator.comparingLong(ZooKeeperMasterDetector::sequence)).toList();
    for (String child : candidates) {
      byte[] data;
      try {
        data = curator.getData().forPath(path + "/" + child);
      } catch (KeeperException.NoNodeException e) {
        continue; // that leader just went away; the next in line is the answer
      }
      MasterInfo info = MesosJson.merge(new String(data, StandardCharsets.UTF_8), MasterInfo.newBuilder(), true).build();
      return Optional.of(address(info));
    }
    return Optional.empty();
  }

  static long sequence(String child) {
    try {
      return Long.parseLong(child.substring(INFO_PREFIX.length()));
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  static URI address(MasterInfo info) {
    String host;
    int port;
    if (info.hasAddress() && (info.getAddress().hasHostname() || info.getAddress().hasIp())) {
      host = info.getAddress().hasHostname() ? info.getAddress().getHostname() : info.getAddress().getIp();
      port = info.getAddress().getPort();
    } else if (info.hasHostname()) {
      host = info.getHostname();
      port = info.getPort();
    } else {
      int ip = info.getIp(); // packed in network byte order, read as a little-endian uint32
      host = (ip & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 24) & 0xff);
      port = info.getPort();
    }
    String literal = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return URI.create("http://" + literal + ":" + port);
  }

  @Override
  public void close() {
    if (owned) {
      curator.close();
    }
  }
}
