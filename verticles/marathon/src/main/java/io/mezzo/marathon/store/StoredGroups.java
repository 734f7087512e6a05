package io.mezzo.marathon.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.Group;
import io.mezzo.marathon.model.MarathonJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The stored form of a root group, as Marathon's {@code StoredGroup}: the tree with each app replaced by a
 * reference {@code {"id","version"}} to its versioned node under {@code apps/}.
 */
final class StoredGroups {

  record AppRef(String id, String version) {
  }

  private StoredGroups() {
  }

  static ObjectNode write(Group g) {
    ObjectNode out = MarathonJson.mapper().createObjectNode();
    out.put("id", g.id());
    if (g.version() != null) {
      out.put("version", g.version());
    }
    out.set("dependencies", MarathonJson.mapper().valueToTree(g.dependencies()));
    out.put("enforceRole", g.enforceRole());
    ArrayNode apps = out.putArray("apps");
    for (AppDefinition app : g.apps()) {
      apps.addObject().put("id", app.id()).put("version", app.version());
    }
    if (!g.pods().isEmpty()) {
      // pods are stored inline (they are small and, without task groups on the agents, never launched)
      ArrayNode pods = out.putArray("pods");
      g.pods().forEach(p -> pods.add(MarathonJson.mapper().valueToTree(p)));
    }
    ArrayNode groups = out.putArray("groups");
    g.groups().forEach(child -> groups.add(write(child)));
    return out;
  }

  static void refs(JsonNode node, List<AppRef> out) {
    node.path("apps").forEach(a -> out.add(new AppRef(a.path("id").asText(), a.path("version").asText())));
    node.path("groups").forEach(child -> refs(child, out));
  }

  static Group read(JsonNode node, Map<AppRef, AppDefinition> apps) {
    List<AppDefinition> list = new ArrayList<>();
    node.path("apps").forEach(a -> {
      AppDefinition app = apps.get(new AppRef(a.path("id").asText(), a.path("version").asText()));
      if (app != null) {
        list.add(app);
      }
    });
    List<Group> groups = new ArrayList<>();
    node.path("groups").forEach(child -> groups.add(read(child, apps)));
    List<String> deps = new ArrayList<>();
    node.path("dependencies").forEach(d -> deps.add(d.asText()));
    List<io.mezzo.marathon.model.PodDefinition> pods = new ArrayList<>();
    node.path("pods").forEach(p -> pods.add(MarathonJson.mapper().convertValue(p, io.mezzo.marathon.model.PodDefinition.class)));
    return new Group(node.path("id").asText("/"), list, pods, groups, deps, node.path("enforceRole").asBoolean(false),
        node.hasNonNull("version") ? node.get("version").asText() : null);
  }
}
