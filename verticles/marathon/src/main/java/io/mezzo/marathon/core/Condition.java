package io.mezzo.marathon.core;

/**
 * The condition of an instance: {@code SCHEDULED} (waiting for launch, in the queue), {@code PROVISIONED} (handed to
 * the launcher), then the Mesos task states. Terminal conditions end the instance; it is then expunged.
 */
public enum Condition {
  SCHEDULED, PROVISIONED, STAGING, STARTING, RUNNING, KILLING, FINISHED, FAILED, KILLED, LOST, ERROR, DROPPED, GONE,
  UNREACHABLE, UNKNOWN;

  public boolean isTerminal() {
    return switch (this) {
      case FINISHED, FAILED, KILLED, LOST, ERROR, DROPPED, GONE, UNKNOWN -> true;
      default -> false;
    };
  }

  /** A failure that counts towards launch backoff and {@code lastTaskFailure}. */
  public boolean isFailure() {
    return switch (this) {
      case FAILED, LOST, ERROR, DROPPED, GONE, UNKNOWN -> true;
      default -> false;
    };
  }

  /** Launched on an agent (a Mesos task exists). */
  public boolean isLaunched() {
    return this != SCHEDULED && this != PROVISIONED;
  }

  /** The Mesos name, e.g. {@code TASK_RUNNING}; null before launch. */
  public String mesosState() {
    return isLaunched() ? "TASK_" + name() : null;
  }

  public static Condition fromMesos(String state) {
    return valueOf(state.startsWith("TASK_") ? state.substring(5) : state);
  }
}
