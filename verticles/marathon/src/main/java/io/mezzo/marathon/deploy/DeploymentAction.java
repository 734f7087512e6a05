package io.mezzo.marathon.deploy;

import io.mezzo.marathon.model.AppDefinition;

/** One thing a deployment step does to one app; actions of a step run concurrently. */
public sealed interface DeploymentAction {

  AppDefinition app();

  /** The name shown in {@code /v2/deployments}, for example {@code StartApplication}. */
  default String action() {
    return getClass().getSimpleName();
  }

  default String appId() {
    return app().id();
  }

  /** Launches a new app up to {@code scaleTo} instances. */
  record StartApplication(AppDefinition app, int scaleTo) implements DeploymentAction {
  }

  /** Kills every instance of a removed app. */
  record StopApplication(AppDefinition app) implements DeploymentAction {
  }

  /** Changes only the instance count of an app whose configuration did not change. */
  record ScaleApplication(AppDefinition app, int scaleTo) implements DeploymentAction {
  }

  /** Replaces all instances with the new configuration, honouring the app's upgrade strategy. */
  record RestartApplication(AppDefinition app) implements DeploymentAction {
  }
}
