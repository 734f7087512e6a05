package io.mezzo.master;

import io.mezzo.common.component.Component;
import io.mezzo.common.component.ComponentConfig;
import io.mezzo.common.component.ComponentContext;
import io.vertx.core.Deployable;
import java.util.Set;

/** The Mesos-compatible master ({@code /api/v1/scheduler}, {@code /api/v1}, {@code /master/state}). */
public final class MesosMasterComponent implements Component {

  @Override
  public String name() {
    return "mesos-master";
  }

  @Override
  public String title() {
    return "Mesos Master";
  }

  @Override
  public Set<String> roles() {
    return Set.of("master");
  }

  @Override
  public Class<? extends ComponentConfig> configType() {
    return MasterConfig.class;
  }

  @Override
  public ComponentConfig defaults() {
    return MasterConfig.DEFAULTS;
  }

  @Override
  public Deployable create(ComponentContext context) {
    return new MasterVerticle(context);
  }

  @Override
  public String readinessPath() {
    return "/master/health";
  }
}
