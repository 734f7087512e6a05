package io.mezzo.marathon.core;

import io.mezzo.marathon.deploy.DeploymentAction;
import io.mezzo.marathon.deploy.DeploymentPlan;
import java.time.Instant;
import java.util.List;

/** A deployment being carried out: its plan and the index of the step now running (0-based). */
public final class RunningDeployment {
  private final DeploymentPlan plan;
  private final Instant startedAt;
  private int currentStep;
  private io.mezzo.marathon.deploy.CanaryDeployment canary;

  public RunningDeployment(DeploymentPlan plan, int currentStep, Instant startedAt) {
    this.plan = plan;
    this.currentStep = currentStep;
    this.startedAt = startedAt;
  }

  public DeploymentPlan plan() {
    return plan;
  }

  public String id() {
    return plan.id();
  }

  public int currentStep() {
    return currentStep;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public boolean isDone() {
    return currentStep >= plan.steps().size();
  }

  /** The actions of the current step; empty when done. */
  public List<DeploymentAction> currentActions() {
    return isDone() ? List.of() : plan.steps().get(currentStep).actions();
  }

  /** The canary phase of a canary deployment (a Mezzo addition); null for an ordinary deployment. */
  public io.mezzo.marathon.deploy.CanaryDeployment canary() {
    return canary;
  }

  public void canary(io.mezzo.marathon.deploy.CanaryDeployment next) {
    canary = next;
  }

  void advance() {
    currentStep++;
  }
}
