package io.mezzo.agent.checks;

import io.vertx.core.Future;
import java.time.Duration;

/** One health-check attempt; runs on the agent's event loop and must not block it. */
@FunctionalInterface
public interface Probe {
  /**
   * Succeeds when the task is healthy, fails otherwise (including when the attempt takes longer
   * than {@code timeout}; {@link Duration#ZERO} means no limit). The probe stops whatever it started
   * on a timeout.
   */
  Future<Void> run(Duration timeout);
}
