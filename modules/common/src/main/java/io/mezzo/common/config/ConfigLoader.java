package io.mezzo.common.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.mezzo.common.component.Component;
import io.mezzo.common.component.ComponentConfig;
import io.mezzo.common.component.ComponentRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads {@code mezzo.yaml}. Layers, lowest first: each section record's {@code DEFAULTS}, the file,
 * environment variables {@code MEZZO_<SECTION>_<KEY>}, then {@code --set section.key=value}.
 * Every problem is a {@link ConfigException} whose message is one line naming the key.
 */
public final class ConfigLoader {
  public static final String CLUSTER = "cluster";
  public static final String ZOOKEEPER = "zookeeper";

  private static final ObjectMapper YAML = new YAMLMapper();

  private final ComponentRegistry registry;

  public ConfigLoader(ComponentRegistry registry) {
    this.registry = registry;
  }

  public MezzoConfig load(Optional<Path> file, List<String> sets, Map<String, String> env) {
    ObjectNode tree = defaults();
    file.ifPresent(path -> merge(tree, readFile(path), ""));
    applyEnv(tree, env);
    for (String set : sets) {
      applySet(tree, set);
    }
    return bind(tree);
  }

  /** The configuration tree with nothing overridden. */
  public ObjectNode defaults() {
    ObjectNode tree = JsonNodeFactory.instance.objectNode();
    tree.set(CLUSTER, ConfigBinder.tree(ClusterConfig.DEFAULTS));
    tree.set(ZOOKEEPER, ConfigBinder.tree(ZookeeperConfig.DEFAULTS));
    for (Component c : registry.all()) {
      tree.set(c.name(), ConfigBinder.tree(c.defaults()));
    }
    return tree;
  }

  private MezzoConfig bind(ObjectNode tree) {
    ClusterConfig cluster = ConfigBinder.bind(tree.get(CLUSTER), ClusterConfig.class, CLUSTER);
    ZookeeperConfig zookeeper = ConfigBinder.bind(tree.get(ZOOKEEPER), ZookeeperConfig.class, ZOOKEEPER);
    Map<String, ComponentConfig> components = new LinkedHashMap<>();
    Map<String, io.vertx.core.json.JsonObject> json = new LinkedHashMap<>();
    for (Component c : registry.all()) {
      JsonNode section = tree.get(c.name());
      components.put(c.name(), ConfigBinder.bind(section, c.configType(), c.name()));
      json.put(c.name(), ConfigBinder.json(section));
    }
    return new MezzoConfig(cluster, zookeeper, Map.copyOf(components), Map.copyOf(json));
  }

  private static JsonNode readFile(Path path) {
    String text;
    try {
      text = Files.readString(path);
    } catch (NoSuchFileException e) {
      throw new ConfigException(path.toString(), "no such file");
    } catch (IOException e) {
      throw new ConfigException(path.toString(), "cannot read: " + e.getMessage());
    }
    JsonNode node;
    try {
      node = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      String problem = ConfigBinder.firstLine(e.getOriginalMessage());
      int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblem() != null) {
        problem = yaml.getProblem();
        line = yaml.getProblemMark() == null ? line : yaml.getProblemMark().getLine() + 1;
      }
      throw new ConfigException(path.toString(), "malformed YAML" + (line > 0 ? " at line " + line : "") + ": " + problem);
    }
    if (node == null || node.isMissingNode() || node.isNull()) {
      return JsonNodeFactory.instance.objectNode();
    }
    if (!node.isObject()) {
      throw new ConfigException(path.toString(), "must be a mapping of sections, got " + node.getNodeType().name().toLowerCase());
    }
    return node;
  }

  /** Lays {@code over} onto {@code base}: mappings merge key by key, anything else replaces. */
  private void merge(ObjectNode base, JsonNode over, String prefix) {
    Iterator<Map.Entry<String, JsonNode>> fields = over.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = field.getKey();
      JsonNode value = field.getValue();
      JsonNode existing = base.get(key);
      if (prefix.isEmpty()) {
        if (existing == null) {
          throw new ConfigException(key, "unknown section (known: " + String.join(", ", sectionNames()) + ")");
        }
        if (value == null || value.isNull()) {
          continue;
        }
        if (!value.isObject()) {
          throw new ConfigException(key, "must be a mapping of keys, got " + value.getNodeType().name().toLowerCase());
        }
      }
      if (existing instanceof ObjectNode target && value.isObject()) {
        merge(target, value, prefix.isEmpty() ? key : prefix + "." + key);
      } else {
        base.set(key, value);
      }
    }
  }

  private List<String> sectionNames() {
    List<String> names = new ArrayList<>(List.of(CLUSTER, ZOOKEEPER));
    names.addAll(registry.names());
    return names;
  }

  private void applySet(ObjectNode tree, String assignment) {
    int eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw new ConfigException(assignment, "--set takes section.key=value");
    }
    String key = assignment.substring(0, eq).strip();
    String[] parts = key.split("\\.");
    if (parts.length < 2 || List.of(parts).contains("")) {
      throw new ConfigException(key, "--set takes section.key=value");
    }
    override(tree, parts, assignment.substring(eq + 1));
  }

  private void applyEnv(ObjectNode tree, Map<String, String> env) {
    // Longest section first, so MEZZO_MESOS_MASTER_PORT picks mesos-master over a section named mesos.
    List<String> sections = sectionNames().stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    env.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      if (!e.getKey().startsWith("MEZZO_")) {
        return;
      }
      String rest = e.getKey().substring("MEZZO_".length());
      for (String section : sections) {
        String envSection = section.toUpperCase().replace('-', '_') + "_";
        if (rest.startsWith(envSection) && rest.length() > envSection.length()) {
          String key = rest.substring(envSection.length()).toLowerCase();
          override(tree, new String[] {section, key}, e.getValue());
          return;
        }
      }
    });
  }

  private void override(ObjectNode tree, String[] path, String rawValue) {
    JsonNode section = tree.get(path[0]);
    if (section == null) {
      throw new ConfigException(path[0], "unknown section (known: " + String.join(", ", sectionNames()) + ")");
    }
    ObjectNode node = (ObjectNode) section;
    for (int i = 1; i < path.length - 1; i++) {
      JsonNode child = node.get(path[i]);
      if (!(child instanceof ObjectNode)) {
        child = node.putObject(path[i]);
      }
      node = (ObjectNode) child;
    }
    node.set(path[path.length - 1], scalar(String.join(".", path), rawValue));
  }

  /** A value from the command line or environment, typed as YAML would type it. */
  private static JsonNode scalar(String key, String raw) {
    if (raw.isEmpty()) {
      return JsonNodeFactory.instance.textNode("");
    }
    try {
      JsonNode node = YAML.readTree(raw);
      return node == null || node.isMissingNode() ? JsonNodeFactory.instance.textNode(raw) : node;
    } catch (JsonProcessingException e) {
      throw new ConfigException(key, "malformed value '" + raw + "'");
    }
  }
}
