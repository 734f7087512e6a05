package io.mezzo.master.allocator;

import java.util.HashSet;
import java.util.Set;

/** What the allocator knows of one framework. */
final class FrameworkBook {

  final String id;
  final RefuseFilters filters = new RefuseFilters();
  /** Agents where the framework holds resources, so removing it does not scan every agent. */
  final Set<String> agentIds = new HashSet<>();
  Set<String> roles = Set.of();
  final Set<String> suppressed = new HashSet<>();
  boolean active = true;

  FrameworkBook(String id) {
    this.id = id;
  }

  void subscribe(Set<String> newRoles, Set<String> newSuppressed) {
    roles = Set.copyOf(newRoles);
    suppressed.clear();
    newSuppressed.stream().filter(roles::contains).forEach(suppressed::add);
  }

  boolean offerable(String role) {
    return active && roles.contains(role) && !suppressed.contains(role);
  }

  /** The role that unreserved resources already in use (agent re-registration) are charged to. */
  String primaryRole() {
    return roles.stream().sorted().findFirst().orElse("*");
  }
}
