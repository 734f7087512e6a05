package io.mezzo.l4lb;

import io.mezzo.common.component.Component;
import io.mezzo.common.component.ComponentConfig;
import io.mezzo.common.component.ComponentContext;
import io.mezzo.l4lb.state.ClusterState;
import io.mezzo.l4lb.state.ClusterStateSource;
import io.vertx.core.Deployable;
import java.util.Set;

/**
 * The layer-4 load balancer: every node serves every VIP, as dcos-l4lb does. Not yet registered
 * with the launcher: until the master's SUBSCRIBE client feeds it, it starts with an empty state.
 */
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
    return new L4lbVerticle(ClusterStateSource.fixed(ClusterState.EMPTY), context);
  }
}
