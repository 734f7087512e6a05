package io.mezzo.metronome.mesos;

import io.mezzo.common.component.ComponentContext;
import io.mezzo.mesos.client.MasterDetector;
import io.mezzo.mesos.client.ZooKeeperMasterDetector;
import io.mezzo.metronome.MetronomeConfig;
import io.mezzo.metronome.launch.RunLauncher;
import io.mezzo.metronome.store.MetronomeStore;
import java.time.Clock;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;

/** Makes the launcher the {@code metronome} section asks for. */
public final class MesosLaunchers {

  private MesosLaunchers() {
  }

  public static RunLauncher create(MetronomeConfig config, MetronomeStore store, ComponentContext node, Clock clock,
                                   MesosRunLauncher.LaunchObserver observer) {
    if (config.launcher().equals("queue")) {
      return RunLauncher.QUEUE_ONLY;
    }
    MesosRunLauncher.Settings settings = new MesosRunLauncher.Settings(config.frameworkName(), config.user(),
        config.role(), config.failoverTimeoutSeconds(), Duration.ofMillis(config.reconcileTimeoutMs()),
        Duration.ofSeconds(config.offerHoldSeconds()));
    MesosRunLauncher.FrameworkIds ids = new MesosRunLauncher.FrameworkIds() {
      @Override
      public io.vertx.core.Future<java.util.Optional<String>> load() {
        return store.frameworkId();
      }

      @Override
      public io.vertx.core.Future<Void> save(String id) {
        return store.saveFrameworkId(id);
      }
    };
    return new MesosRunLauncher(settings, detector(config, node), ids, clock, observer);
  }

  /** {@code master} if set ({@code zk://...} or URLs), else the masters' ZooKeeper path via the node's client. */
  static MasterDetector detector(MetronomeConfig config, ComponentContext node) {
    if (!config.master().isBlank()) {
      return MasterDetector.of(config.master());
    }
    CuratorFramework curator = node.service(CuratorFramework.class).orElseThrow(() -> new IllegalStateException(
        "metronome needs the node's ZooKeeper client or metronome.master"));
    return new ZooKeeperMasterDetector(curator, config.masterZkPath());
  }
}
