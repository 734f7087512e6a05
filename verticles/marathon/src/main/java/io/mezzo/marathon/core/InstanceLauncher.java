package io.mezzo.marathon.core;

import io.mezzo.marathon.model.AppDefinition;
import java.util.List;

/**
 * The port through which Marathon starts and stops instances (on Mesos, through the scheduler API; in tests, a
 * simulation). Marathon calls it only while it leads, always on its own event loop.
 *
 * <p>Contract: after {@link #attach}, every change of a launched instance comes back through
 * {@link StatusListener#statusUpdate}, called on the event loop that called {@code attach}. {@link #launch} takes
 * instances in condition {@code PROVISIONED}; a launch that cannot happen reports a failure condition. Killing an
 * unknown or already terminal instance is a no-op. After {@link #detach} no more updates may arrive.
 */
public interface InstanceLauncher {

  /** Receives status updates; implemented by the {@link InstanceTracker}. */
  interface StatusListener {
    void statusUpdate(StatusUpdate update);
  }

  /** This Marathon now leads; report updates to {@code listener}. */
  void attach(StatusListener listener);

  /** Launch these instances of {@code app}. */
  void launch(AppDefinition app, List<Instance> instances);

  /** Kill these instances (of one app). */
  void kill(String appId, List<Instance> instances);

  /** Leadership is gone: stop reporting. Running instances are left alone. */
  void detach();
}
