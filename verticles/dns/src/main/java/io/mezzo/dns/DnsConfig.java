package io.mezzo.dns;

import io.mezzo.common.component.ComponentConfig;
import io.mezzo.common.config.Checks;
import io.mezzo.dns.records.RecordsOptions;
import io.mezzo.dns.server.Upstream;
import java.util.List;

/**
 * The {@code dns} section. Keys are snake_case ({@code dns_port}, {@code forward_timeout_ms}...).
 *
 * @param port             HTTP port of the Mesos-DNS API
 * @param httpHost         address the HTTP API listens on
 * @param dnsHost          address DNS listens on (UDP and TCP)
 * @param dnsPort          DNS port; 0 picks a free port; when 53 cannot be bound (not root, or taken) the
 *                         server falls back to 61053
 * @param upstreams        resolvers for names outside our zones, {@code ip} or {@code ip:port} ({@code [v6]:port})
 * @param forward          false answers REFUSED to every name outside our zones
 * @param forwardTimeoutMs how long an upstream gets before the query is answered SERVFAIL
 * @param domain           the Mesos-DNS domain
 * @param ttl              TTL of records in the Mesos-DNS domain
 * @param dcosTtl          TTL of records in {@code thisdcos.directory}
 * @param ipSources        task IP sources in order: netinfo, mesos, docker, host
 * @param masters          master IPs in {@code master<N>} order; empty takes the leader from the state
 * @param truncate         set TC when an answer is cut to fit a UDP reply
 * @param enumeration      serve {@code /v1/enumerate} and {@code /v1/axfr}
 * @param ioThreads        threads of the DNS event loop group
 * @param nativeTransport  serve DNS on Netty's epoll transport where it loads (batched datagram reads and writes), else NIO
 * @param directEpoll      serve UDP on Mezzo's own datagram loops over Netty's epoll bindings (no channel or
 *                         pipeline per datagram) where {@code nativeTransport} is on and epoll loads
 * @param masterZkPath     where the leading master publishes itself in ZooKeeper (its {@code zk_path})
 * @param masterUrls       master URLs to follow instead of ZooKeeper detection, e.g. {@code http://10.0.0.11:5050}
 * @param resolvConf       the resolv.conf generator (off while its path is empty)
 */
public record DnsConfig(boolean enabled, int port, String httpHost, String dnsHost, int dnsPort,
                        List<String> upstreams, boolean forward, int forwardTimeoutMs, String domain, int ttl,
                        int dcosTtl, String soaMname, String soaRname, int soaRefresh, int soaRetry, int soaExpire,
                        int soaMinttl, int srvWeight, boolean enforceRfc952, List<String> ipSources,
                        List<String> masters, boolean truncate, boolean enumeration, int ioThreads,
                        boolean nativeTransport, boolean directEpoll, String masterZkPath, List<String> masterUrls, ResolvConfSettings resolvConf)
    implements ComponentConfig {

  /**
   * @param path            the file to keep written, e.g. {@code /etc/resolv.conf}; empty turns the generator off
   * @param intervalSeconds how often the local servers are probed and the file rewritten
   * @param probe           local DNS server addresses to probe and list when they answer
   * @param probePort       the port they are probed on (resolv.conf can only name port 53)
   * @param fallback        resolvers written when no local server answers, {@code ip} or {@code ip:53}; at most 3 are used
   * @param search          the {@code search} line, empty for none
   */
  public record ResolvConfSettings(String path, int intervalSeconds, List<String> probe, int probePort,
                                   List<String> fallback, String search) {
    public ResolvConfSettings {
      probe = List.copyOf(probe);
      fallback = List.copyOf(fallback);
    }
  }

  public static final int UNPRIVILEGED_DNS_PORT = 61053;

  public static final DnsConfig DEFAULTS = new DnsConfig(true, 8123, "0.0.0.0", "0.0.0.0", 53,
      List.of(), true, 5_000, "mesos", 60, 5, "ns1.mesos", "root.ns1.mesos", 60, 600, 86_400, 60, 1, false,
      List.of("netinfo", "mesos", "host"), List.of(), true, true, 1, true, true, "/mesos", List.of(),
      new ResolvConfSettings("", 60, List.of("127.0.0.1"), 53, List.of(), ""));

  public DnsConfig {
    upstreams = List.copyOf(upstreams);
    ipSources = List.copyOf(ipSources);
    masters = List.copyOf(masters);
    masterUrls = List.copyOf(masterUrls);
  }

  @Override
  public void validate(Checks checks) {
    checks.port("port", port)
        .port("dns_port", dnsPort)
        .notBlank("http_host", httpHost)
        .notBlank("dns_host", dnsHost)
        .notBlank("domain", domain)
        .that("domain", domain.matches("[A-Za-z0-9.-]+"), "must be a domain name, got '" + domain + "'")
        .range("forward_timeout_ms", forwardTimeoutMs, 50, 60_000)
        .range("ttl", ttl, 0, 86_400)
        .range("dcos_ttl", dcosTtl, 0, 86_400)
        .range("srv_weight", srvWeight, 0, 65_535)
        .range("io_threads", ioThreads, 1, 64)
        .notBlank("soa_mname", soaMname)
        .notBlank("soa_rname", soaRname)
        .that("master_zk_path", masterZkPath.startsWith("/"), "must be an absolute ZooKeeper path, got '" + masterZkPath + "'");
    checks.range("resolv_conf.interval_seconds", resolvConf.intervalSeconds(), 1, 86_400)
        .port("resolv_conf.probe_port", resolvConf.probePort());
    for (int i = 0; i < resolvConf.probe().size(); i++) {
      String ip = resolvConf.probe().get(i);
      checks.that("resolv_conf.probe[" + i + "]", io.mezzo.common.net.Ips.parse(ip) != null, "must be an IP address, got '" + ip + "'");
    }
    for (int i = 0; i < masterUrls.size(); i++) {
      String u = masterUrls.get(i);
      checks.that("master_urls[" + i + "]", u.matches("https?://[^/\\s]+(:\\d+)?/?"), "must be http://host:port, got '" + u + "'");
    }
    for (int i = 0; i < upstreams.size(); i++) {
      String u = upstreams.get(i);
      checks.that("upstreams[" + i + "]", Upstream.parse(u) != null, "must be ip or ip:port, got '" + u + "'");
    }
    for (int i = 0; i < ipSources.size(); i++) {
      checks.oneOf("ip_sources[" + i + "]", ipSources.get(i), RecordsOptions.IP_SOURCES);
    }
  }

  public List<Upstream> upstreamList() {
    return upstreams.stream().map(Upstream::parse).toList();
  }

  public RecordsOptions recordsOptions() {
    return new RecordsOptions(domain, ttl, dcosTtl, soaMname, soaRname, soaRefresh, soaRetry, soaExpire, soaMinttl,
        srvWeight, enforceRfc952, ipSources, List.of());
  }
}
