package io.mezzo.metronome.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * What one run of a job launches. Defaults are Metronome's and are filled in on construction, so a parsed spec
 * serializes with every default spelled out, as Metronome answers. Enumerated values ({@code restart.policy},
 * constraint operators, volume modes) stay strings so that a wrong value is a 422 with a path, not a parse error.
 *
 * <p>{@code env} values are either a string or {@code {"secret": "<name of an entry in secrets>"}}. {@code ucr},
 * {@code secrets} and {@code networks} are accepted and stored as given; Mezzo does not interpret them yet.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRunSpec(String cmd, List<String> args, Double cpus, Double mem, Double disk, Integer gpus,
                         Map<String, JsonNode> env, List<Artifact> artifacts, String user, Placement placement,
                         RestartSpec restart, Long maxLaunchDelay, Long taskKillGracePeriodSeconds,
                         List<Volume> volumes, DockerSpec docker, JsonNode ucr, JsonNode secrets, JsonNode networks) {

  public static final double DEFAULT_CPUS = 1.0;
  public static final double DEFAULT_MEM = 128;
  public static final double DEFAULT_DISK = 0;
  public static final int DEFAULT_GPUS = 0;
  public static final long DEFAULT_MAX_LAUNCH_DELAY_SECONDS = 3600;

  public JobRunSpec {
    cpus = cpus == null ? DEFAULT_CPUS : cpus;
    mem = mem == null ? DEFAULT_MEM : mem;
    disk = disk == null ? DEFAULT_DISK : disk;
    gpus = gpus == null ? DEFAULT_GPUS : gpus;
    env = env == null ? Map.of() : Map.copyOf(env);
    artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
    placement = placement == null ? new Placement(null) : placement;
    restart = restart == null ? new RestartSpec(null, null) : restart;
    maxLaunchDelay = maxLaunchDelay == null ? DEFAULT_MAX_LAUNCH_DELAY_SECONDS : maxLaunchDelay;
    volumes = volumes == null ? List.of() : List.copyOf(volumes);
  }

  /** A command-only run with every other field at its default. */
  public static JobRunSpec command(String cmd) {
    return new JobRunSpec(cmd, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null);
  }

  /** A URI the Mesos fetcher downloads into the sandbox. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Artifact(String uri, Boolean extract, Boolean executable, Boolean cache) {
    public Artifact {
      extract = extract == null ? Boolean.TRUE : extract;
      executable = executable == null ? Boolean.FALSE : executable;
      cache = cache == null ? Boolean.FALSE : cache;
    }
  }

  /** Agent constraints; every one must hold for an offer to be used. */
  public record Placement(List<Constraint> constraints) {
    public Placement {
      constraints = constraints == null ? List.of() : List.copyOf(constraints);
    }
  }

  /** {@code operator} is one of {@link Operator}; {@code LIKE}/{@code UNLIKE} values are regular expressions. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Constraint(String attribute, String operator, String value) {
    public enum Operator { IS, EQ, LIKE, UNLIKE }
  }

  /** {@code policy} is {@code NEVER} (default) or {@code ON_FAILURE}; no deadline means restart forever. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RestartSpec(String policy, Long activeDeadlineSeconds) {
    public enum Policy { NEVER, ON_FAILURE }

    public RestartSpec {
      policy = policy == null ? Policy.NEVER.name() : policy;
    }

    /** The policy as an enum; call only on a validated spec. */
    public Policy restartPolicy() {
      return Policy.valueOf(policy);
    }
  }

  /** Either a host volume ({@code hostPath} + {@code mode} RO|RW) or a file-based secret ({@code secret}). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Volume(String containerPath, String hostPath, String mode, String secret) {
  }

  /** A Docker image run by the Mesos containerizer. Stored; launching it comes with the Mesos client. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DockerSpec(String image, Boolean forcePullImage, Boolean privileged, List<Parameter> parameters) {
    public DockerSpec {
      forcePullImage = forcePullImage == null ? Boolean.FALSE : forcePullImage;
      privileged = privileged == null ? Boolean.FALSE : privileged;
      parameters = parameters == null ? List.of() : List.copyOf(parameters);
    }

    /** A {@code docker run} option such as {@code key=label, value=a=b}. */
    public record Parameter(String key, String value) {
    }
  }
}
