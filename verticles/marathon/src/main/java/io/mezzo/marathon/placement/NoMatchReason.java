package io.mezzo.marathon.placement;

/** Why an offer was not used, with the names {@code /v2/queue} reports. */
public enum NoMatchReason {
  InsufficientCpus, InsufficientMemory, InsufficientDisk, InsufficientGpus, InsufficientPorts, UnfulfilledRole,
  UnfulfilledConstraint
}
