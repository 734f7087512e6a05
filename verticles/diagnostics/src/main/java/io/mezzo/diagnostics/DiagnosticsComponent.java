package io.mezzo.diagnostics;

import io.mezzo.common.component.Component;
import io.mezzo.common.component.ComponentConfig;
import io.mezzo.common.component.ComponentContext;
import io.vertx.core.Deployable;
import java.util.Set;

/** The cluster health API ({@code /system/health/v1}), on every node like dcos-diagnostics. */
public final class DiagnosticsComponent implements Component {

  @Override
  public String name() {
    return "diagnostics";
  }

  @Override
  public String title() {
    return "Diagnostics";
  }

  @Override
  public Set<String> roles() {
    return Set.of("master", "agent", "agent-public");
  }

  @Override
  public Class<? extends ComponentConfig> configType() {
    return DiagnosticsConfig.class;
  }

  @Override
  public ComponentConfig defaults() {
    return DiagnosticsConfig.DEFAULTS;
  }

  @Override
  public Deployable create(ComponentContext context) {
    return new DiagnosticsVerticle(context);
  }
}
