package io.mezzo.marathon.mesos;

import io.mezzo.marathon.core.Instance;
import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.Container;
import io.mezzo.marathon.model.EnvVarValue;
import io.mezzo.marathon.model.FetchUri;
import io.mezzo.marathon.health.MarathonHealthChecks;
import io.mezzo.marathon.model.HealthCheck;
import io.mezzo.marathon.model.Network;
import io.mezzo.marathon.model.PathId;
import io.mezzo.marathon.model.PortDefinition;
import io.mezzo.marathon.model.PortMapping;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ContainerInfo;
import org.apache.mesos.v1.Protos.DiscoveryInfo;
import org.apache.mesos.v1.Protos.DurationInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.Image;
import org.apache.mesos.v1.Protos.KillPolicy;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Labels;
import org.apache.mesos.v1.Protos.Port;
import org.apache.mesos.v1.Protos.Ports;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;

/**
 * Builds the TaskInfo of one instance placed on an offer. Pure.
 *
 * <ul>
 *   <li>name: the app id reversed, dot-separated ({@code /prod/web} → {@code web.prod}), as Marathon names tasks;
 *   <li>command: {@code cmd} through the shell, or {@code args} without it; env with Marathon's variables
 *       ({@code MARATHON_APP_*}, {@code PORT0..n}, {@code PORT}, {@code PORTS}, {@code PORT_<NAME>}); fetch URIs;
 *       the app's user, else {@code defaultUser};
 *   <li>discovery: every port with its number, name, protocol (one entry per protocol of {@code "tcp,udp"}) and
 *       labels, so {@code VIP_n} labels reach DNS and the load balancer;
 *   <li>health check: the first {@code MESOS_HTTP}, {@code MESOS_HTTPS}, {@code MESOS_TCP} or {@code COMMAND} check,
 *       run next to the task by the agent ({@code HTTP}, {@code HTTPS} and {@code TCP} checks Marathon runs itself);
 *   <li>kill policy from {@code taskKillGracePeriodSeconds}.
 * </ul>
 * Secret references in {@code env} are left out: there is no secret store yet.
 */
public final class TaskInfos {

  private TaskInfos() {
  }

  public static TaskInfo build(AppDefinition app, Instance instance, String agentId, String hostname,
                               List<Resource> resources, List<Integer> hostPorts, String defaultUser) {
    String name = taskName(app.id());
    TaskInfo.Builder task = TaskInfo.newBuilder().setName(name)
        .setTaskId(TaskID.newBuilder().setValue(instance.taskId()))
        .setAgentId(AgentID.newBuilder().setValue(agentId))
        .addAllResources(resources)
        .setCommand(command(app, instance, hostname, hostPorts, defaultUser))
        .setDiscovery(discovery(app, name, hostPorts));
    if (!app.labels().isEmpty()) {
      task.setLabels(labels(app.labels()));
    }
    ContainerInfo container = container(app);
    if (container != null) {
      task.setContainer(container);
    }
    app.healthChecks().stream().filter(hc -> !MarathonHealthChecks.runByMarathon(hc)).findFirst()
        .ifPresent(hc -> task.setHealthCheck(healthCheck(hc, hostPorts)));
    KillPolicy kill = killPolicy(app);
    if (kill != null) {
      task.setKillPolicy(kill);
    }
    return task.build();
  }

  /** {@code /prod/web} → {@code web.prod}. */
  public static String taskName(String appId) {
    List<String> parts = new ArrayList<>(PathId.parse(appId).segments());
    java.util.Collections.reverse(parts);
    return String.join(".", parts);
  }

  static KillPolicy killPolicy(AppDefinition app) {
    Integer grace = app.taskKillGracePeriodSeconds();
    if (grace == null) {
      return null;
    }
    return KillPolicy.newBuilder().setGracePeriod(DurationInfo.newBuilder().setNanoseconds(grace * 1_000_000_000L))
        .build();
  }

