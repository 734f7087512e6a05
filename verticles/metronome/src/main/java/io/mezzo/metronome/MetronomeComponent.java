package io.mezzo.metronome;

import io.mezzo.common.component.Component;
import io.mezzo.common.component.ComponentConfig;
import io.mezzo.common.component.ComponentContext;
import io.mezzo.metronome.launch.RunLauncher;
import io.vertx.core.Deployable;
import java.time.Clock;
import java.util.Set;

/**
 * DC/OS Jobs (Metronome) on the masters. Not yet listed in {@code META-INF/services}: until the Mesos launcher
 * exists, runs it creates wait in {@code /v1/queue} and fail after their {@code maxLaunchDelay}.
 */
public final class MetronomeComponent implements Component {

  @Override
  public String name() {
    return "metronome";
  }

  @Override
  public String title() {
    return "Jobs Service";
  }

  @Override
  public Set<String> roles() {
    return Set.of("master");
  }

  @Override
  public Class<? extends ComponentConfig> configType() {
    return MetronomeConfig.class;
  }

  @Override
  public ComponentConfig defaults() {
    return MetronomeConfig.DEFAULTS;
  }

  @Override
  public Deployable create(ComponentContext context) {
    return new MetronomeVerticle(context, RunLauncher.QUEUE_ONLY, Clock.systemUTC());
  }
}
