package io.mezzo.agent;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.mezzo.common.component.ComponentConfig;
import io.mezzo.common.config.Checks;
import io.mezzo.mesos.proto.Resources;
import java.util.List;

/**
 * The {@code mesos-agent} section. Names follow Mesos's agent flags where one exists.
 *
 * @param hostname                    advertised host name; empty means {@code cluster.host}
 * @param workDir                     sandboxes and checkpoints; empty means {@code <cluster work dir>/agent}
 * @param resources                   Mesos resource text ({@code cpus:4;mem:8192;ports:[31000-32000]}); empty detects them
 * @param attributes                  Mesos attribute text ({@code rack:a;zone:west})
 * @param publicAgent                 a public agent: its resources are reserved for role {@code slave_public}
 * @param isolation                   {@code auto} (cgroups when mounted and writable, else posix), {@code cgroups} or {@code posix}
 * @param namespaces                  namespaces each task's command gets of its own: {@code pid}, {@code mount}; empty for none
 * @param cgroupsRoot                 the cgroup under which each container gets its own, e.g. {@code mezzo}
 * @param pidsLimit                   most processes a container may have; 0 for no limit
 * @param registrationBackoffFactorMs first (re-)registration retry delay bound; doubles up to the max
 * @param registrationBackoffMaxMs    largest (re-)registration retry delay bound
 * @param statusUpdateRetryMs         first resend of an unacknowledged status update; doubles up to the max
 * @param statusUpdateRetryMaxMs      largest resend interval
 * @param killGracePeriodMs           SIGTERM-to-SIGKILL delay when the kill policy gives none
 * @param gcDelayMs                   how long a finished container's sandbox is kept (Mesos's {@code gc_delay})
 * @param gcDiskHeadroom              share of the work dir's disk to keep free: the fuller the disk, the sooner
 *                                    sandboxes go (Mesos's {@code gc_disk_headroom})
 * @param logMaxBytes                 rotate a running task's stdout/stderr once larger; 0 never rotates
 * @param logFilesKept                rotated files kept per stream ({@code stdout.1} … {@code stdout.N})
 * @param executorReregistrationTimeoutMs how long a restarted agent waits for a still running custom executor to
 *                                    subscribe again before killing it (Mesos's {@code executor_reregistration_timeout})
 */
public record AgentConfig(boolean enabled, int port, String hostname, String workDir, String resources, String attributes,
                          @JsonProperty("public") boolean publicAgent, String isolation, List<String> namespaces,
                          String cgroupsRoot, int pidsLimit,
                          int registrationBackoffFactorMs, int registrationBackoffMaxMs, int statusUpdateRetryMs,
                          int statusUpdateRetryMaxMs, int killGracePeriodMs, long gcDelayMs, double gcDiskHeadroom, long logMaxBytes,
                          int logFilesKept, int executorReregistrationTimeoutMs)
    implements ComponentConfig {

  public static final String PUBLIC_ROLE = "slave_public";
  public static final List<String> ISOLATIONS = List.of("auto", "cgroups", "posix");

  public static final AgentConfig DEFAULTS = new AgentConfig(true, 5051, "", "", "", "", false, "auto", List.of(), "mezzo", 4096,
      1_000, 60_000, 10_000, 600_000, 3_000, 7L * 24 * 3600 * 1000, 0.1, 0, 5, 2_000);

  @Override
  public void validate(Checks checks) {
    checks.port("port", port)
        .oneOf("isolation", isolation, ISOLATIONS)
        .that("namespaces", namespaces != null && Namespaces.NAMES.containsAll(namespaces),
            "must list only " + Namespaces.NAMES + ", got " + namespaces)
        .that("cgroups_root", cgroupsRoot.matches("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*") && !cgroupsRoot.contains(".."),
            "must be a relative cgroup path like mezzo, got '" + cgroupsRoot + "'")
        .range("pids_limit", pidsLimit, 0, 4_194_304)
        .range("registration_backoff_factor_ms", registrationBackoffFactorMs, 1, 3_600_000)
        .range("registration_backoff_max_ms", registrationBackoffMaxMs, registrationBackoffFactorMs, 3_600_000)
        .range("status_update_retry_ms", statusUpdateRetryMs, 10, 3_600_000)
        .range("status_update_retry_max_ms", statusUpdateRetryMaxMs, statusUpdateRetryMs, 86_400_000)
        .range("kill_grace_period_ms", killGracePeriodMs, 0, 3_600_000)
        .that("gc_delay_ms", gcDelayMs >= 0, "must be 0 or more, got " + gcDelayMs)
        .that("gc_disk_headroom", gcDiskHeadroom >= 0 && gcDiskHeadroom <= 1, "must be between 0 and 1, got " + gcDiskHeadroom)
        .that("log_max_bytes", logMaxBytes == 0 || logMaxBytes >= 1024, "must be 0 (no rotation) or at least 1024, got " + logMaxBytes)
        .range("log_files_kept", logFilesKept, 1, 1000)
        .range("executor_reregistration_timeout_ms", executorReregistrationTimeoutMs, 1, 900_000)
        .that("resources", resourcesProblem(resources) == null, String.valueOf(resourcesProblem(resources)))
        .that("attributes", Attributes.problem(attributes) == null, String.valueOf(Attributes.problem(attributes)));
  }

  private static String resourcesProblem(String text) {
    try {
      Resources.parse(text, Resources.UNRESERVED);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }
}
