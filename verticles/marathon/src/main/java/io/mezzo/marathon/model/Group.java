package io.mezzo.marathon.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A node of the group tree. Ids of apps, pods and subgroups may be relative to this group's id;
 * {@link GroupTree} resolves them. {@code enforceRole} defaults to false.
 */
public record Group(String id, List<AppDefinition> apps, List<PodDefinition> pods, List<Group> groups,
                    List<String> dependencies, Boolean enforceRole, String version) {

  public Group {
    apps = Defaults.list(apps);
    pods = Defaults.list(pods);
    groups = Defaults.list(groups);
    dependencies = Defaults.list(dependencies);
    enforceRole = enforceRole == null ? Boolean.FALSE : enforceRole;
  }

  public static Group root(AppDefinition... apps) {
    return new Group("/", List.of(apps), null, null, null, null, null);
  }

  public static Group of(String id, List<AppDefinition> apps, List<Group> groups) {
    return new Group(id, apps, null, groups, null, null, null);
  }

  public Group withApps(List<AppDefinition> newApps) {
    return new Group(id, newApps, pods, groups, dependencies, enforceRole, version);
  }

  public Group withGroups(List<Group> newGroups) {
    return new Group(id, apps, pods, newGroups, dependencies, enforceRole, version);
  }

  /** Replaces the app with the same id in this group (not in subgroups), or adds it. */
  public Group putApp(AppDefinition app) {
    List<AppDefinition> out = new ArrayList<>(apps);
    out.removeIf(a -> a.id().equals(app.id()));
    out.add(app);
    return withApps(out);
  }

  /** Replaces the pod with the same id in this group (not in subgroups), or adds it. */
  public Group putPod(PodDefinition pod) {
    List<PodDefinition> out = new ArrayList<>(pods);
    out.removeIf(p -> p.id().equals(pod.id()));
    out.add(pod);
    return new Group(id, apps, out, groups, dependencies, enforceRole, version);
  }

  public Group removePod(String podId) {
    List<PodDefinition> out = new ArrayList<>(pods);
    out.removeIf(p -> p.id().equals(podId));
    return new Group(id, apps, out, groups, dependencies, enforceRole, version);
  }

  public Group removeApp(String appId) {
    List<AppDefinition> out = new ArrayList<>(apps);
    out.removeIf(a -> a.id().equals(appId));
    return withApps(out);
  }
}
