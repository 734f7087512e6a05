package io.mezzo.marathon.deploy;

import io.mezzo.marathon.model.GroupTree;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The "depends on" relation between the apps of one root group. {@link #depth} is 0 for an app without
 * dependencies and one more than its deepest dependency otherwise; deployments start apps in increasing depth
 * and stop them in decreasing depth.
 */
public final class DependencyGraph {

  private final Map<String, Set<String>> edges = new LinkedHashMap<>();

  private DependencyGraph() {
  }

  public static DependencyGraph of(GroupTree tree) {
    DependencyGraph graph = new DependencyGraph();
    for (String id : tree.runSpecs().keySet()) {
      graph.edges.put(id, tree.dependenciesOf(id));
    }
    return graph;
  }

  public Set<String> dependenciesOf(String appId) {
    return edges.getOrDefault(appId, Set.of());
  }

  /** One cycle as a list of app ids whose last element depends on the first, or empty when acyclic. */
  public Optional<List<String>> findCycle() {
    Map<String, Integer> state = new HashMap<>();
    for (String start : edges.keySet()) {
      List<String> stack = new ArrayList<>();
      Optional<List<String>> cycle = visit(start, state, stack);
      if (cycle.isPresent()) {
        return cycle;
      }
    }
    return Optional.empty();
  }

  private Optional<List<String>> visit(String node, Map<String, Integer> state, List<String> stack) {
    Integer s = state.get(node);
    if (s != null && s == 2) {
      return Optional.empty();
    }
    if (s != null && s == 1) {
      return Optional.of(List.copyOf(stack.subList(stack.indexOf(node), stack.size())));
    }
    state.put(node, 1);
    stack.add(node);
    for (String dep : dependenciesOf(node)) {
      Optional<List<String>> cycle = visit(dep, state, stack);
      if (cycle.isPresent()) {
        return cycle;
      }
    }
    stack.remove(stack.size() - 1);
    state.put(node, 2);
    return Optional.empty();
  }

  /** Depth of every app; the graph must be acyclic. */
  public Map<String, Integer> depths() {
    if (findCycle().isPresent()) {
      throw new IllegalStateException("Dependency graph has cyclic dependencies");
    }
    Map<String, Integer> depth = new HashMap<>();
    for (String id : edges.keySet()) {
      depthOf(id, depth);
    }
    return Collections.unmodifiableMap(depth);
  }

  private int depthOf(String id, Map<String, Integer> memo) {
    Integer known = memo.get(id);
    if (known != null) {
      return known;
    }
    int d = 0;
    for (String dep : dependenciesOf(id)) {
      d = Math.max(d, depthOf(dep, memo) + 1);
    }
    memo.put(id, d);
    return d;
  }
}
