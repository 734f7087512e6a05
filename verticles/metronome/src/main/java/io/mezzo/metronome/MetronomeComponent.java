package io.mezzo.metronome;

import io.mezzo.common.component.Component;
import io.mezzo.common.component.ComponentConfig;
import io.mezzo.common.component.ComponentContext;
import io.mezzo.metronome.mesos.MesosLaunchers;
import io.vertx.core.Deployable;
import java.time.Clock;
import java.util.Set;

/**
 * DC/OS Jobs (Metronome) on the masters: runs are tasks of the framework {@code metronome} on the leading Mesos
 * master ({@code launcher: mesos}, the default), or wait in {@code /v1/queue} ({@code launcher: queue}).
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
    Clock clock = Clock.systemUTC();
    return new MetronomeVerticle(context,
        (config, store, node) -> MesosLaunchers.create(config, store, node, clock, null), clock);
  }
}
