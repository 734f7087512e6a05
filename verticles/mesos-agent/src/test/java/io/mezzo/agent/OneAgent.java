package io.mezzo.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.scheduler.Protos.Event;

/** A real master, one agent with cgroups isolation and a subscribed v1 framework (user root), in one Vert.x. */
record OneAgent(ClusterFixture cluster, ClusterFixture.Agent agent, V1Client framework, Path workDir) implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(30);

  static void assumeRootAndCgroups() {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root for cgroups");
    assumeTrue(Files.isDirectory(ClusterFixture.CGROUPS.resolve("memory")), "needs cgroup v1 memory controller");
  }

  /** Starts everything; {@code config} is laid over the agent's test defaults. */
  static OneAgent start(Path dir, JsonObject config, String frameworkName) throws Exception {
    assumeRootAndCgroups();
    ClusterFixture cluster = new ClusterFixture(dir);
    Path workDir = dir.resolve("agent");
    ClusterFixture.Agent agent = cluster.deployAgent(workDir, new JsonObject().put("isolation", "cgroups")
        .put("resources", "cpus:2;mem:2048;disk:1000;ports:[31000-31099]").mergeIn(config));
    await().atMost(WAIT).until(() -> agent.verticle().registered());
    V1Client framework = new V1Client(cluster.masterUrl());
    framework.subscribe(FrameworkInfo.newBuilder().setUser("root").setName(frameworkName).build());
    return new OneAgent(cluster, agent, framework, workDir);
  }

  Offer offer() throws InterruptedException {
    return framework.next(e -> e.getType() == Event.Type.OFFERS, WAIT).getOffers().getOffers(0);
  }

  /** {@code <work dir>/slaves/<agent>/frameworks/<framework>/executors}. */
  Path executors() {
    return workDir.resolve("slaves").resolve(agent.verticle().agentId()).resolve("frameworks")
        .resolve(framework.frameworkId.getValue()).resolve("executors");
  }

  @Override
  public void close() throws Exception {
    framework.close();
    cluster.close();
  }
}
