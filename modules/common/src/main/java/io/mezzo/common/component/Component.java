package io.mezzo.common.component;

import io.vertx.core.Deployable;
import java.util.Set;

/**
 * A Mezzo component: one verticle with its own config section, found by the launcher through
 * {@link java.util.ServiceLoader}. Implementations are stateless descriptors; {@link #create} makes
 * a fresh verticle for each deployment. The verticle receives its section as JSON through
 * {@code DeploymentOptions.setConfig} and parses it with {@code ConfigBinder.bind} in {@code start()}.
 */
public interface Component {

  /** The name used on the command line, in config and in unit names, e.g. {@code mesos-master}. */
  String name();

  /** A short human title, e.g. {@code Mesos Master}. */
  String title();

  /** The roles whose nodes run this component: master, agent, agent-public. */
  Set<String> roles();

  /** The record type of the component's config section. */
  Class<? extends ComponentConfig> configType();

  /** The section's defaults, the one place they are declared. */
  ComponentConfig defaults();

  /** A new verticle for one deployment. */
  Deployable create(ComponentContext context);

  /** The path that answers when the component is up, relative to its HTTP root. */
  default String readinessPath() {
    return "/ping";
  }
}
