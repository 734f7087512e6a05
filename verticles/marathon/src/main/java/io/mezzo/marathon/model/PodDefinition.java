package io.mezzo.marathon.model;

import java.util.List;
import java.util.Map;

/**
 * A pod: containers launched together as one Mesos task group on one agent, sharing the default executor's
 * sandbox and lifecycle, scaled and upgraded together. {@code versionInfo} is kept in the stored state (the
 * configuration version the pod's instances carry) and not shown by the API.
 */
public record PodDefinition(String id, Map<String, String> labels, String user, List<PodContainer> containers,
                            List<Network> networks, Scaling scaling, String version, Map<String, String> environment,
                            Scheduling scheduling, VersionInfo versionInfo) {

  public PodDefinition {
    labels = Defaults.map(labels);
    containers = Defaults.list(containers);
    networks = networks == null || networks.isEmpty() ? List.of(Network.HOST) : List.copyOf(networks);
    scaling = scaling == null ? new Scaling("fixed", 1, null) : scaling;
    environment = Defaults.map(environment);
    scheduling = scheduling == null ? new Scheduling(null, null, null) : scheduling;
  }

  public PodDefinition(String id, Map<String, String> labels, String user, List<PodContainer> containers,
                       List<Network> networks, Scaling scaling, String version) {
    this(id, labels, user, containers, networks, scaling, version, null, null, null);
  }

  public PodDefinition withId(String newId) {
    return new PodDefinition(newId, labels, user, containers, networks, scaling, version, environment, scheduling,
        versionInfo);
  }

  public PodDefinition withVersion(String newVersion, VersionInfo info) {
    return new PodDefinition(id, labels, user, containers, networks, scaling, newVersion, environment, scheduling,
        info);
  }

  /** The same pod without what changes on every deployment; equal results mean "only scaled". */
  public PodDefinition configKey() {
    return new PodDefinition(id, labels, user, containers, networks, new Scaling(scaling.kind(), 0,
        scaling.maxInstances()), null, environment, scheduling, null);
  }

  public record PodContainer(String name, Resources resources, Image image, Exec exec, List<Endpoint> endpoints,
                             Map<String, String> environment, Map<String, String> labels, PodHealthCheck healthCheck) {
    public PodContainer {
      resources = resources == null ? new Resources(null, null, null, null) : resources;
      endpoints = Defaults.list(endpoints);
      environment = Defaults.map(environment);
      labels = Defaults.map(labels);
    }

    public PodContainer(String name, Resources resources, Image image, Exec exec, List<Endpoint> endpoints) {
      this(name, resources, image, exec, endpoints, null, null, null);
    }
  }

  public record Resources(Double cpus, Double mem, Double disk, Integer gpus) {
    public Resources {
      cpus = cpus == null ? 1.0 : cpus;
      mem = mem == null ? 128.0 : mem;
      disk = disk == null ? 0.0 : disk;
      gpus = gpus == null ? 0 : gpus;
    }
  }

  public record Image(String kind, String id) {
  }

  /** {@code command: {"shell": "..."}}. */
  public record Exec(Map<String, String> command) {
    public String shell() {
      return command == null ? null : command.get("shell");
    }
  }

  public record Endpoint(String name, Integer containerPort, Integer hostPort, List<String> protocol) {
  }

  public record Scaling(String kind, Integer instances, Integer maxInstances) {
    public Scaling {
      kind = kind == null ? "fixed" : kind;
      instances = instances == null ? 1 : instances;
    }
  }

  /** {@code scheduling}: the upgrade strategy (Marathon's default 1 / 1), the launch backoff and placement. */
  public record Scheduling(UpgradeStrategy upgrade, Backoff backoff, Placement placement) {
    public Scheduling {
      upgrade = upgrade == null ? UpgradeStrategy.DEFAULT : upgrade;
      backoff = backoff == null ? new Backoff(null, null, null) : backoff;
      placement = placement == null ? new Placement(null, null) : placement;
    }
  }

  /** {@code scheduling.placement}: constraints as objects, and the roles whose resources may be used. */
  public record Placement(List<PodConstraint> constraints, List<String> acceptedResourceRoles) {
    public Placement {
      constraints = Defaults.list(constraints);
      acceptedResourceRoles = Defaults.list(acceptedResourceRoles);
    }
  }

  /** A pod constraint, {@code {"fieldName": "hostname", "operator": "UNIQUE", "value": ...}}. */
  public record PodConstraint(String fieldName, String operator, String value) {
    public Constraint toConstraint() {
      return new Constraint(fieldName, operator, value);
    }
  }

  public record Backoff(Double backoff, Double backoffFactor, Double maxLaunchDelay) {
    public Backoff {
      backoff = backoff == null ? AppDefinition.DEFAULT_BACKOFF_SECONDS : backoff;
      backoffFactor = backoffFactor == null ? AppDefinition.DEFAULT_BACKOFF_FACTOR : backoffFactor;
      maxLaunchDelay = maxLaunchDelay == null ? AppDefinition.DEFAULT_MAX_LAUNCH_DELAY_SECONDS : maxLaunchDelay;
    }
  }

  /**
   * A container's health check, run by the agent: exactly one of {@code http} (endpoint name, path, scheme),
   * {@code tcp} (endpoint name) or {@code exec} (shell command).
   */
  public record PodHealthCheck(HttpCheck http, TcpCheck tcp, Exec exec, Integer gracePeriodSeconds,
                               Integer intervalSeconds, Integer maxConsecutiveFailures, Integer timeoutSeconds,
                               Integer delaySeconds) {
    public PodHealthCheck {
      gracePeriodSeconds = gracePeriodSeconds == null ? 300 : gracePeriodSeconds;
      intervalSeconds = intervalSeconds == null ? 60 : intervalSeconds;
      maxConsecutiveFailures = maxConsecutiveFailures == null ? 3 : maxConsecutiveFailures;
      timeoutSeconds = timeoutSeconds == null ? 20 : timeoutSeconds;
      delaySeconds = delaySeconds == null ? 2 : delaySeconds;
    }
  }

  public record HttpCheck(String endpoint, String path, String scheme) {
  }

  public record TcpCheck(String endpoint) {
  }
}
