package io.mezzo.marathon.validation;

import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.Constraint;
import io.mezzo.marathon.model.Container;
import io.mezzo.marathon.model.EnvVarValue;
import io.mezzo.marathon.model.HealthCheck;
import io.mezzo.marathon.model.Network;
import io.mezzo.marathon.model.PathId;
import io.mezzo.marathon.model.PortDefinition;
import io.mezzo.marathon.model.PortMapping;
import io.mezzo.marathon.model.ReadinessCheck;
import io.mezzo.marathon.model.UnreachableStrategy;
import io.mezzo.marathon.model.Volume;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks one app against Marathon's rules. Never throws for any parsed app; returns an empty list when valid.
 * Paths use Marathon's notation, for example {@code /healthChecks(0)/timeoutSeconds}.
 */
public final class AppValidator {

  public static final String CMD_OR_ARGS =
      "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'.";
  public static final String CMD_AND_ARGS = "AppDefinition must not contain both 'cmd' and 'args'";
  public static final String RESERVED_NAME = "must not end with 'restart', 'tasks' or 'versions'";
  public static final String ROOT_ID = "Path must contain at least one path element";
  public static final String PORTS_UNIQUE = "Ports must be unique.";
  public static final String PORT_NAMES_UNIQUE = "Port names must be unique.";
  static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "udp,tcp", "tcp,udp");
  private static final Pattern EXECUTOR = Pattern.compile("^(//cmd)|(/?[^/]+(/[^/]+)*)|$");
  private static final Set<String> RESERVED = Set.of("restart", "tasks", "versions");

  private AppValidator() {
  }

  public static List<Violation> validate(AppDefinition app) {
    Problems p = new Problems();
    validateId(p, "/id", app.id());
    boolean hasCmd = app.cmd() != null;
    boolean hasArgs = !app.args().isEmpty();
    if (hasCmd && hasArgs) {
      p.add("/", CMD_AND_ARGS);
    } else if (!hasCmd && !hasArgs && app.container() == null) {
      p.add("/", CMD_OR_ARGS);
    }
    if (hasCmd && app.cmd().isEmpty()) {
      p.add("/cmd", "must not be empty");
    }
    p.min("/instances", app.instances(), 0);
    finite(p, "/cpus", app.cpus());
    p.min("/cpus", app.cpus(), 0.001);
    finite(p, "/mem", app.mem());
    p.min("/mem", app.mem(), 0);
    finite(p, "/disk", app.disk());
    p.min("/disk", app.disk(), 0);
    p.min("/gpus", app.gpus(), 0);
    p.min("/backoffSeconds", app.backoffSeconds(), 0);
    p.min("/backoffFactor", app.backoffFactor(), 1.0);
    p.min("/maxLaunchDelaySeconds", app.maxLaunchDelaySeconds(), 0);
    p.min("/taskKillGracePeriodSeconds", app.taskKillGracePeriodSeconds(), 0);
    if (!EXECUTOR.matcher(app.executor()).matches()) {
      p.add("/executor", "must fully match regular expression '" + EXECUTOR.pattern() + "'");
    }
    p.between("/upgradeStrategy/minimumHealthCapacity", app.upgradeStrategy().minimumHealthCapacity(), 0, 1);
    p.between("/upgradeStrategy/maximumOverCapacity", app.upgradeStrategy().maximumOverCapacity(), 0, 1);
    if (app.isResident()) {
      p.max("/upgradeStrategy/minimumHealthCapacity", app.upgradeStrategy().minimumHealthCapacity(), 0.5);
      p.max("/upgradeStrategy/maximumOverCapacity", app.upgradeStrategy().maximumOverCapacity(), 0);
    }
    if (app.unreachableStrategy() instanceof UnreachableStrategy.Enabled u) {
      p.min("/unreachableStrategy/inactiveAfterSeconds", u.inactiveAfterSeconds(), 0);
      p.min("/unreachableStrategy/expungeAfterSeconds", u.expungeAfterSeconds(), 0);
      if (u.inactiveAfterSeconds() > u.expungeAfterSeconds()) {
        p.add("/unreachableStrategy/inactiveAfterSeconds", "must be less or equal to expungeAfterSeconds");
      }
    }
    validateNetworks(p, app);
    validatePortDefinitions(p, app);
    validateContainer(p, app);
    validateHealthChecks(p, app);
    validateReadiness(p, app);
    for (int i = 0; i < app.constraints().size(); i++) {
      ConstraintRules.validate(p, "/constraints(" + i + ")", app.constraints().get(i));
    }
    Set<String> deps = new HashSet<>();
    for (int i = 0; i < app.dependencies().size(); i++) {
      String dep = app.dependencies().get(i);
      validateDependency(p, "/dependencies(" + i + ")", dep);
      if (!deps.add(dep)) {
        p.add("/dependencies", "must not contain duplicates");
      }
    }
    for (Map.Entry<String, EnvVarValue> e : app.env().entrySet()) {
      if (e.getKey().isEmpty()) {
        p.add("/env", "must not contain an empty name");
      }
      if (e.getValue() instanceof EnvVarValue.SecretRef ref && !app.secrets().containsKey(ref.secret())) {
        p.add("/env/" + e.getKey(), "references an undefined secret named '" + ref.secret() + "'");
      }
    }
    app.secrets().forEach((name, def) -> p.notBlank("/secrets/" + name + "/source", def.source()));
    app.labels().keySet().stream().filter(String::isEmpty)
        .forEach(k -> p.add("/labels", "must not contain an empty key"));
    if (new HashSet<>(app.acceptedResourceRoles()).size() != app.acceptedResourceRoles().size()) {
      p.add("/acceptedResourceRoles", "must not contain duplicates");
    }
    for (int i = 0; i < app.acceptedResourceRoles().size(); i++) {
      p.notBlank("/acceptedResourceRoles(" + i + ")", app.acceptedResourceRoles().get(i));
    }
    for (int i = 0; i < app.fetch().size(); i++) {
      p.notBlank("/fetch(" + i + ")/uri", app.fetch().get(i).uri());
    }
    return p.toList();
  }

  static void validateId(Problems p, String path, String id) {
    if (id == null || id.isEmpty()) {
      p.add(path, "must not be empty");
      return;
    }
    if (!PathId.isValid(id)) {
      p.add(path, "must fully match regular expression '" + PathId.ID_PATTERN.pattern() + "'");
      return;
    }
    PathId parsed = PathId.parse(id);
    if (parsed.isRoot()) {
      p.add(path, ROOT_ID);
    } else if (RESERVED.contains(parsed.name())) {
      p.add(path, RESERVED_NAME);
    }
  }

  private static void validateDependency(Problems p, String path, String dep) {
    if (dep == null || dep.isEmpty() || !PathId.isValid(dep)) {
      p.add(path, "must fully match regular expression '" + PathId.ID_PATTERN.pattern() + "'");
    }
  }

  private static void finite(Problems p, String path, Double value) {
    if (value != null && (value.isNaN() || value.isInfinite())) {
      p.add(path, "must be a finite number");
    }
  }

  private static void validateNetworks(Problems p, AppDefinition app) {
    long host = app.networks().stream().filter(n -> n.mode() == Network.Mode.HOST).count();
    long bridge = app.networks().stream().filter(n -> n.mode() == Network.Mode.CONTAINER_BRIDGE).count();
    if (host > 0 && app.networks().size() > 1) {
      p.add("/networks", "host networking may not be combined with other networks");
    }
    if (bridge > 0 && app.networks().size() > 1) {
      p.add("/networks", "bridge networking may not be combined with other networks");
    }
    for (int i = 0; i < app.networks().size(); i++) {
      Network n = app.networks().get(i);
      if (n.mode() != Network.Mode.CONTAINER && n.name() != null) {
        p.add("/networks(" + i + ")/name", "must be empty for " + n.mode().json() + " networking");
      }
    }
  }

  private static void validatePortDefinitions(Problems p, AppDefinition app) {
    List<PortDefinition> defs = app.portDefinitions();
    boolean hostNetwork = app.networks().stream().allMatch(n -> n.mode() == Network.Mode.HOST);
    if (!defs.isEmpty() && !hostNetwork) {
      p.add("/portDefinitions", "must be empty unless the app uses host networking");
    }
    Set<Integer> seen = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < defs.size(); i++) {
      PortDefinition d = defs.get(i);
      String path = "/portDefinitions(" + i + ")";
      p.between(path + "/port", d.port(), 0, 65535);
      if (d.port() != 0 && !seen.add(d.port())) {
        p.add("/portDefinitions", PORTS_UNIQUE);
      }
      if (d.name() != null && !names.add(d.name())) {
        p.add("/portDefinitions", PORT_NAMES_UNIQUE);
      }
      if (!PROTOCOLS.contains(d.protocol())) {
        p.add(path + "/protocol", "is not one of (tcp, udp, udp,tcp)");
      }
      if (app.requirePorts() && d.port() == 0) {
        p.add(path + "/port", "must be set when requirePorts is true");
      }
    }
  }

  private static void validateContainer(Problems p, AppDefinition app) {
    Container c = app.container();
    if (c == null) {
      return;
    }
    if (c.type() == Container.Type.DOCKER && (c.docker() == null || c.docker().image() == null
        || c.docker().image().isBlank())) {
      p.add("/container/docker/image", "must not be empty");
    }
    boolean hostNetwork = app.networks().stream().allMatch(n -> n.mode() == Network.Mode.HOST);
    if (hostNetwork && !c.portMappings().isEmpty()) {
      p.add("/container/portMappings", "must be empty for host networking; use portDefinitions");
    }
    Set<Integer> hostPorts = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < c.portMappings().size(); i++) {
      PortMapping m = c.portMappings().get(i);
      String path = "/container/portMappings(" + i + ")";
      p.between(path + "/containerPort", m.containerPort(), 0, 65535);
      p.between(path + "/hostPort", m.hostPort(), 0, 65535);
      p.between(path + "/servicePort", m.servicePort(), 0, 65535);
      if (m.hostPort() != null && m.hostPort() != 0 && !hostPorts.add(m.hostPort())) {
        p.add("/container/portMappings", PORTS_UNIQUE);
      }
      if (m.name() != null && !names.add(m.name())) {
        p.add("/container/portMappings", PORT_NAMES_UNIQUE);
      }
      if (!PROTOCOLS.contains(m.protocol())) {
        p.add(path + "/protocol", "is not one of (tcp, udp, udp,tcp)");
      }
    }
    for (int i = 0; i < c.volumes().size(); i++) {
      Volume v = c.volumes().get(i);
      String path = "/container/volumes(" + i + ")";
      p.notBlank(path + "/containerPath", v.containerPath());
      if (!v.mode().equals("RO") && !v.mode().equals("RW")) {
        p.add(path + "/mode", "is not one of (RO, RW)");
      }
      if (v.persistent() != null) {
        p.min(path + "/persistent/size", v.persistent().size() == null ? 0 : v.persistent().size(), 1);
      }
    }
  }

  private static int portCount(AppDefinition app) {
    return app.container() != null && !app.container().portMappings().isEmpty()
        ? app.container().portMappings().size() : app.portDefinitions().size();
  }

  private static List<String> portNames(AppDefinition app) {
    List<String> out = new ArrayList<>();
    app.portDefinitions().forEach(d -> out.add(d.name()));
    if (app.container() != null) {
      app.container().portMappings().forEach(m -> out.add(m.name()));
    }
    return out;
  }

  private static void validateHealthChecks(Problems p, AppDefinition app) {
    for (int i = 0; i < app.healthChecks().size(); i++) {
      HealthCheck h = app.healthChecks().get(i);
      String path = "/healthChecks(" + i + ")";
      p.min(path + "/gracePeriodSeconds", h.gracePeriodSeconds(), 0);
      p.min(path + "/intervalSeconds", h.intervalSeconds(), 1);
      p.min(path + "/timeoutSeconds", h.timeoutSeconds(), 1);
      p.min(path + "/maxConsecutiveFailures", h.maxConsecutiveFailures(), 0);
      p.min(path + "/delaySeconds", h.delaySeconds(), 0);
      if (h.timeoutSeconds() >= h.intervalSeconds()) {
        p.add(path + "/timeoutSeconds", "must be smaller than intervalSeconds");
      }
      if (h.protocol() == HealthCheck.Protocol.COMMAND) {
        if (h.command() == null || h.command().value() == null || h.command().value().isBlank()) {
          p.add(path + "/command", "must not be empty for protocol COMMAND");
        }
      } else {
        if (h.command() != null) {
          p.add(path + "/command", "is only allowed for protocol COMMAND");
        }
        if (h.port() != null && h.portIndex() != null) {
          p.add(path, "must not set both port and portIndex");
        }
        p.between(path + "/port", h.port(), 0, 65535);
        if (h.portIndex() != null && (h.portIndex() < 0 || h.portIndex() >= portCount(app))) {
          p.add(path + "/portIndex", "must refer to one of the app's " + portCount(app) + " ports");
        }
      }
      if (h.path() != null && !h.protocol().isHttp()) {
        p.add(path + "/path", "is only allowed for HTTP and HTTPS checks");
      }
    }
  }

  private static void validateReadiness(Problems p, AppDefinition app) {
    List<String> names = portNames(app);
    for (int i = 0; i < app.readinessChecks().size(); i++) {
      ReadinessCheck r = app.readinessChecks().get(i);
      String path = "/readinessChecks(" + i + ")";
      p.min(path + "/intervalSeconds", r.intervalSeconds(), 1);
      p.min(path + "/timeoutSeconds", r.timeoutSeconds(), 1);
      if (r.timeoutSeconds() >= r.intervalSeconds()) {
        p.add(path + "/timeoutSeconds", "must be smaller than intervalSeconds");
      }
      if (!names.contains(r.portName())) {
        p.add(path + "/portName", "must be the name of one of the app's ports");
      }
      if (!r.protocol().equals("HTTP") && !r.protocol().equals("HTTPS")) {
        p.add(path + "/protocol", "is not one of (HTTP, HTTPS)");
      }
      if (r.httpStatusCodesForReady().isEmpty()) {
        p.add(path + "/httpStatusCodesForReady", "must not be empty");
      }
      for (Integer code : r.httpStatusCodesForReady()) {
        if (code < 100 || code > 599) {
          p.add(path + "/httpStatusCodesForReady", "must contain HTTP status codes (100..599)");
        }
      }
    }
  }

  /** Kept for callers that validate a constraint list outside an app (pods). */
  public static List<Violation> validateConstraints(List<Constraint> constraints) {
    Problems p = new Problems();
    for (int i = 0; i < constraints.size(); i++) {
      ConstraintRules.validate(p, "/constraints(" + i + ")", constraints.get(i));
    }
    return p.toList();
  }
}