  private static CommandInfo command(AppDefinition app, Instance instance, String hostname, List<Integer> hostPorts,
                                     String defaultUser) {
    CommandInfo.Builder cmd = CommandInfo.newBuilder();
    if (app.cmd() != null) {
      cmd.setShell(true).setValue(app.cmd());
    } else if (!app.args().isEmpty()) {
      cmd.setShell(false).addAllArguments(app.args());
      if (app.container() == null) {
        cmd.setValue(app.args().get(0));
      }
    } else {
      cmd.setShell(false);
    }
    String user = app.user() != null ? app.user() : defaultUser;
    if (user != null && !user.isEmpty()) {
      cmd.setUser(user);
    }
    for (FetchUri f : app.fetch()) {
      CommandInfo.URI.Builder uri = CommandInfo.URI.newBuilder().setValue(f.uri()).setExtract(f.extract())
          .setExecutable(f.executable()).setCache(f.cache());
      if (f.destPath() != null) {
        uri.setOutputFile(f.destPath());
      }
      cmd.addUris(uri);
    }
    Environment.Builder env = Environment.newBuilder();
    environment(app, instance, hostname, hostPorts).forEach((k, v) ->
        env.addVariables(Environment.Variable.newBuilder().setName(k).setValue(v)));
    return cmd.setEnvironment(env).build();
  }

  static Map<String, String> environment(AppDefinition app, Instance instance, String hostname,
                                         List<Integer> hostPorts) {
    Map<String, String> env = new LinkedHashMap<>();
    List<String> names = portNames(app);
    for (int i = 0; i < hostPorts.size(); i++) {
      env.put("PORT" + i, Integer.toString(hostPorts.get(i)));
      String portName = i < names.size() ? names.get(i) : null;
      if (portName != null && !portName.isEmpty()) {
        env.put("PORT_" + portName.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_"),
            Integer.toString(hostPorts.get(i)));
      }
    }
    if (!hostPorts.isEmpty()) {
      env.put("PORT", Integer.toString(hostPorts.get(0)));
      env.put("PORTS", String.join(",", hostPorts.stream().map(String::valueOf).toList()));
    }
    env.put("HOST", hostname);
    env.put("MESOS_TASK_ID", instance.taskId());
    env.put("MARATHON_APP_ID", app.id());
    env.put("MARATHON_APP_VERSION", app.version() == null ? "" : app.version());
    env.put("MARATHON_APP_DOCKER_IMAGE", app.container() != null && app.container().docker() != null
        && app.container().docker().image() != null ? app.container().docker().image() : "");
    env.put("MARATHON_APP_RESOURCE_CPUS", Double.toString(app.cpus()));
    env.put("MARATHON_APP_RESOURCE_MEM", Double.toString(app.mem()));
    env.put("MARATHON_APP_RESOURCE_DISK", Double.toString(app.disk()));
    env.put("MARATHON_APP_RESOURCE_GPUS", Integer.toString(app.gpus()));
    env.put("MARATHON_APP_LABELS", String.join(" ", app.labels().keySet().stream()
        .map(TaskInfos::labelEnvName).toList()));
    app.labels().forEach((k, v) -> env.put("MARATHON_APP_LABEL_" + labelEnvName(k), v));
    app.env().forEach((k, v) -> {
      if (v instanceof EnvVarValue.Literal literal) {
        env.put(k, literal.value());
      }
    });
    return env;
  }

  private static String labelEnvName(String key) {
    return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
  }

  private static List<String> portNames(AppDefinition app) {
    if (mapped(app)) {
      return app.container().portMappings().stream().filter(m -> m.hostPort() != null).map(PortMapping::name)
          .toList();
    }
    return app.portDefinitions().stream().map(PortDefinition::name).toList();
  }

  private static boolean mapped(AppDefinition app) {
    return app.container() != null && !app.container().portMappings().isEmpty();
  }

  static DiscoveryInfo discovery(AppDefinition app, String name, List<Integer> hostPorts) {
    Ports.Builder ports = Ports.newBuilder();
    if (mapped(app)) {
      int next = 0;
      for (PortMapping m : app.container().portMappings()) {
        int number = m.hostPort() != null && next < hostPorts.size() ? hostPorts.get(next++) : m.containerPort();
        addPorts(ports, number, m.name(), m.protocol(), m.labels());
      }
    } else {
      for (int i = 0; i < app.portDefinitions().size() && i < hostPorts.size(); i++) {
        PortDefinition d = app.portDefinitions().get(i);
        addPorts(ports, hostPorts.get(i), d.name(), d.protocol(), d.labels());
      }
    }
    return DiscoveryInfo.newBuilder().setVisibility(DiscoveryInfo.Visibility.FRAMEWORK).setName(name)
        .setPorts(ports).build();
  }

