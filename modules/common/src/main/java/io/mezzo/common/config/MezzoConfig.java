package io.mezzo.common.config;

import io.mezzo.common.component.ComponentConfig;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The whole configuration of one node, after defaults, the file, environment variables and
 * {@code --set} overrides.
 *
 * @param components     each component's bound section, by component name
 * @param componentJson  each component's section as the JSON handed to its verticle
 */
public record MezzoConfig(ClusterConfig cluster, ZookeeperConfig zookeeper,
                          Map<String, ComponentConfig> components, Map<String, JsonObject> componentJson) {

  public ComponentConfig component(String name) {
    return components.get(name);
  }
}
