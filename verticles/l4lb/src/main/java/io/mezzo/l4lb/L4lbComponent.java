package io.mezzo.l4lb;

import io.mezzo.common.component.Component;
import io.mezzo.common.component.ComponentConfig;
import io.mezzo.common.component.ComponentContext;
import io.mezzo.l4lb.state.MasterStreamSource;
import io.mezzo.mesos.client.MasterDetector;
import io.mezzo.mesos.client.StaticMasterDetector;
import io.mezzo.mesos.client.ZooKeeperMasterDetector;
import io.vertx.core.Deployable;
import java.net.URI;
import java.time.Clock;
import java.util.Random;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;

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
    return new L4lbVerticle(config -> new MasterStreamSource(detector(context, config)), context, Clock.systemUTC(), new Random());
  }

  /** The configured master URLs, else the leader the masters publish in ZooKeeper. */
  static MasterDetector detector(ComponentContext context, L4lbConfig config) {
    if (!config.masterUrls().isEmpty()) {
      return new StaticMasterDetector(config.masterUrls().stream().map(URI::create).toList());
    }
    CuratorFramework curator = context.service(CuratorFramework.class)
        .orElseThrow(() -> new IllegalStateException("l4lb needs the node's ZooKeeper client or l4lb.master_urls"));
    return new ZooKeeperMasterDetector(curator, config.masterZkPath());
  }
}
