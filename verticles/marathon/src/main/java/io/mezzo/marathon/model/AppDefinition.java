package io.mezzo.marathon.model;

import java.util.List;
import java.util.Map;

/**
 * A Marathon app with the defaults of the v2 API filled in, so that {@link MarathonJson#write} prints what
 * Marathon prints. A {@code null} stays {@code null} only for fields without a default ({@code cmd}, {@code user},
 * {@code container}, {@code role}, {@code taskKillGracePeriodSeconds}, {@code version}, {@code versionInfo}).
 * {@code id} is kept as written; {@link #pathId()} gives the parsed form.
 */
public record AppDefinition(
    String id,
    String cmd,
    List<String> args,
    String user,
    Map<String, EnvVarValue> env,
    Integer instances,
    Double cpus,
    Double mem,
    Double disk,
    Integer gpus,
    String executor,
    List<Constraint> constraints,
    List<FetchUri> fetch,
    List<PortDefinition> portDefinitions,
    Boolean requirePorts,
    Double backoffSeconds,
    Double backoffFactor,
    Double maxLaunchDelaySeconds,
    Container container,
    List<HealthCheck> healthChecks,
    List<ReadinessCheck> readinessChecks,
    List<String> dependencies,
    UpgradeStrategy upgradeStrategy,
    Map<String, String> labels,
    List<String> acceptedResourceRoles,
    String role,
    List<Network> networks,
    UnreachableStrategy unreachableStrategy,
    KillSelection killSelection,
    Map<String, SecretDef> secrets,
    Integer taskKillGracePeriodSeconds,
    String version,
    VersionInfo versionInfo) {

  public static final int DEFAULT_INSTANCES = 1;
  public static final double DEFAULT_CPUS = 1.0;
  public static final double DEFAULT_MEM = 128.0;
  public static final double DEFAULT_BACKOFF_SECONDS = 1.0;
  public static final double DEFAULT_BACKOFF_FACTOR = 1.15;
  /** The RAML default at Marathon's last release (older docs said 3600). */
  public static final double DEFAULT_MAX_LAUNCH_DELAY_SECONDS = 300.0;

  public AppDefinition {
    args = Defaults.list(args);
    env = Defaults.map(env);
    instances = instances == null ? DEFAULT_INSTANCES : instances;
    cpus = cpus == null ? DEFAULT_CPUS : cpus;
    mem = mem == null ? DEFAULT_MEM : mem;
    disk = disk == null ? 0.0 : disk;
    gpus = gpus == null ? 0 : gpus;
    executor = executor == null ? "" : executor;
    constraints = Defaults.list(constraints);
    fetch = Defaults.list(fetch);
    networks = networks == null || networks.isEmpty() ? List.of(Network.HOST) : List.copyOf(networks);
    if (portDefinitions == null) {
      boolean hostNetwork = networks.stream().allMatch(n -> n.mode() == Network.Mode.HOST);
      boolean mapped = container != null && !container.portMappings().isEmpty();
      portDefinitions = hostNetwork && !mapped ? List.of(PortDefinition.defaultPort()) : List.of();
    } else {
      portDefinitions = List.copyOf(portDefinitions);
    }
    requirePorts = requirePorts == null ? Boolean.FALSE : requirePorts;
    backoffSeconds = backoffSeconds == null ? DEFAULT_BACKOFF_SECONDS : backoffSeconds;
    backoffFactor = backoffFactor == null ? DEFAULT_BACKOFF_FACTOR : backoffFactor;
    maxLaunchDelaySeconds = maxLaunchDelaySeconds == null ? DEFAULT_MAX_LAUNCH_DELAY_SECONDS : maxLaunchDelaySeconds;
    healthChecks = Defaults.list(healthChecks);
    readinessChecks = Defaults.list(readinessChecks);
    dependencies = Defaults.list(dependencies);
    boolean resident = container != null && container.hasPersistentVolumes();
    if (upgradeStrategy == null) {
      upgradeStrategy = resident ? UpgradeStrategy.RESIDENT_DEFAULT : UpgradeStrategy.DEFAULT;
    }
    labels = Defaults.map(labels);
    acceptedResourceRoles = Defaults.list(acceptedResourceRoles);
    if (unreachableStrategy == null) {
      unreachableStrategy = resident ? new UnreachableStrategy.Disabled() : UnreachableStrategy.DEFAULT;
    }
    killSelection = killSelection == null ? KillSelection.YOUNGEST_FIRST : killSelection;
    secrets = Defaults.map(secrets);
  }

  /** An app with every default; handy in tests and when building apps in code. */
  public static AppDefinition of(String id, String cmd) {
    return builder(id).cmd(cmd).build();
  }

  public static AppBuilder builder(String id) {
    return new AppBuilder(id);
  }

  public AppBuilder toBuilder() {
    return new AppBuilder(this);
  }

  public PathId pathId() {
    return PathId.parse(id == null ? "" : id);
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isResident() {
    return container != null && container.hasPersistentVolumes();
  }

  /** The same app without the fields that change on every deployment; equal results mean "only scaled". */
  public AppDefinition configKey() {
    return toBuilder().instances(0).version(null).versionInfo(null).build();
  }

  public boolean isOnlyScaleChangeOf(AppDefinition other) {
    return configKey().equals(other.configKey());
  }
}
