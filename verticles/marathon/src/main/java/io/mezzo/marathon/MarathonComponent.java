package io.mezzo.marathon;

import io.mezzo.common.component.Component;
import io.mezzo.common.component.ComponentConfig;
import io.mezzo.common.component.ComponentContext;
import io.mezzo.marathon.core.InstanceLauncher;
import io.mezzo.marathon.core.impl.IdleLauncher;
import io.mezzo.marathon.mesos.MesosInstanceLauncher;
import io.mezzo.mesos.client.MasterDetector;
import io.mezzo.mesos.client.StaticMasterDetector;
import io.mezzo.mesos.client.ZooKeeperMasterDetector;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;

/**
 * Marathon, the service scheduler, on master nodes: the framework {@code marathon} on the leading Mesos master,
 * found in the node's ZooKeeper ({@code master: zk}) or at configured URLs; {@code master: none} runs it without
 * Mesos ({@link IdleLauncher}).
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
    return new MarathonVerticle(context, (vertx, config) -> launcher(vertx, context, config), Clock.systemUTC());
  }

  public static InstanceLauncher launcher(Vertx vertx, ComponentContext context, MarathonConfig config) {
    if (config.master().equals(MarathonConfig.MASTER_NONE)) {
      return new IdleLauncher();
    }
    return new MesosInstanceLauncher(vertx, config, detector(context, config), Clock.systemUTC(), new SecureRandom());
  }

  /** The configured master URLs, else the leader the masters publish under {@code master_zk_path}. */
  static MasterDetector detector(ComponentContext context, MarathonConfig config) {
    if (!config.masterUrls().isEmpty()) {
      return new StaticMasterDetector(config.masterUrls().stream().map(URI::create).toList());
    }
    CuratorFramework curator = context.service(CuratorFramework.class)
        .orElseThrow(() -> new IllegalStateException("marathon needs the node's ZooKeeper client or marathon.master URLs"));
    return new ZooKeeperMasterDetector(curator, config.masterZkPath());
  }
}
