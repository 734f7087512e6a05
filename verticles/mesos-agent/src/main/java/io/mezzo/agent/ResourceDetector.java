package io.mezzo.agent;

import io.mezzo.mesos.proto.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.mesos.v1.Protos.Resource;

/**
 * The agent's resources: the configured text, with cpus, mem, disk and ports detected from the
 * machine when they are not given, as Mesos's containerizer does.
 */
final class ResourceDetector {
  private static final long MB = 1024L * 1024;
  private static final long GB = 1024 * MB;

  private ResourceDetector() {
  }

  /** What the machine has, in bytes and cores. */
  record Machine(int cores, long memoryBytes, long diskBytes) {
    static Machine probe(Path workDir) {
      long memory = 0;
      try {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
          if (line.startsWith("MemTotal:")) {
            memory = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
          }
        }
      } catch (IOException | NumberFormatException e) {
        memory = Runtime.getRuntime().maxMemory();
      }
      long disk;
      try {
        Path existing = workDir;
        while (existing != null && !Files.exists(existing)) {
          existing = existing.getParent();
        }
        disk = Files.getFileStore(existing == null ? Path.of("/") : existing).getUsableSpace();
      } catch (IOException e) {
        disk = 0;
      }
      return new Machine(Runtime.getRuntime().availableProcessors(), memory, disk);
    }
  }

  /** mem: total − 1 GB when at least 2 GB, else half; disk: free − 5 GB when at least 10 GB, else half (MB). */
  static String detected(Machine m) {
    long mem = m.memoryBytes() >= 2 * GB ? m.memoryBytes() - GB : m.memoryBytes() / 2;
    long disk = m.diskBytes() >= 10 * GB ? m.diskBytes() - 5 * GB : m.diskBytes() / 2;
    return "cpus:" + m.cores() + ";mem:" + mem / MB + ";disk:" + disk / MB + ";ports:[31000-32000]";
  }

  /** The configured resources under {@code role}, completed with detected ones for the names not configured. */
  static List<Resource> resolve(String configured, String role, Machine machine) {
    List<Resource> given = Resources.parse(configured, role);
    Set<String> names = given.stream().map(Resource::getName).collect(Collectors.toSet());
    List<Resource> out = new ArrayList<>(given);
    for (Resource r : Resources.parse(detected(machine), role)) {
      if (!names.contains(r.getName())) {
        out.add(r);
      }
    }
    return out;
  }
}
