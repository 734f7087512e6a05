package io.mezzo.common.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Settings shared by every component of one node: where ZooKeeper is, where state lives and which
 * address this node advertises.
 *
 * @param zk            {@code embedded} (mezzo up starts a ZooKeeper server in-process) or
 *                      {@code zk://host:port[,host:port]/path}
 * @param workDir       state directory; {@code ~} is the user's home
 * @param host          address this node binds and advertises for HTTP and the event bus
 * @param eventbusPort  event-bus TCP port, 0 for any free port
 * @param role          node role: master, agent or agent-public
 * @param zkWaitSeconds how long to keep retrying an unreachable ZooKeeper before giving up
 * @param zkSessionTimeoutSeconds ZooKeeper session timeout: how soon a dead node's members, leaderships
 *                      and ephemeral state disappear
 */
public record ClusterConfig(String zk, String workDir, String host, int eventbusPort, String role, int zkWaitSeconds,
                            int zkSessionTimeoutSeconds)
    implements ConfigSection {

  public static final ClusterConfig DEFAULTS =
      new ClusterConfig("embedded", "~/.mezzo", "127.0.0.1", 0, "master", 120, 10);

  public static final List<String> ROLES = List.of("master", "agent", "agent-public");

  public boolean embeddedZk() {
    return "embedded".equals(zk);
  }

  /** The work dir with {@code ~} expanded. */
  public Path workPath() {
    if (workDir.equals("~") || workDir.startsWith("~/")) {
      return Path.of(System.getProperty("user.home") + workDir.substring(1));
    }
    return Path.of(workDir);
  }

  @Override
  public void validate(Checks checks) {
    checks.notBlank("zk", zk)
        .that("zk", embeddedZk() || ZkUrl.problem(zk) == null, String.valueOf(ZkUrl.problem(zk)))
        .notBlank("work_dir", workDir)
        .notBlank("host", host)
        .port("eventbus_port", eventbusPort)
        .oneOf("role", role, ROLES)
        .range("zk_wait_seconds", zkWaitSeconds, 1, 86_400)
        .range("zk_session_timeout_seconds", zkSessionTimeoutSeconds, 2, 120);
  }
}
