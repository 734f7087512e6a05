package io.mezzo.marathon.core;

import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.Group;
import io.mezzo.marathon.model.GroupTree;
import io.mezzo.marathon.model.PathId;
import io.mezzo.marathon.model.VersionInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Edits of a root group whose ids are all absolute (see {@link #normalize}). Every edit returns a new tree;
 * groups on the way to a changed node are created when missing.
 */
public final class Groups {

  private Groups() {
  }

  public static Group emptyRoot() {
    return new Group("/", null, null, null, null, null, null);
  }

  /** The same tree with every group and app id absolute, and without client-supplied app versions. */
  public static Group normalize(Group group, PathId parent) {
    PathId id = PathId.parse(group.id() == null ? "/" : group.id()).resolve(parent);
    List<AppDefinition> apps = new ArrayList<>();
    for (AppDefinition app : group.apps()) {
      apps.add(app.toBuilder().id(app.pathId().resolve(id).toString()).version(null).versionInfo(null).build());
    }
    List<Group> groups = new ArrayList<>();
    for (Group child : group.groups()) {
      groups.add(normalize(child, id));
    }
    return new Group(id.toString(), apps, group.pods(), groups, group.dependencies(), group.enforceRole(),
        group.version());
  }

  public static Map<String, AppDefinition> apps(Group root) {
    return GroupTree.of(root).apps();
  }

  /** Apps and pods (as {@link io.mezzo.marathon.model.PodRunSpec}s): what deployments and the tracker run. */
  public static Map<String, AppDefinition> runSpecs(Group root) {
    return GroupTree.of(root).runSpecs();
  }

  public static Optional<AppDefinition> findRunSpec(Group root, String id) {
    return Optional.ofNullable(runSpecs(root).get(id));
  }

  public static Optional<AppDefinition> findApp(Group root, String appId) {
    return Optional.ofNullable(apps(root).get(appId));
  }

  public static Optional<Group> findGroup(Group root, String groupId) {
    if (PathId.parse(root.id()).resolve(PathId.ROOT).toString().equals(groupId)) {
      return Optional.of(root);
    }
    for (Group child : root.groups()) {
      Optional<Group> found = findGroup(child, groupId);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** Puts the app (absolute id) into its parent group, replacing an app with the same id. */
  public static Group putApp(Group root, AppDefinition app) {
    PathId parent = app.pathId().parent();
    return update(root, parent, g -> g.putApp(app));
  }

  public static Group putPod(Group root, io.mezzo.marathon.model.PodDefinition pod) {
    return update(root, PathId.parse(pod.id()).parent(), g -> g.putPod(pod));
  }

  public static Group removePod(Group root, String podId) {
    return update(root, PathId.parse(podId).parent(), g -> g.removePod(podId));
  }

  /** Every pod of the tree by absolute id (pod ids are resolved against their group's id). */
  public static Map<String, io.mezzo.marathon.model.PodDefinition> pods(Group root) {
    Map<String, io.mezzo.marathon.model.PodDefinition> out = new java.util.TreeMap<>();
    collectPods(root, PathId.ROOT, out);
    return out;
  }

  private static void collectPods(Group g, PathId parent, Map<String, io.mezzo.marathon.model.PodDefinition> out) {
    PathId id = PathId.parse(g.id() == null ? "/" : g.id()).resolve(parent);
    for (io.mezzo.marathon.model.PodDefinition p : g.pods()) {
      String podId = PathId.canonical(p.id(), id);
      out.put(podId, p.withId(podId));
    }
    for (Group child : g.groups()) {
      collectPods(child, id, out);
    }
  }

  public static Group removeApp(Group root, String appId) {
    PathId parent = PathId.parse(appId).parent();
    return update(root, parent, g -> g.removeApp(appId));
  }

  /** Replaces (or creates) the group with {@code group.id()} (absolute, normalized). */
  public static Group putGroup(Group root, Group group) {
    PathId id = PathId.parse(group.id());
    if (id.isRoot()) {
      return group;
    }
    return update(root, id.parent(), parent -> {
      List<Group> children = new ArrayList<>(parent.groups());
      children.removeIf(c -> c.id().equals(group.id()));
      children.add(group);
      return parent.withGroups(children);
    });
  }

  /** Removes a group and everything under it; removing the root empties it. */
  public static Group removeGroup(Group root, String groupId) {
    PathId id = PathId.parse(groupId);
    if (id.isRoot()) {
      return new Group("/", null, null, null, root.dependencies(), root.enforceRole(), root.version());
    }
    return update(root, id.parent(), parent -> {
      List<Group> children = new ArrayList<>(parent.groups());
      children.removeIf(c -> c.id().equals(groupId));
      return parent.withGroups(children);
    });
  }

  public static Group withVersion(Group g, String version) {
    return new Group(g.id(), g.apps(), g.pods(), g.groups(), g.dependencies(), g.enforceRole(), version);
  }

  /**
   * Gives every app of {@code target} its version: unchanged apps keep theirs, scaled apps get {@code version} as
   * {@code version} and {@code lastScalingAt}, new or reconfigured apps get it everywhere. Groups get
   * {@code version} when anything under them changed.
   */
  public static Group stamp(Group original, Group target, String version) {
    Map<String, AppDefinition> before = apps(original);
    return stampGroup(target, before, pods(original), findGroupMap(original), version).group();
  }

  private record Stamped(Group group, boolean changed) {
  }

  private static Map<String, Group> findGroupMap(Group root) {
    Map<String, Group> out = new java.util.HashMap<>();
    collect(root, out);
    return out;
  }

  private static void collect(Group g, Map<String, Group> out) {
    out.put(g.id(), g);
    g.groups().forEach(c -> collect(c, out));
  }

  private static Stamped stampGroup(Group g, Map<String, AppDefinition> before,
                                    Map<String, io.mezzo.marathon.model.PodDefinition> podsBefore,
                                    Map<String, Group> oldGroups, String version) {
    boolean changed = false;
    List<AppDefinition> apps = new ArrayList<>();
    for (AppDefinition app : g.apps()) {
      AppDefinition old = before.get(app.id());
      AppDefinition stamped = stampApp(old, app, version);
      changed |= old == null || !old.equals(stamped);
      apps.add(stamped);
    }
    List<Group> groups = new ArrayList<>();
    for (Group child : g.groups()) {
      Stamped s = stampGroup(child, before, podsBefore, oldGroups, version);
      changed |= s.changed();
      groups.add(s.group());
    }
    List<io.mezzo.marathon.model.PodDefinition> pods = new ArrayList<>();
    PathId groupId = PathId.parse(g.id() == null ? "/" : g.id()).resolve(PathId.ROOT);
    for (io.mezzo.marathon.model.PodDefinition pod : g.pods()) {
      io.mezzo.marathon.model.PodDefinition old = podsBefore.get(PathId.canonical(pod.id(), groupId));
      io.mezzo.marathon.model.PodDefinition stamped = stampPod(old, pod, version);
      changed |= old == null || !old.equals(stamped.withId(old.id()));
      pods.add(stamped);
    }
    Group old = oldGroups.get(g.id());
    if (old == null || old.apps().size() != g.apps().size() || old.pods().size() != g.pods().size() || old.groups().size() != g.groups().size()
        || !old.dependencies().equals(g.dependencies())) {
      changed = true;
    }
    String v = changed || old == null ? version : old.version();
    return new Stamped(new Group(g.id(), apps, pods, groups, g.dependencies(), g.enforceRole(), v), changed);
  }

  /** As {@link #stampApp}: unchanged pods keep their versions, scaled ones keep their configuration version. */
  static io.mezzo.marathon.model.PodDefinition stampPod(io.mezzo.marathon.model.PodDefinition old,
                                                        io.mezzo.marathon.model.PodDefinition pod, String version) {
    if (old == null) {
      return pod.withVersion(version, new VersionInfo(version, version));
    }
    io.mezzo.marathon.model.PodDefinition withOld = pod.withId(old.id()).withVersion(old.version(), old.versionInfo());
    if (withOld.equals(old)) {
      return pod.withVersion(old.version(), old.versionInfo());
    }
    if (old.configKey().equals(pod.withId(old.id()).configKey())) {
      String configAt = old.versionInfo() == null ? version : old.versionInfo().lastConfigChangeAt();
      return pod.withVersion(version, new VersionInfo(version, configAt));
    }
    String configAt = pod.versionInfo() != null ? pod.versionInfo().lastConfigChangeAt() : version;
    return pod.withVersion(version, new VersionInfo(version, configAt));
  }

  static AppDefinition stampApp(AppDefinition old, AppDefinition app, String version) {
    if (old == null) {
      return app.toBuilder().version(version).versionInfo(new VersionInfo(version, version)).build();
    }
    AppDefinition withOld = app.toBuilder().version(old.version()).versionInfo(old.versionInfo()).build();
    if (withOld.equals(old)) {
      return old;
    }
    if (old.isOnlyScaleChangeOf(app)) {
      String configAt = old.versionInfo() == null ? version : old.versionInfo().lastConfigChangeAt();
      return app.toBuilder().version(version).versionInfo(new VersionInfo(version, configAt)).build();
    }
    // an app put back by a rollback keeps its configuration version, so its old instances count as current
    String configAt = app.versionInfo() != null ? app.versionInfo().lastConfigChangeAt() : version;
    return app.toBuilder().version(version).versionInfo(new VersionInfo(version, configAt)).build();
  }

  /** The app's configuration version, which its instances carry. */
  public static String configVersion(AppDefinition app) {
    return app.versionInfo() == null ? app.version() : app.versionInfo().lastConfigChangeAt();
  }

  private static Group update(Group root, PathId groupId, java.util.function.UnaryOperator<Group> change) {
    return updateAt(root, PathId.ROOT, groupId.segments(), 0, change);
  }

  private static Group updateAt(Group g, PathId here, List<String> path, int depth,
                                java.util.function.UnaryOperator<Group> change) {
    if (depth == path.size()) {
      return change.apply(g);
    }
    PathId childId = here.child(path.get(depth));
    List<Group> children = new ArrayList<>(g.groups());
    int index = -1;
    for (int i = 0; i < children.size(); i++) {
      if (children.get(i).id().equals(childId.toString())) {
        index = i;
      }
    }
    Group child = index < 0 ? new Group(childId.toString(), null, null, null, null, null, null) : children.get(index);
    Group updated = updateAt(child, childId, path, depth + 1, change);
    if (index < 0) {
      children.add(updated);
    } else {
      children.set(index, updated);
    }
    return g.withGroups(children);
  }
}
