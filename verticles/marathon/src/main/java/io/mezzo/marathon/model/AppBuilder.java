package io.mezzo.marathon.model;

import java.util.List;
import java.util.Map;

/** Builds {@link AppDefinition}s field by field; unset fields get Marathon's defaults. */
public final class AppBuilder {

  private String id;
  private String cmd;
  private List<String> args;
  private String user;
  private Map<String, EnvVarValue> env;
  private Integer instances;
  private Double cpus;
  private Double mem;
  private Double disk;
  private Integer gpus;
  private String executor;
  private List<Constraint> constraints;
  private List<FetchUri> fetch;
  private List<PortDefinition> portDefinitions;
  private Boolean requirePorts;
  private Double backoffSeconds;
  private Double backoffFactor;
  private Double maxLaunchDelaySeconds;
  private Container container;
  private List<HealthCheck> healthChecks;
  private List<ReadinessCheck> readinessChecks;
  private List<String> dependencies;
  private UpgradeStrategy upgradeStrategy;
  private Map<String, String> labels;
  private List<String> acceptedResourceRoles;
  private String role;
  private List<Network> networks;
  private UnreachableStrategy unreachableStrategy;
  private KillSelection killSelection;
  private Map<String, SecretDef> secrets;
  private Integer taskKillGracePeriodSeconds;
  private String version;
  private VersionInfo versionInfo;

  AppBuilder(String id) {
    this.id = id;
  }

  AppBuilder(AppDefinition app) {
    this.id = app.id();
    this.cmd = app.cmd();
    this.args = app.args();
    this.user = app.user();
    this.env = app.env();
    this.instances = app.instances();
    this.cpus = app.cpus();
    this.mem = app.mem();
    this.disk = app.disk();
    this.gpus = app.gpus();
    this.executor = app.executor();
    this.constraints = app.constraints();
    this.fetch = app.fetch();
    this.portDefinitions = app.portDefinitions();
    this.requirePorts = app.requirePorts();
    this.backoffSeconds = app.backoffSeconds();
    this.backoffFactor = app.backoffFactor();
    this.maxLaunchDelaySeconds = app.maxLaunchDelaySeconds();
    this.container = app.container();
    this.healthChecks = app.healthChecks();
    this.readinessChecks = app.readinessChecks();
    this.dependencies = app.dependencies();
    this.upgradeStrategy = app.upgradeStrategy();
    this.labels = app.labels();
    this.acceptedResourceRoles = app.acceptedResourceRoles();
    this.role = app.role();
    this.networks = app.networks();
    this.unreachableStrategy = app.unreachableStrategy();
    this.killSelection = app.killSelection();
    this.secrets = app.secrets();
    this.taskKillGracePeriodSeconds = app.taskKillGracePeriodSeconds();
    this.version = app.version();
    this.versionInfo = app.versionInfo();
  }

  public AppBuilder id(String id) {
    this.id = id;
    return this;
  }

  public AppBuilder cmd(String cmd) {
    this.cmd = cmd;
    return this;
  }

  public AppBuilder args(List<String> args) {
    this.args = args;
    return this;
  }

  public AppBuilder user(String user) {
    this.user = user;
    return this;
  }

  public AppBuilder env(Map<String, EnvVarValue> env) {
    this.env = env;
    return this;
  }

  public AppBuilder instances(Integer instances) {
    this.instances = instances;
    return this;
  }

  public AppBuilder cpus(Double cpus) {
    this.cpus = cpus;
    return this;
  }

  public AppBuilder mem(Double mem) {
    this.mem = mem;
    return this;
  }

  public AppBuilder disk(Double disk) {
    this.disk = disk;
    return this;
  }

  public AppBuilder gpus(Integer gpus) {
    this.gpus = gpus;
    return this;
  }

  public AppBuilder executor(String executor) {
    this.executor = executor;
    return this;
  }

  public AppBuilder constraints(List<Constraint> constraints) {
    this.constraints = constraints;
    return this;
  }

  public AppBuilder fetch(List<FetchUri> fetch) {
    this.fetch = fetch;
    return this;
  }

  public AppBuilder portDefinitions(List<PortDefinition> portDefinitions) {
    this.portDefinitions = portDefinitions;
    return this;
  }

  public AppBuilder requirePorts(Boolean requirePorts) {
    this.requirePorts = requirePorts;
    return this;
  }

  public AppBuilder backoffSeconds(Double backoffSeconds) {
    this.backoffSeconds = backoffSeconds;
    return this;
  }

  public AppBuilder backoffFactor(Double backoffFactor) {
    this.backoffFactor = backoffFactor;
    return this;
  }

  public AppBuilder maxLaunchDelaySeconds(Double maxLaunchDelaySeconds) {
    this.maxLaunchDelaySeconds = maxLaunchDelaySeconds;
    return this;
  }

  public AppBuilder container(Container container) {
    this.container = container;
    return this;
  }

  public AppBuilder healthChecks(List<HealthCheck> healthChecks) {
    this.healthChecks = healthChecks;
    return this;
  }

  public AppBuilder readinessChecks(List<ReadinessCheck> readinessChecks) {
    this.readinessChecks = readinessChecks;
    return this;
  }

  public AppBuilder dependencies(List<String> dependencies) {
    this.dependencies = dependencies;
    return this;
  }

  public AppBuilder upgradeStrategy(UpgradeStrategy upgradeStrategy) {
    this.upgradeStrategy = upgradeStrategy;
    return this;
  }

  public AppBuilder labels(Map<String, String> labels) {
    this.labels = labels;
    return this;
  }

  public AppBuilder acceptedResourceRoles(List<String> acceptedResourceRoles) {
    this.acceptedResourceRoles = acceptedResourceRoles;
    return this;
  }

  public AppBuilder role(String role) {
    this.role = role;
    return this;
  }

  public AppBuilder networks(List<Network> networks) {
    this.networks = networks;
    return this;
  }

  public AppBuilder unreachableStrategy(UnreachableStrategy unreachableStrategy) {
    this.unreachableStrategy = unreachableStrategy;
    return this;
  }

  public AppBuilder killSelection(KillSelection killSelection) {
    this.killSelection = killSelection;
    return this;
  }

  public AppBuilder secrets(Map<String, SecretDef> secrets) {
    this.secrets = secrets;
    return this;
  }

  public AppBuilder taskKillGracePeriodSeconds(Integer taskKillGracePeriodSeconds) {
    this.taskKillGracePeriodSeconds = taskKillGracePeriodSeconds;
    return this;
  }

  public AppBuilder version(String version) {
    this.version = version;
    return this;
  }

  public AppBuilder versionInfo(VersionInfo versionInfo) {
    this.versionInfo = versionInfo;
    return this;
  }

  public AppDefinition build() {
    return new AppDefinition(
        id, cmd, args, user, env, instances, cpus, mem, disk, gpus, executor, constraints, fetch,
        portDefinitions, requirePorts, backoffSeconds, backoffFactor, maxLaunchDelaySeconds, container,
        healthChecks, readinessChecks, dependencies, upgradeStrategy, labels, acceptedResourceRoles, role,
        networks, unreachableStrategy, killSelection, secrets, taskKillGracePeriodSeconds, version,
        versionInfo);
  }
}
