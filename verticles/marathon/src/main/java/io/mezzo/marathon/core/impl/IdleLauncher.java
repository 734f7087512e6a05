package io.mezzo.marathon.core.impl;

import io.mezzo.marathon.core.Instance;
import io.mezzo.marathon.core.InstanceLauncher;
import io.mezzo.marathon.model.AppDefinition;
import io.vertx.core.Future;
import java.util.List;
import java.util.logging.Logger;

/**
 * A launcher that launches nothing, for a Marathon without Mesos ({@code marathon.master} {@code none}):
 * instances stay provisioned and deployments keep running (or hit their progress deadline).
 */
public final class IdleLauncher implements InstanceLauncher {
  private static final Logger LOG = Logger.getLogger(IdleLauncher.class.getName());

  @Override
  public Future<Void> attach(Leader leader) {
    LOG.info("No Mesos master configured: instances will wait in the queue");
    return Future.succeededFuture();
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
