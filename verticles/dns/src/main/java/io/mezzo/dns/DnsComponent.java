package io.mezzo.dns;

import io.mezzo.common.component.Component;
import io.mezzo.common.component.ComponentConfig;
import io.mezzo.common.component.ComponentContext;
import io.mezzo.dns.state.MasterStreamSource;
import io.mezzo.mesos.client.MasterDetector;
import io.mezzo.mesos.client.StaticMasterDetector;
import io.mezzo.mesos.client.ZooKeeperMasterDetector;
import io.vertx.core.Deployable;
import java.net.URI;
import java.time.Clock;
import java.util.Random;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;

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
    return new DnsVerticle(config -> new MasterStreamSource(detector(context, config)), context, Clock.systemUTC(),
        new Random());
  }

  /** The configured master URLs, else the leader the masters publish in ZooKeeper. */
  static MasterDetector detector(ComponentContext context, DnsConfig config) {
    if (!config.masterUrls().isEmpty()) {
      return new StaticMasterDetector(config.masterUrls().stream().map(URI::create).toList());
    }
    CuratorFramework curator = context.service(CuratorFramework.class)
        .orElseThrow(() -> new IllegalStateException("dns needs the node's ZooKeeper client or dns.master_urls"));
    return new ZooKeeperMasterDetector(curator, config.masterZkPath());
  }
}
