package io.mezzo.marathon;

import io.mezzo.common.component.Component;
import io.mezzo.common.component.ComponentConfig;
import io.mezzo.common.component.ComponentContext;
import io.mezzo.marathon.core.impl.IdleLauncher;
import io.vertx.core.Deployable;
import java.time.Clock;
import java.util.Set;

/**
 * Marathon, the service scheduler, on master nodes. Not registered with the launcher yet: until the Mesos client
 * is wired in, it would accept apps and keep their deployments waiting forever ({@link IdleLauncher}).
 */
public final class MarathonComponent implements Component {

  @Override
  public String name() {
    return "marathon";
  }

  @Override
  public String title() {
    return "Marathon";
  }

  @Override
  public Set<String> roles() {
    return Set.of("master");
  }

  @Override
  public Class<? extends ComponentConfig> configType() {
    return MarathonConfig.class;
  }

  @Override
  public ComponentConfig defaults() {
    return MarathonConfig.DEFAULTS;
  }

  @Override
  public Deployable create(ComponentContext context) {
    return new MarathonVerticle(context, new IdleLauncher(), Clock.systemUTC());
  }
}
