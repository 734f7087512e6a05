package io.mezzo.marathon.core;

import io.mezzo.marathon.model.AppDefinition;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The port through which Marathon starts and stops instances (on Mesos, through the scheduler API; in tests, a
 * simulation). Marathon calls it only while it leads, always on its own event loop.
 *
 * <p>Contract: {@link #attach} starts a leadership term. The returned future completes once the launcher knows the
 * real state of the leader's instances (on Mesos: after explicit reconciliation); the leader launches and kills
 * nothing before. From then on every change of an instance comes back through {@link Leader#statusUpdate}, on the
 * event loop that called {@code attach}. {@link #launch} takes instances in condition {@code PROVISIONED}; a
 * launch that cannot happen reports a failure condition. Killing an unknown or already terminal instance is a
 * no-op. After {@link #detach} no more updates may arrive.
 */
public interface InstanceLauncher {

  /** Receives status updates; implemented by the {@link InstanceTracker}. */
  interface StatusListener {
    void statusUpdate(StatusUpdate update);
  }

  /** The leading Marathon as a launcher sees it. */
  interface Leader extends StatusListener {

    /** The instances Marathon knows now (loaded from ZooKeeper at the start of the term), live. */
    Collection<Instance> instances();

    /** The instance a task or instance id belongs to. */
    Optional<Instance> instance(String instanceOrTaskId);

    /** The instances of one app. */
    List<Instance> instancesOf(String appId);

    /** The stored framework id, empty before the first registration. */
    Optional<String> frameworkId();

    /** Stores a new framework id; completes once it is durable. */
    Future<Void> saveFrameworkId(String id);

    /** The current definition of a pod, for launching and reconciling its task groups. */
    default Optional<io.mezzo.marathon.model.PodDefinition> pod(String podId) {
      return Optional.empty();
    }
  }

  /** This Marathon now leads; completes when the state of the known instances is reconciled. */
  Future<Void> attach(Leader leader);

  /** Launch these instances of {@code app}. */
  void launch(AppDefinition app, List<Instance> instances);

  /** Kill these instances (of one app). */
  void kill(String appId, List<Instance> instances);

  /** Leadership is gone: stop reporting. Running instances are left alone. */
  void detach();

  /** How the offers of the current launch attempt of {@code appId} were used, for {@code /v2/queue}. */
  default Optional<OfferSummary> offerSummary(String appId) {
    return Optional.empty();
  }
}
