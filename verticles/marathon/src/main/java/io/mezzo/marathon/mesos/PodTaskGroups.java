package io.mezzo.marathon.mesos;

import io.mezzo.marathon.core.Instance;
import io.mezzo.marathon.model.PodDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.HealthCheck;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Labels;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskGroupInfo;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;

/**
 * Builds the {@code LAUNCH_GROUP} operation of one pod instance placed on an offer. Pure.
 *
 * <ul>
 *   <li>executor: type {@code DEFAULT}, id {@code <instance id>.executor}; its tasks share its sandbox and lifecycle
 *       (when one fails the agent kills the others);
 *   <li>one task per container, id {@code <task id of the instance>.<container name>}, name = the container's name,
 *       with the container's own resources and host ports (endpoints in container order);
 *   <li>command: {@code exec.command.shell} through the shell, as the pod's user; env: the pod's {@code environment},
 *       the container's, then {@code MARATHON_APP_ID}, {@code MESOS_TASK_ID}, {@code HOST} and
 *       {@code ENDPOINT_<NAME>} (the allocated host port of every endpoint of the pod);
 *   <li>health check: the container's {@code healthCheck} (http / tcp against an endpoint's host port, or exec) as
 *       the task's Mesos health check, run by the agent.
 * </ul>
 */
public final class PodTaskGroups {

  private PodTaskGroups() {
  }

  /** The task id of a container of a pod instance. */
  public static String taskId(Instance instance, String container) {
    return instance.taskId() + "." + container;
  }

  public static Offer.Operation launch(PodDefinition pod, Instance instance, String frameworkId, String agentId,
                                       String hostname, List<List<Resource>> perContainer, List<Integer> hostPorts,
                                       String defaultUser) {
    Map<String, Integer> endpointPorts = new LinkedHashMap<>();
    int next = 0;
    for (PodDefinition.PodContainer c : pod.containers()) {
      for (PodDefinition.Endpoint e : c.endpoints()) {
        endpointPorts.put(e.name(), next < hostPorts.size() ? hostPorts.get(next) : 0);
        next++;
      }
    }
    String user = pod.user() != null ? pod.user() : defaultUser;
    ExecutorInfo.Builder executor = ExecutorInfo.newBuilder().setType(ExecutorInfo.Type.DEFAULT)
        .setExecutorId(ExecutorID.newBuilder().setValue(instance.instanceId() + ".executor"))
        .setName("pod " + pod.id());
    if (frameworkId != null) {
      executor.setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId));
    }
    TaskGroupInfo.Builder group = TaskGroupInfo.newBuilder();
    for (int i = 0; i < pod.containers().size(); i++) {
      PodDefinition.PodContainer c = pod.containers().get(i);
      String taskId = taskId(instance, c.name());
      CommandInfo.Builder cmd = CommandInfo.newBuilder();
      String shell = c.exec() == null ? null : c.exec().shell();
      if (shell != null) {
        cmd.setShell(true).setValue(shell);
      } else {
        cmd.setShell(false);
      }
      if (user != null && !user.isEmpty()) {
        cmd.setUser(user);
      }
      Map<String, String> env = new LinkedHashMap<>(pod.environment());
      env.putAll(c.environment());
      env.put("MARATHON_APP_ID", pod.id());
      env.put("MESOS_TASK_ID", taskId);
      env.put("HOST", hostname);
      endpointPorts.forEach((name, port) -> env.put("ENDPOINT_" + envName(name), String.valueOf(port)));
      Environment.Builder environment = Environment.newBuilder();
      env.forEach((k, v) -> environment.addVariables(Environment.Variable.newBuilder().setName(k).setValue(v)));
      cmd.setEnvironment(environment);
      TaskInfo.Builder task = TaskInfo.newBuilder().setName(c.name())
          .setTaskId(TaskID.newBuilder().setValue(taskId))
          .setAgentId(AgentID.newBuilder().setValue(agentId))
          .addAllResources(perContainer.get(i))
          .setCommand(cmd);
      Map<String, String> labels = new LinkedHashMap<>(pod.labels());
      labels.putAll(c.labels());
      if (!labels.isEmpty()) {
        Labels.Builder out = Labels.newBuilder();
        labels.forEach((k, v) -> out.addLabels(Label.newBuilder().setKey(k).setValue(v)));
        task.setLabels(out);
      }
      if (c.healthCheck() != null) {
        task.setHealthCheck(healthCheck(c.healthCheck(), endpointPorts));
      }
      group.addTasks(task);
    }
    return Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH_GROUP)
        .setLaunchGroup(Offer.Operation.LaunchGroup.newBuilder().setExecutor(executor).setTaskGroup(group)).build();
  }

  /** The host ports of each container's endpoints, split from the instance's ports in container order. */
  public static List<List<Integer>> portsPerContainer(PodDefinition pod, List<Integer> hostPorts) {
    List<List<Integer>> out = new ArrayList<>();
    int next = 0;
    for (PodDefinition.PodContainer c : pod.containers()) {
      List<Integer> mine = new ArrayList<>();
      for (int k = 0; k < c.endpoints().size(); k++) {
        if (next < hostPorts.size()) {
          mine.add(hostPorts.get(next));
        }
        next++;
      }
      out.add(mine);
    }
    return out;
  }

  static HealthCheck healthCheck(PodDefinition.PodHealthCheck hc, Map<String, Integer> endpointPorts) {
    HealthCheck.Builder out = HealthCheck.newBuilder().setDelaySeconds(hc.delaySeconds())
        .setIntervalSeconds(hc.intervalSeconds()).setTimeoutSeconds(hc.timeoutSeconds())
        .setConsecutiveFailures(hc.maxConsecutiveFailures()).setGracePeriodSeconds(hc.gracePeriodSeconds());
    if (hc.http() != null) {
      out.setType(HealthCheck.Type.HTTP).setHttp(HealthCheck.HTTPCheckInfo.newBuilder()
          .setPort(endpointPorts.getOrDefault(hc.http().endpoint(), 0))
          .setPath(hc.http().path() == null ? "/" : hc.http().path())
          .setScheme(hc.http().scheme() == null ? "http" : hc.http().scheme().toLowerCase(Locale.ROOT)));
    } else if (hc.tcp() != null) {
      out.setType(HealthCheck.Type.TCP).setTcp(HealthCheck.TCPCheckInfo.newBuilder()
          .setPort(endpointPorts.getOrDefault(hc.tcp().endpoint(), 0)));
    } else {
      String shell = hc.exec() == null ? null : hc.exec().shell();
      out.setType(HealthCheck.Type.COMMAND).setCommand(CommandInfo.newBuilder().setShell(true)
          .setValue(shell == null ? "true" : shell));
    }
    return out.build();
  }

  private static String envName(String name) {
    return name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
  }
}
