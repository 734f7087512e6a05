package io.mezzo.marathon.model;

/** How many healthy instances an upgrade keeps and how many extra it may start, both as fractions of {@code instances}. */
public record UpgradeStrategy(Double minimumHealthCapacity, Double maximumOverCapacity) {

  public static final UpgradeStrategy DEFAULT = new UpgradeStrategy(1.0, 1.0);
  /** The default of apps with local persistent volumes: they cannot run old and new side by side. */
  public static final UpgradeStrategy RESIDENT_DEFAULT = new UpgradeStrategy(0.5, 0.0);

  public UpgradeStrategy {
    minimumHealthCapacity = minimumHealthCapacity == null ? 1.0 : minimumHealthCapacity;
    maximumOverCapacity = maximumOverCapacity == null ? 1.0 : maximumOverCapacity;
  }
}
