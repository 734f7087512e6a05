package io.mezzo.l4lb;

import io.mezzo.common.component.Component;
import io.mezzo.common.component.ComponentConfig;
import io.mezzo.common.component.ComponentContext;
import io.mezzo.mesos.client.cluster.ClusterState;
import io.mezzo.mesos.client.cluster.MasterStreamSource;
import io.vertx.core.Deployable;
import java.time.Clock;
import java.util.Random;
import java.util.Set;

/** The layer-4 load balancer: every node serves every VIP, as dcos-l4lb does, following the leading master. */
public final class L4lbComponent implements Component {

  @Override
  public String name() {
    return "l4lb";
  }

  @Override
  public String title() {
    return "Layer 4 Load Balancer";
  }

  @Override
  public Set<String> roles() {
    return Set.of("master", "agent", "agent-public");
  }

  @Override
  public Class<? extends ComponentConfig> configType() {
    return L4lbConfig.class;
  }

  @Override
  public ComponentConfig defaults() {
    return L4lbConfig.DEFAULTS;
  }

  @Override
  public Deployable create(ComponentContext context) {
    // the configured master URLs, else the leader the masters publish in ZooKeeper; an empty table is
    // served until the first snapshot arrives
    return new L4lbVerticle(config -> new MasterStreamSource(MasterStreamSource.detector(context, config.masterUrls(),
        config.masterZkPath(), "l4lb"), false).startingWith(ClusterState.EMPTY), context, Clock.systemUTC(), new Random());
  }
}
