package io.mezzo.mesos.client;

import io.reactivex.rxjava3.core.Single;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds the leading master. The clients ask it once per connection attempt; 307 redirects from a
 * non-leading master are followed on top of whatever it answers.
 *
 * <p>Implementations are thread-safe. {@link #leader()} may block (it is subscribed to on an I/O
 * thread by the clients).
 */
public interface MasterDetector extends AutoCloseable {

  /**
   * The base URL ({@code http://host:port}) of the master to contact now. Fails when no master is
   * known (e.g. no leader has published itself in ZooKeeper yet); the client then retries with
   * backoff.
   */
  Single<URI> leader();

  /** Told that {@code master} could not be reached; a detector with several candidates moves on. No-op by default. */
  default void unreachable(URI master) {
  }

  /** Releases resources the detector owns (e.g. its ZooKeeper session). No-op by default. */
  @Override
  default void close() {
  }

  /**
   * A detector for a Mesos-style {@code --master} value: {@code zk://host:port[,host:port]/path} reads
   * the {@code json.info_} nodes under {@code path}; otherwise a comma-separated list of
   * {@code http(s)://host:port} or {@code host:port} masters, tried in order.
   */
  static MasterDetector of(String spec) {
    String trimmed = spec.trim();
    if (trimmed.toLowerCase(Locale.ROOT).startsWith("zk://")) {
      return ZooKeeperMasterDetector.connect(trimmed);
    }
    List<URI> masters = new ArrayList<>();
    for (String part : trimmed.split(",")) {
      String p = part.trim();
      if (!p.isEmpty()) {
        masters.add(URI.create(p.contains("://") ? p : "http://" + p));
      }
    }
    return new StaticMasterDetector(masters);
  }
}
