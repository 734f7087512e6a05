package io.mezzo.dns;

import io.mezzo.common.component.Component;
import io.mezzo.common.component.ComponentConfig;
import io.mezzo.common.component.ComponentContext;
import io.mezzo.mesos.client.cluster.MasterStreamSource;
import io.vertx.core.Deployable;
import java.time.Clock;
import java.util.Random;
import java.util.Set;

/** Service discovery DNS for {@code mesos} and {@code thisdcos.directory}, following the leading master. */
public final class DnsComponent implements Component {

  @Override
  public String name() {
    return "dns";
  }

  @Override
  public String title() {
    return "DNS";
  }

  @Override
  public Set<String> roles() {
    return Set.of("master", "agent", "agent-public");
  }

  @Override
  public Class<? extends ComponentConfig> configType() {
    return DnsConfig.class;
  }

  @Override
  public ComponentConfig defaults() {
    return DnsConfig.DEFAULTS;
  }

  @Override
  public String readinessPath() {
    return "/v1/version";
  }

  @Override
  public Deployable create(ComponentContext context) {
    // the configured master URLs, else the leader the masters publish in ZooKeeper
    return new DnsVerticle(config -> new MasterStreamSource(MasterStreamSource.detector(context, config.masterUrls(),
        config.masterZkPath(), "dns"), true), context, Clock.systemUTC(), new Random());
  }
}
