package io.mezzo.dns.records;

import java.util.List;

/**
 * One immutable snapshot of everything the server answers authoritatively: the zones and, for
 * {@code /v1/enumerate}, which records each task produced. Safe to share between threads.
 *
 * @param serial    unix seconds of the build; the SOA serial
 * @param mesos     the Mesos-DNS zone ({@code mesos.} by default)
 * @param dcos      the {@code thisdcos.directory.} zone
 */
public record DnsRecords(long serial, Zone mesos, Zone dcos, List<EnumeratedFramework> frameworks) {

  public DnsRecords {
    frameworks = List.copyOf(frameworks);
  }

  /** The zone holding the name, or null when the name is not ours. */
  public Zone zoneFor(String name) {
    if (mesos.contains(name)) {
      return mesos;
    }
    return dcos.contains(name) ? dcos : null;
  }

  /** Records of the name in whichever zone holds it. */
  public List<ResourceRecord> records(String name) {
    Zone z = zoneFor(name);
    return z == null ? List.of() : z.records(name);
  }

  /** Names of every task that has records, for tests and diagnostics. */
  public List<String> enumeratedTaskNames() {
    return frameworks.stream().flatMap(f -> f.tasks().stream()).map(EnumeratedTask::name).toList();
  }

  public record EnumeratedFramework(String name, List<EnumeratedTask> tasks) {
  }

  public record EnumeratedTask(String name, String id, List<ResourceRecord> records) {
  }
}
