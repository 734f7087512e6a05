package io.mezzo.marathon.model;

import java.util.List;
import java.util.Map;

/**
 * A minimal pod: containers sharing one network namespace, scaled together. Only what placement and planning
 * need is modelled; the rest of Marathon's pod API comes with the pod endpoints.
 */
public record PodDefinition(String id, Map<String, String> labels, String user, List<PodContainer> containers,
                            List<Network> networks, Scaling scaling, String version) {

  public PodDefinition {
    labels = Defaults.map(labels);
    containers = Defaults.list(containers);
    networks = networks == null || networks.isEmpty() ? List.of(Network.HOST) : List.copyOf(networks);
    scaling = scaling == null ? new Scaling("fixed", 1, null) : scaling;
  }

  public record PodContainer(String name, Resources resources, Image image, Exec exec, List<Endpoint> endpoints) {
    public PodContainer {
      resources = resources == null ? new Resources(null, null, null, null) : resources;
      endpoints = Defaults.list(endpoints);
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

  public record Exec(Map<String, String> command) {
  }

  public record Endpoint(String name, Integer containerPort, Integer hostPort, List<String> protocol) {
  }

  public record Scaling(String kind, Integer instances, Integer maxInstances) {
    public Scaling {
      kind = kind == null ? "fixed" : kind;
      instances = instances == null ? 1 : instances;
    }
  }
}
