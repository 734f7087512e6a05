package io.mezzo.l4lb;

import io.mezzo.common.component.ComponentConfig;
import io.mezzo.common.config.Checks;
import io.mezzo.l4lb.vip.VipRange;

/**
 * The {@code l4lb} section.
 *
 * @param port             HTTP port of {@code /v1/vips} (dcos-net's 62080)
 * @param httpHost         address the HTTP API listens on
 * @param vipRange         IPv4 CIDR block named VIPs get their addresses from
 * @param connectTimeoutMs how long a backend gets to accept a TCP connection
 * @param connectTries     backends tried for one client connection before it is closed
 * @param backoffInitialMs how long a backend that refused a connection is skipped at first
 * @param backoffMaxMs     the longest it is skipped, after repeated failures
 * @param udpIdleTimeoutMs a UDP client's session to its backend ends after this long without packets
 * @param manageLoopback   add VIP addresses outside 127.0.0.0/8 to {@code lo} (only when running as root)
 * @param proxyThreads     event loops carrying TCP connections (UDP VIPs use one); 0 means one per core, at most 4
 * @param nativeTransport  serve TCP VIPs with plain Netty on event loops of their own with a native transport
 *                         (io_uring or epoll, whichever loads; else Vert.x on the node's event loops)
 * @param ioUring          prefer io_uring to epoll for those loops (falls back to epoll where io_uring does not load)
 * @param directEpoll      on epoll, run those loops as Mezzo's own epoll loops over plain sockets (no Netty
 *                         channel per connection; the default) rather than as Netty's epoll channels
 * @param masterZkPath     where the leading master publishes itself in ZooKeeper (its {@code zk_path})
 * @param masterUrls       master URLs to follow instead of ZooKeeper detection, e.g. {@code http://10.0.0.11:5050}
 */
public record L4lbConfig(boolean enabled, int port, String httpHost, String vipRange, int connectTimeoutMs,
                         int connectTries, int backoffInitialMs, int backoffMaxMs, int udpIdleTimeoutMs,
                         boolean manageLoopback, int proxyThreads, boolean nativeTransport, boolean ioUring,
                         boolean directEpoll,
                         String masterZkPath, java.util.List<String> masterUrls) implements ComponentConfig {

  public static final L4lbConfig DEFAULTS = new L4lbConfig(true, 62080, "127.0.0.1", "11.0.0.0/8", 1_000, 3,
      1_000, 30_000, 60_000, true, 0, true, false, true, "/mesos", java.util.List.of());

  public L4lbConfig {
    masterUrls = java.util.List.copyOf(masterUrls);
  }

  /** The number of proxy event loops: as configured, or one per core up to 4. */
  public int proxyThreadCount() {
    return proxyThreads > 0 ? proxyThreads : Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
  }

  @Override
  public void validate(Checks checks) {
    checks.port("port", port)
        .notBlank("http_host", httpHost)
        .notBlank("vip_range", vipRange)
        .that("vip_range", validRange(vipRange), "must be an IPv4 CIDR block such as 11.0.0.0/8, got '"
            + vipRange + "'")
        .range("connect_timeout_ms", connectTimeoutMs, 10, 60_000)
        .range("connect_tries", connectTries, 1, 16)
        .range("backoff_initial_ms", backoffInitialMs, 10, 600_000)
        .range("backoff_max_ms", backoffMaxMs, backoffInitialMs, 3_600_000)
        .range("udp_idle_timeout_ms", udpIdleTimeoutMs, 100, 3_600_000)
        .range("proxy_threads", proxyThreads, 0, 64)
        .that("master_zk_path", masterZkPath.startsWith("/"), "must be an absolute ZooKeeper path, got '" + masterZkPath + "'");
    for (int i = 0; i < masterUrls.size(); i++) {
      String u = masterUrls.get(i);
      checks.that("master_urls[" + i + "]", u.matches("https?://[^/\\s]+(:\\d+)?/?"), "must be http://host:port, got '" + u + "'");
    }
  }

  public VipRange range() {
    return VipRange.parse(vipRange);
  }

  private static boolean validRange(String text) {
    try {
      VipRange.parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
