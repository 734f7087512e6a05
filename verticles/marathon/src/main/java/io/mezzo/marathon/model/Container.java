package io.mezzo.marathon.model;

import java.util.List;

/** The container an app runs in; {@code type} defaults to DOCKER when the object is present. */
public record Container(Type type, Docker docker, List<PortMapping> portMappings, List<Volume> volumes) {

  public enum Type { MESOS, DOCKER }

  public Container {
    type = type == null ? Type.DOCKER : type;
    portMappings = Defaults.list(portMappings);
    volumes = Defaults.list(volumes);
  }

  public static Container docker(String image) {
    return new Container(Type.DOCKER, new Docker(image, null, null, null, null), null, null);
  }

  public boolean hasPersistentVolumes() {
    return volumes.stream().anyMatch(v -> v.persistent() != null);
  }

  public record Docker(String image, Boolean forcePullImage, Boolean privileged, List<Parameter> parameters,
                       Credential credential) {
    public Docker {
      forcePullImage = forcePullImage == null ? Boolean.FALSE : forcePullImage;
      privileged = privileged == null ? Boolean.FALSE : privileged;
      parameters = Defaults.list(parameters);
    }
  }

  public record Parameter(String key, String value) {
  }

  public record Credential(String principal, String secret) {
  }
}
