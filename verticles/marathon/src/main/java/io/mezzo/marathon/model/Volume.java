package io.mezzo.marathon.model;

/** A host path, local persistent or external volume mounted at {@code containerPath}. */
public record Volume(String containerPath, String hostPath, String mode, Persistent persistent) {

  public Volume {
    mode = mode == null ? "RW" : mode;
  }

  public record Persistent(Double size, String type) {
    public Persistent {
      type = type == null ? "root" : type;
    }
  }
}