  private static void addPorts(Ports.Builder ports, int number, String name, String protocols,
                               Map<String, String> labels) {
    for (String protocol : protocols.split(",")) {
      Port.Builder p = Port.newBuilder().setNumber(number).setProtocol(protocol.trim());
      if (name != null && !name.isEmpty()) {
        p.setName(name);
      }
      if (!labels.isEmpty()) {
        p.setLabels(labels(labels));
      }
      ports.addPorts(p);
    }
  }

  private static Labels labels(Map<String, String> labels) {
    Labels.Builder out = Labels.newBuilder();
    labels.forEach((k, v) -> out.addLabels(Label.newBuilder().setKey(k).setValue(v)));
    return out.build();
  }

  private static ContainerInfo container(AppDefinition app) {
    Container c = app.container();
    if (c == null) {
      return null;
    }
    String image = c.docker() != null ? c.docker().image() : null;
    if (c.type() == Container.Type.DOCKER && image != null) {
      boolean bridge = app.networks().stream().anyMatch(n -> n.mode() == Network.Mode.CONTAINER_BRIDGE);
      ContainerInfo.DockerInfo.Builder docker = ContainerInfo.DockerInfo.newBuilder().setImage(image)
          .setPrivileged(c.docker().privileged()).setForcePullImage(c.docker().forcePullImage())
          .setNetwork(bridge ? ContainerInfo.DockerInfo.Network.BRIDGE : ContainerInfo.DockerInfo.Network.HOST);
      c.docker().parameters().forEach(p -> docker.addParameters(
          org.apache.mesos.v1.Protos.Parameter.newBuilder().setKey(p.key()).setValue(p.value())));
      return ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER).setDocker(docker).build();
    }
    ContainerInfo.Builder mesos = ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS);
    if (image != null) {
      mesos.setMesos(ContainerInfo.MesosInfo.newBuilder().setImage(Image.newBuilder().setType(Image.Type.DOCKER)
          .setDocker(Image.Docker.newBuilder().setName(image)).setCached(!c.docker().forcePullImage())));
    }
    return mesos.build();
  }

  static org.apache.mesos.v1.Protos.HealthCheck healthCheck(HealthCheck hc, List<Integer> hostPorts) {
    org.apache.mesos.v1.Protos.HealthCheck.Builder out = org.apache.mesos.v1.Protos.HealthCheck.newBuilder()
        .setDelaySeconds(hc.delaySeconds()).setIntervalSeconds(hc.intervalSeconds())
        .setTimeoutSeconds(hc.timeoutSeconds()).setConsecutiveFailures(hc.maxConsecutiveFailures())
        .setGracePeriodSeconds(hc.gracePeriodSeconds());
    int port = hc.port() != null ? hc.port()
        : hc.portIndex() != null && hc.portIndex() < hostPorts.size() ? hostPorts.get(hc.portIndex()) : 0;
    switch (hc.protocol()) {
      case COMMAND -> out.setType(org.apache.mesos.v1.Protos.HealthCheck.Type.COMMAND)
          .setCommand(CommandInfo.newBuilder().setShell(true)
              .setValue(hc.command() == null || hc.command().value() == null ? "" : hc.command().value()));
      case TCP, MESOS_TCP -> out.setType(org.apache.mesos.v1.Protos.HealthCheck.Type.TCP)
          .setTcp(org.apache.mesos.v1.Protos.HealthCheck.TCPCheckInfo.newBuilder().setPort(port));
      default -> {
        boolean https = hc.protocol() == HealthCheck.Protocol.HTTPS || hc.protocol() == HealthCheck.Protocol.MESOS_HTTPS;
        out.setType(org.apache.mesos.v1.Protos.HealthCheck.Type.HTTP)
            .setHttp(org.apache.mesos.v1.Protos.HealthCheck.HTTPCheckInfo.newBuilder().setPort(port)
                .setPath(hc.path() == null ? "/" : hc.path()).setScheme(https ? "https" : "http"));
      }
    }
    return out.build();
  }
}
