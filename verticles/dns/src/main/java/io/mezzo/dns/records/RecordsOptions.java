package io.mezzo.dns.records;

import java.util.List;

/**
 * What record building needs from the configuration.
 *
 * @param domain       the Mesos-DNS domain without dots around it, e.g. {@code mesos}
 * @param ttl          TTL of the Mesos-DNS zone
 * @param dcosTtl      TTL of {@code thisdcos.directory}
 * @param ipSources    where task IPs come from, first source with any IP wins: netinfo, mesos, docker, host
 * @param nameservers  addresses of this server, served as the A records of the SOA mname
 */
public record RecordsOptions(String domain, long ttl, long dcosTtl, String soaMname, String soaRname,
                             long soaRefresh, long soaRetry, long soaExpire, long soaMinttl, int srvWeight,
                             boolean enforceRfc952, List<String> ipSources, List<String> nameservers) {

  public static final List<String> IP_SOURCES = List.of("netinfo", "mesos", "docker", "host");

  public RecordsOptions {
    ipSources = List.copyOf(ipSources);
    nameservers = List.copyOf(nameservers);
  }

  public static RecordsOptions defaults() {
    return new RecordsOptions("mesos", 60, 5, "ns1.mesos", "root.ns1.mesos", 60, 600, 86400, 60, 1, false,
        List.of("netinfo", "mesos", "host"), List.of());
  }

  public RecordsOptions withNameservers(List<String> ips) {
    return new RecordsOptions(domain, ttl, dcosTtl, soaMname, soaRname, soaRefresh, soaRetry, soaExpire, soaMinttl,
        srvWeight, enforceRfc952, ipSources, ips);
  }
}
