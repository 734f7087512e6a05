package io.mezzo.marathon.core.impl;

import io.mezzo.marathon.core.Instance;
import io.mezzo.marathon.core.InstanceLauncher;
import io.mezzo.marathon.model.AppDefinition;
import java.util.List;
import java.util.logging.Logger;

/**
 * The launcher until the Mesos client is wired in: it launches nothing, so instances stay provisioned and
 * deployments keep running (or hit their progress deadline).
 */
public final class IdleLauncher implements InstanceLauncher {
  private static final Logger LOG = Logger.getLogger(IdleLauncher.class.getName());

  @Override
  public void attach(StatusListener listener) {
    LOG.info("No Mesos launcher yet: instances will wait in the queue");
  }

  @Override
  public void launch(AppDefinition app, List<Instance> instances) {
    LOG.fine(() -> "Not launching " + instances.size() + " instances of '" + app.id() + "': no launcher");
  }

  @Override
  public void kill(String appId, List<Instance> instances) {
    LOG.fine(() -> "Not killing " + instances.size() + " instances of '" + appId + "': no launcher");
  }

  @Override
  public void detach() {
  }
}
