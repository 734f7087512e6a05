package io.mezzo.common.component;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** The components on the class path, in name order. */
public final class ComponentRegistry {
  private final List<Component> components;

  public ComponentRegistry(List<Component> components) {
    this.components = components.stream().sorted(Comparator.comparing(Component::name)).toList();
  }

  /** Every component registered in {@code META-INF/services/io.mezzo.common.component.Component}. */
  public static ComponentRegistry load() {
    return new ComponentRegistry(ServiceLoader.load(Component.class).stream().map(ServiceLoader.Provider::get).toList());
  }

  public List<Component> all() {
    return components;
  }

  public Optional<Component> find(String name) {
    return components.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  public List<String> names() {
    return components.stream().map(Component::name).toList();
  }
}
