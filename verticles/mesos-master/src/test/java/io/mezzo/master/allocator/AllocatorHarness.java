package io.mezzo.master.allocator;

import io.mezzo.master.allocator.Allocator.Grant;
import io.mezzo.mesos.proto.ResourceBag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Drives a {@link DrfAllocator} with a {@link SettableClock} and records every grant, as the master
 * would turn them into offers; {@link #outstanding()} is what frameworks hold now.
 */
final class AllocatorHarness {

  final SettableClock clock = new SettableClock();
  final DrfAllocator allocator;
  final List<Grant> history = new ArrayList<>();
  private final List<Grant> outstanding = new ArrayList<>();

  AllocatorHarness(long seed, AllocatorOptions options) {
    allocator = new DrfAllocator(clock, seed, options);
  }

  AllocatorHarness() {
    this(42, AllocatorOptions.defaults());
  }

  static ResourceBag bag(String text) {
    return ResourceBag.parse(text, "*");
  }

  AllocatorHarness agent(String id, String resources) {
    allocator.addAgent(id, bag(resources), Map.of());
    return this;
  }

  AllocatorHarness framework(String id, String... roles) {
    allocator.addFramework(id, Set.of(roles), Set.of());
    return this;
  }

  /** One allocation cycle; returns its grants. */
  List<Grant> cycle() {
    List<Grant> grants = allocator.allocate();
    history.addAll(grants);
    outstanding.addAll(grants);
    return grants;
  }

  /** The framework declines (or finishes with) everything it holds on the agent. */
  void decline(Grant grant, Duration refuse) {
    allocator.recoverResources(grant.frameworkId(), grant.agentId(), grant.resources(), refuse);
    outstanding.remove(grant);
  }

  void declineAll(Duration refuse) {
    new ArrayList<>(outstanding).forEach(g -> decline(g, refuse));
  }

  /** Frameworks told they lost everything on a removed agent, or a removed framework. */
  void forget(java.util.function.Predicate<Grant> gone) {
    outstanding.removeIf(gone);
  }

  List<Grant> outstanding() {
    return List.copyOf(outstanding);
  }

  /** Agents granted per framework in {@code grants}. */
  static Map<String, Long> countByFramework(List<Grant> grants) {
    return grants.stream().collect(Collectors.groupingBy(Grant::frameworkId, HashMap::new, Collectors.counting()));
  }

  static double cpus(List<Grant> grants, String frameworkId) {
    return grants.stream().filter(g -> g.frameworkId().equals(frameworkId))
        .mapToDouble(g -> g.resources().scalar("cpus")).sum();
  }
}
