package io.mezzo.l4lb.bench;

import io.mezzo.l4lb.L4lbVerticle;
import io.mezzo.l4lb.vip.Vip;
import io.mezzo.mesos.client.cluster.Agent;
import io.mezzo.mesos.client.cluster.ClusterState;
import io.mezzo.mesos.client.cluster.ClusterStateSource;
import io.mezzo.mesos.client.cluster.DiscoveryInfo;
import io.mezzo.mesos.client.cluster.Framework;
import io.mezzo.mesos.client.cluster.Task;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Serves one named VIP {@code /bench:<vipPort>} in 127.11.0.0/16 in front of one backend on
 * 127.0.0.1, for {@code scripts/bench/l4lb}. Prints {@code VIP <address>:<port>} once it listens and
 * runs until its input closes or it is killed. The proxies run on Netty's io_uring transport, on
 * epoll with {@code -Dmezzo.io_uring=false}, on Mezzo's own epoll loops with that and
 * {@code -Dmezzo.direct_epoll=true}, on Vert.x with {@code -Dmezzo.native_transport=false};
 * the verticle's log line on stderr says which one.
 * {@code -Dmezzo.proxy_threads=N} sets the number of proxy event loops (default: per core, at most 4).
 *
 * <p>Usage: {@code L4lbBenchMain <backendPort> <vipPort>}
 */
public final class L4lbBenchMain {

  private L4lbBenchMain() {
  }

  public static void main(String[] args) throws Exception {
    int backendPort = Integer.parseInt(args[0]);
    int vipPort = Integer.parseInt(args[1]);
    Task task = new Task("bench.1", "", "fw", "agent", Task.RUNNING, null, List.of("127.0.0.1"),
        DiscoveryInfo.ofPorts(new DiscoveryInfo.Port(backendPort, null, "tcp", Map.of("VIP_0", "/bench:" + vipPort))), List.of(), List.of(),
        Map.of());
    ClusterState state = new ClusterState(List.of(), null, List.of(new Agent("agent", "", "127.0.0.1", 0)),
        List.of(new Framework("fw", "marathon", "", null, 0)), List.of(task));
    Vertx vertx = Vertx.vertx();
    L4lbVerticle lb = new L4lbVerticle(ClusterStateSource.fixed(state), null, Clock.systemUTC(), new Random());
    JsonObject config = new JsonObject().put("port", 0).put("vip_range", "127.11.0.0/16")
        .put("native_transport", Boolean.parseBoolean(System.getProperty("mezzo.native_transport", "true")))
        .put("io_uring", Boolean.parseBoolean(System.getProperty("mezzo.io_uring", "true")))
        .put("direct_epoll", Boolean.parseBoolean(System.getProperty("mezzo.direct_epoll", "false")))
        .put("proxy_threads", Integer.getInteger("mezzo.proxy_threads", 0));
    vertx.deployVerticle(lb, new DeploymentOptions().setConfig(config)).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    Vip vip = lb.vips().get(0);
    System.out.println("VIP " + vip.address() + ":" + vip.key().port());
    System.out.flush();
    while (System.in.read() >= 0) {
      // run until stdin closes
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
