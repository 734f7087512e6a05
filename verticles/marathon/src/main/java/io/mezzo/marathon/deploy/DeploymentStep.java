package io.mezzo.marathon.deploy;

import java.util.List;

/** Actions that may run at the same time; the next step starts only after all of these succeeded. */
public record DeploymentStep(List<DeploymentAction> actions) {

  public DeploymentStep {
    actions = List.copyOf(actions);
  }
}
