package io.mezzo.agent;

import io.mezzo.common.bus.Codecs;
import io.mezzo.common.component.ComponentContext;
import io.mezzo.common.config.ClusterConfig;
import io.mezzo.common.config.ConfigBinder;
import io.mezzo.common.config.ZkUrl;
import io.mezzo.state.ZkClients;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;

/**
 * An agent in a process of its own, joined to a test's clustered event bus, so a test can
 * {@code kill -9} it: {@code AgentProcessMain <zk url> <work dir> <agent config json>}. Prints
 * {@code REGISTERED <agent id> <port>} once registered; a SIGTERM stops it cleanly.
 */
public final class AgentProcessMain {
  private AgentProcessMain() {
  }

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable e) {
      // the event bus and ZooKeeper threads would keep the JVM up: end it, so the test reading our
      // output sees the end instead of waiting for a REGISTERED line that never comes
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(String[] args) throws Exception {
    String zkUrl = args[0];
    Path workDir = Path.of(args[1]);
    CuratorFramework curator = ZkClients.connect(ZkUrl.parse(zkUrl), Duration.ofSeconds(4), Duration.ofSeconds(20), m -> { });
    Vertx vertx = ClusterFixture.clusteredVertx(curator);
    Codecs.registerAll(vertx.eventBus());
    ClusterConfig cluster = new ClusterConfig(zkUrl, workDir.toString(), "127.0.0.1", 0, "agent", 10, 4);
    ComponentContext ctx = new ComponentContext("agent-process", cluster, new ClusterFixture.OneNode("agent-process"),
        Map.of(CuratorFramework.class, curator));
    AgentVerticle agent = new AgentVerticle(ctx);
    JsonObject config = ConfigBinder.json(ConfigBinder.tree(AgentConfig.DEFAULTS)).put("work_dir", workDir.toString())
        .mergeIn(new JsonObject(args[2]));
    vertx.deployVerticle(agent, new DeploymentOptions().setConfig(config)).toCompletionStage().toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        curator.close();
      } catch (Exception e) {
        e.printStackTrace();
      }
    }));
    while (!agent.registered()) {
      Thread.sleep(20);
    }
    System.out.println("REGISTERED " + agent.agentId() + " " + agent.port());
    System.out.flush();
    Thread.currentThread().join();
  }
}
