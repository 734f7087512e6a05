package io.mezzo.common.config;

/**
 * The ZooKeeper server that {@code mezzo up} runs in-process when {@code cluster.zk} is
 * {@code embedded}. Its data lives under {@code <work_dir>/zookeeper} so state survives a restart.
 */
public record ZookeeperConfig(int port, int tickTimeMs, int maxClientCnxns) implements ConfigSection {

  public static final ZookeeperConfig DEFAULTS = new ZookeeperConfig(2181, 2000, 200);

  @Override
  public void validate(Checks checks) {
    checks.range("port", port, 1, 65535)
        .range("tick_time_ms", tickTimeMs, 100, 60_000)
        .range("max_client_cnxns", maxClientCnxns, 1, 100_000);
  }
}
