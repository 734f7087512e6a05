package io.mezzo.marathon.validation;

import io.mezzo.marathon.deploy.DependencyGraph;
import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.Group;
import io.mezzo.marathon.model.GroupTree;
import io.mezzo.marathon.model.PathId;
import io.mezzo.marathon.model.PodDefinition;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a whole group tree: ids and their nesting, every app and pod, unique ids, and that the
 * {@code dependencies} of all apps form no cycle. Never throws for a parsed tree.
 */
public final class GroupValidator {

  public static final String CYCLE = "Dependency graph has cyclic dependencies.";
  public static final String SAME_ID = "Groups and Applications may not have the same identifier.";

  private GroupValidator() {
  }

  /** Validates {@code root} as the root group (its id must resolve to {@code /}). */
  public static List<Violation> validateRoot(Group root) {
    Problems p = new Problems();
    walk(p, "", root, PathId.ROOT, new HashSet<>(), true);
    if (p.toList().isEmpty()) {
      DependencyGraph.of(GroupTree.of(root)).findCycle().ifPresent(cycle -> p.add("/", CYCLE));
    }
    return p.toList();
  }

  private static void walk(Problems p, String prefix, Group group, PathId parent, Set<String> ids, boolean root) {
    String rawId = group.id() == null ? "/" : group.id();
    if (!PathId.isValid(rawId)) {
      p.add(prefix + "/id", "must fully match regular expression '" + PathId.ID_PATTERN.pattern() + "'");
      return;
    }
    PathId id = PathId.parse(rawId).resolve(parent);
    if (root && !id.isRoot()) {
      p.add(prefix + "/id", "the root group must have the id '/'");
    }
    if (!root && !id.parent().equals(parent)) {
      p.add(prefix + "/id", "identifier " + id + " is not child of " + parent + ". Hint: use relative paths.");
    }
    if (!root && !ids.add(id.toString())) {
      p.add(prefix.isEmpty() ? "/" : prefix, SAME_ID);
    }
    for (int i = 0; i < group.dependencies().size(); i++) {
      String dep = group.dependencies().get(i);
      if (!PathId.isValid(dep)) {
        p.add(prefix + "/dependencies(" + i + ")",
            "must fully match regular expression '" + PathId.ID_PATTERN.pattern() + "'");
      }
    }
    for (int i = 0; i < group.apps().size(); i++) {
      AppDefinition app = group.apps().get(i);
      String path = prefix + "/apps(" + i + ")";
      List<Violation> own = AppValidator.validate(app);
      p.addAll(path, own);
      if (own.stream().noneMatch(v -> v.path().equals("/id"))) {
        checkChild(p, path, app.pathId().resolve(id), id, ids);
      }
    }
    for (int i = 0; i < group.pods().size(); i++) {
      PodDefinition pod = group.pods().get(i);
      String path = prefix + "/pods(" + i + ")";
      List<Violation> own = PodValidator.validate(pod);
      p.addAll(path, own);
      if (own.stream().noneMatch(v -> v.path().equals("/id"))) {
        checkChild(p, path, PathId.parse(pod.id()).resolve(id), id, ids);
      }
    }
    for (int i = 0; i < group.groups().size(); i++) {
      walk(p, prefix + "/groups(" + i + ")", group.groups().get(i), id, ids, false);
    }
  }

  private static void checkChild(Problems p, String path, PathId child, PathId group, Set<String> ids) {
    if (!child.parent().equals(group)) {
      p.add(path + "/id", "identifier " + child + " is not child of " + group + ". Hint: use relative paths.");
    }
    if (!ids.add(child.toString())) {
      p.add(path, SAME_ID);
    }
  }
}
