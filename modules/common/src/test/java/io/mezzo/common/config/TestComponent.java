package io.mezzo.common.config;

import io.mezzo.common.component.Component;
import io.mezzo.common.component.ComponentConfig;
import io.mezzo.common.component.ComponentContext;
import io.vertx.core.Deployable;
import java.util.List;
import java.util.Set;

/** A component descriptor for config tests: a section with an int, a double, a string and a list. */
final class TestComponent implements Component {

  record Config(boolean enabled, int port, double ratio, String mode, List<String> names) implements ComponentConfig {
    static final Config DEFAULTS = new Config(true, 5050, 0.5, "fast", List.of("a"));

    @Override
    public void validate(Checks checks) {
      checks.port("port", port).range("ratio", ratio, 0.0, 1.0).oneOf("mode", mode, List.of("fast", "slow"));
    }
  }

  private final String name;

  TestComponent(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String title() {
    return "Test";
  }

  @Override
  public Set<String> roles() {
    return Set.of("master");
  }

  @Override
  public Class<? extends ComponentConfig> configType() {
    return Config.class;
  }

  @Override
  public ComponentConfig defaults() {
    return Config.DEFAULTS;
  }

  @Override
  public Deployable create(ComponentContext context) {
    throw new UnsupportedOperationException();
  }
}
