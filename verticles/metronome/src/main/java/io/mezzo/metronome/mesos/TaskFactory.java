package io.mezzo.metronome.mesos;

import com.fasterxml.jackson.databind.JsonNode;
import io.mezzo.metronome.model.JobRunSpec;
import io.mezzo.metronome.model.JobRunSpec.DockerSpec;
import io.mezzo.metronome.model.JobSpec;
import io.mezzo.metronome.schedule.JobRun;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ContainerInfo;
import org.apache.mesos.v1.Protos.DurationInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.KillPolicy;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Labels;
import org.apache.mesos.v1.Protos.Parameter;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;

/**
 * Builds the TaskInfo of a run attempt: a command task named after the job. {@code cmd} runs through the shell;
 * without it {@code args} is the argv (no shell). {@code env} string values become the environment (secret
 * references are not resolved yet and are left out), {@code artifacts} become fetcher URIs, {@code user} the
 * command's user, {@code taskKillGracePeriodSeconds} the kill policy's grace period, and {@code docker} a
 * Docker container. Pure.
 */
public final class TaskFactory {

  private TaskFactory() {
  }

  public static TaskInfo build(JobRun run, JobSpec job, String agentId, List<Resource> resources) {
    JobRunSpec spec = job.run();
    TaskInfo.Builder task = TaskInfo.newBuilder()
        .setName(job.id())
        .setTaskId(TaskID.newBuilder().setValue(TaskIds.of(run)))
        .setAgentId(AgentID.newBuilder().setValue(agentId))
        .addAllResources(resources)
        .setCommand(command(spec))
        .setLabels(Labels.newBuilder()
            .addLabels(Label.newBuilder().setKey("metronome.job").setValue(job.id()))
            .addLabels(Label.newBuilder().setKey("metronome.run").setValue(run.id())));
    if (spec.taskKillGracePeriodSeconds() != null) {
      task.setKillPolicy(KillPolicy.newBuilder().setGracePeriod(DurationInfo.newBuilder()
          .setNanoseconds(spec.taskKillGracePeriodSeconds() * 1_000_000_000L)));
    }
    if (spec.docker() != null && spec.docker().image() != null) {
      task.setContainer(docker(spec.docker()));
    }
    return task.build();
  }

  static CommandInfo command(JobRunSpec spec) {
    CommandInfo.Builder cmd = CommandInfo.newBuilder();
    if (spec.cmd() != null && !spec.cmd().isEmpty()) {
      cmd.setShell(true).setValue(spec.cmd());
    } else if (spec.args() != null && !spec.args().isEmpty()) {
      cmd.setShell(false).setValue(spec.args().get(0)).addAllArguments(spec.args());
    } else {
      cmd.setShell(false); // a Docker image's own entry point
    }
    Environment.Builder env = Environment.newBuilder();
    for (Map.Entry<String, JsonNode> e : new TreeMap<>(spec.env()).entrySet()) {
      if (e.getValue().isTextual()) {
        env.addVariables(Environment.Variable.newBuilder().setName(e.getKey()).setValue(e.getValue().textValue()));
      }
    }
    if (env.getVariablesCount() > 0) {
      cmd.setEnvironment(env);
    }
    for (JobRunSpec.Artifact a : spec.artifacts()) {
      cmd.addUris(CommandInfo.URI.newBuilder().setValue(a.uri()).setExtract(a.extract())
          .setExecutable(a.executable()).setCache(a.cache()));
    }
    if (spec.user() != null && !spec.user().isEmpty()) {
      cmd.setUser(spec.user());
    }
    return cmd.build();
  }

  private static ContainerInfo docker(DockerSpec docker) {
    ContainerInfo.DockerInfo.Builder info = ContainerInfo.DockerInfo.newBuilder().setImage(docker.image())
        .setForcePullImage(docker.forcePullImage()).setPrivileged(docker.privileged())
        .setNetwork(ContainerInfo.DockerInfo.Network.HOST);
    for (DockerSpec.Parameter p : docker.parameters()) {
      info.addParameters(Parameter.newBuilder().setKey(p.key()).setValue(p.value()));
    }
    return ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER).setDocker(info).build();
  }
}
