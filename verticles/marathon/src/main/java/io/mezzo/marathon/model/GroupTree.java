package io.mezzo.marathon.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A flattened, resolved view of a group tree: every app under its absolute id and the absolute ids of the
 * apps it depends on, directly or through its own or its ancestors' group dependencies.
 */
public final class GroupTree {

  private final Map<String, AppDefinition> apps = new LinkedHashMap<>();
  /** Apps and the run specs of pods ({@link PodRunSpec}). */
  private final Map<String, AppDefinition> runSpecs = new LinkedHashMap<>();
  private final Map<String, List<String>> appsUnderGroup = new LinkedHashMap<>();
  private final Map<String, List<String>> rawDependencies = new LinkedHashMap<>();

  private GroupTree() {
  }

  /** The trees of the last few groups asked for, by identity: the leader asks about the same root constantly. */
  private static final int CACHED = 8;
  private static final java.util.concurrent.atomic.AtomicReferenceArray<Object[]> CACHE =
      new java.util.concurrent.atomic.AtomicReferenceArray<>(CACHED);

  public static GroupTree of(Group root) {
    int slot = System.identityHashCode(root) % CACHED;
    Object[] cached = CACHE.get(Math.abs(slot));
    if (cached != null && cached[0] == root) {
      return (GroupTree) cached[1];
    }
    GroupTree tree = new GroupTree();
    tree.walk(root, PathId.ROOT, List.of());
    CACHE.set(Math.abs(slot), new Object[] {root, tree});
    return tree;
  }

  private List<String> walk(Group group, PathId parent, List<String> inheritedDeps) {
    PathId groupId = PathId.parse(group.id() == null ? "/" : group.id()).resolve(parent);
    List<String> deps = new ArrayList<>(inheritedDeps);
    for (String dep : group.dependencies()) {
      deps.add(PathId.canonical(dep, groupId.parent()));
    }
    List<String> under = new ArrayList<>();
    for (AppDefinition app : group.apps()) {
      String id = app.pathId().resolve(groupId).toString();
      List<String> appDeps = new ArrayList<>(deps);
      for (String dep : app.dependencies()) {
        appDeps.add(PathId.canonical(dep, PathId.parse(id).parent()));
      }
      AppDefinition resolved = app.toBuilder().id(id).build();
      apps.put(id, resolved);
      runSpecs.put(id, resolved);
      rawDependencies.put(id, appDeps);
      under.add(id);
    }
    for (PodDefinition pod : group.pods()) {
      String id = PathId.canonical(pod.id(), groupId);
      runSpecs.put(id, PodRunSpec.of(pod.withId(id)));
      rawDependencies.put(id, deps);
      under.add(id);
    }
    for (Group child : group.groups()) {
      under.addAll(walk(child, groupId, deps));
    }
    appsUnderGroup.put(groupId.toString(), under);
    return under;
  }

  /** Apps by absolute id, in tree order; each app's {@code id} is rewritten to the absolute form. */
  public Map<String, AppDefinition> apps() {
    return java.util.Collections.unmodifiableMap(apps);
  }

  /** Apps and pods (as {@link PodRunSpec}s) by absolute id: everything deployments start, scale and stop. */
  public Map<String, AppDefinition> runSpecs() {
    return java.util.Collections.unmodifiableMap(runSpecs);
  }

  /**
   * The apps {@code appId} depends on. A dependency naming a group stands for every app under that group;
   * one naming nothing known is dropped, as Marathon drops it when ordering.
   */
  public Set<String> dependenciesOf(String appId) {
    Set<String> out = new LinkedHashSet<>();
    for (String dep : rawDependencies.getOrDefault(appId, List.of())) {
      if (runSpecs.containsKey(dep)) {
        out.add(dep);
      } else {
        out.addAll(appsUnderGroup.getOrDefault(dep, List.of()));
      }
    }
    out.remove(appId);
    return out;
  }
}
