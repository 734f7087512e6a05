package io.mezzo.master.allocator;

import io.mezzo.mesos.proto.ResourceBag;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which framework gets which agent's free resources. The master calls it on its own event
 * loop only (not thread-safe) and turns each {@link Grant} of {@link #allocate()} into an offer.
 * Every resource the master learns is in use or free again is reported, so the allocator's view of
 * each agent (total, allocated per framework) stays exact. Time comes from the clock it was built with.
 *
 * <p>No-op cases: calls naming an unknown framework or agent are ignored, adding a known one again
 * updates it.
 */
public interface Allocator {

  /** A framework subscribed (or re-subscribed) with these roles; {@code suppressedRoles} get no offers. */
  void addFramework(String frameworkId, Set<String> roles, Set<String> suppressedRoles);

  /** UPDATE_FRAMEWORK or a re-subscription changed its roles or suppressed roles. */
  void updateFramework(String frameworkId, Set<String> roles, Set<String> suppressedRoles);

  /** A disconnected framework gets no offers until activated again; its allocations stay. */
  void deactivateFramework(String frameworkId);

  void activateFramework(String frameworkId);

  /** The framework is gone; everything allocated to it becomes free. */
  void removeFramework(String frameworkId);

  /**
   * An agent registered with these total resources (reserved ones carry their role).
   * {@code used} is what its running tasks already hold, per framework (empty for a new agent).
   */
  void addAgent(String agentId, ResourceBag total, Map<String, ResourceBag> usedByFramework);

  /** The agent left, was marked gone or became unreachable; its resources vanish from the pool. */
  void removeAgent(String agentId);

  /** A deactivated (draining, maintenance) agent is not offered; its allocations stay. */
  void deactivateAgent(String agentId);

  void activateAgent(String agentId);

  /**
   * Resources allocated to a framework on an agent came back: an offer declined or rescinded, the
   * unused part of an accept, or a finished task. With a {@code refuse} duration the framework
   * receives nothing more from that agent for that long (Mesos's refuse_seconds filter).
   */
  void recoverResources(String frameworkId, String agentId, ResourceBag resources, Duration refuse);

  /** Stops offers to the framework for these roles (all its roles when empty). */
  void suppress(String frameworkId, Set<String> roles);

  /** Clears the framework's refuse filters and unsuppresses these roles (all its roles when empty). */
  void revive(String frameworkId, Set<String> roles);

  /** Role weights for DRF (default 1.0); a role of weight 2 is entitled to twice the share. */
  void updateWeights(Map<String, Double> weights);

  /** A role's quota limit: the most it may be allocated; an empty bag removes the limit. */
  void updateQuota(String role, ResourceBag limit);

  /**
   * One allocation cycle: hands free resources of active agents to active frameworks in weighted
   * DRF order (roles first, then frameworks within a role), honouring filters, suppression, quota
   * limits and the minimum allocatable size. The returned resources count as allocated.
   */
  List<Grant> allocate();

  /** What one framework gets on one agent for one role in a cycle. */
  record Grant(String frameworkId, String role, String agentId, ResourceBag resources) {
  }
}
