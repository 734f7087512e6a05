package io.mezzo.marathon.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A pod as the deployment machinery sees it: an app-shaped run spec with the pod's id, instance count, summed
 * resources, one port per endpoint (in container order), the pod's upgrade strategy, backoff and placement
 * (constraints, accepted roles), and a marker label,
 * so that planning, scaling, rolling upgrades, backoff and instance tracking treat pods and apps alike. Only the
 * launcher looks at the pod itself (one task group per instance). The marker label carries the pod's configuration,
 * so any change but the instance count restarts it. Never shown by {@code /v2/apps}.
 */
public final class PodRunSpec {

  /** Label key marking a run spec derived from a pod. */
  public static final String MARKER = "io.mezzo.pod";

  private PodRunSpec() {
  }

  public static boolean isPod(AppDefinition app) {
    return app.labels().containsKey(MARKER);
  }

  /** The pod's configuration (all but id, instances and versions) as text, so a changed pod is a changed run spec. */
  private static String configOf(PodDefinition pod) {
    try {
      return MarathonJson.mapper().writeValueAsString(pod.configKey().withId(null));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static AppDefinition of(PodDefinition pod) {
    double cpus = 0;
    double mem = 0;
    double disk = 0;
    int gpus = 0;
    List<PortDefinition> ports = new ArrayList<>();
    List<HealthCheck> checks = new ArrayList<>();
    for (PodDefinition.PodContainer c : pod.containers()) {
      cpus += c.resources().cpus();
      mem += c.resources().mem();
      disk += c.resources().disk();
      gpus += c.resources().gpus();
      for (PodDefinition.Endpoint e : c.endpoints()) {
        ports.add(new PortDefinition(e.hostPort() == null ? 0 : e.hostPort(), "tcp", e.name(), null));
      }
      if (c.healthCheck() != null) {
        // run by the agent next to the task; here only so that deployments wait for healthy instances
        checks.add(new HealthCheck(HealthCheck.Protocol.MESOS_TCP, null, 0, null, null, null, null, null, null, null,
            null));
      }
    }
    Map<String, String> labels = new java.util.LinkedHashMap<>(pod.labels());
    labels.put(MARKER, configOf(pod));
    PodDefinition.Backoff backoff = pod.scheduling().backoff();
    return AppDefinition.builder(pod.id()).instances(pod.scaling().instances()).cpus(cpus).mem(mem).disk(disk)
        .gpus(gpus).user(pod.user()).portDefinitions(ports).requirePorts(true).healthChecks(checks)
        .upgradeStrategy(pod.scheduling().upgrade()).labels(labels)
        .constraints(pod.scheduling().placement().constraints().stream().map(PodDefinition.PodConstraint::toConstraint)
            .toList())
        .acceptedResourceRoles(pod.scheduling().placement().acceptedResourceRoles()).backoffSeconds(backoff.backoff())
        .backoffFactor(backoff.backoffFactor()).maxLaunchDelaySeconds(backoff.maxLaunchDelay())
        .version(pod.version()).versionInfo(pod.versionInfo()).build();
  }
}
