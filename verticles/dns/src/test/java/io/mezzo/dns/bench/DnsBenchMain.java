package io.mezzo.dns.bench;

import io.mezzo.dns.DnsVerticle;
import io.mezzo.mesos.client.cluster.Agent;
import io.mezzo.mesos.client.cluster.ClusterState;
import io.mezzo.mesos.client.cluster.ClusterStateSource;
import io.mezzo.mesos.client.cluster.Framework;
import io.mezzo.mesos.client.cluster.Master;
import io.mezzo.mesos.client.cluster.Task;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Serves {@code task-N.bench.mesos} (N = 1..count, address {@link #ip(int)}) from a fixed state of
 * running tasks, for {@code scripts/bench/dns}. Forwarding is off, so nothing leaves the machine.
 *
 * <pre>DnsBenchMain PORT [COUNT] [IO_THREADS]</pre>
 *
 * Prints {@code ready PORT} once UDP and TCP listen, and runs until it is killed (SIGTERM closes Vert.x).
 */
public final class DnsBenchMain {
  static final String AGENT = "20250101-000000-16777226-5050-1-S1";
  static final String FRAMEWORK = "fw-bench-0001";

  private DnsBenchMain() {
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int ioThreads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    Vertx vertx = Vertx.vertx();
    DnsVerticle dns = new DnsVerticle(ClusterStateSource.fixed(state(count)));
    JsonObject config = new JsonObject().put("dns_host", "127.0.0.1").put("dns_port", port)
        .put("http_host", "127.0.0.1").put("port", 0).put("forward", false).put("io_threads", ioThreads)
        .put("native_transport", Boolean.parseBoolean(System.getProperty("mezzo.native_transport", "true")));
    if (System.getProperty("mezzo.direct_epoll") != null) {
      config.put("direct_epoll", Boolean.getBoolean("mezzo.direct_epoll"));
    }
    vertx.deployVerticle(dns, new DeploymentOptions().setConfig(config))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    System.out.println("ready " + dns.dnsPort());
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        // exiting anyway
      }
    }));
    Thread.currentThread().join();
  }

  /** The address of task N: 10.a.b.c with N in the low 24 bits. */
  public static String ip(int n) {
    return "10." + ((n >> 16) & 0xff) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff);
  }

  /** One agent, one framework called {@code bench}, and {@code count} running tasks with container IPs. */
  public static ClusterState state(int count) {
    List<Task> tasks = new ArrayList<>(count);
    for (int n = 1; n <= count; n++) {
      tasks.add(new Task("task-" + n + ".id", "task-" + n, FRAMEWORK, AGENT, Task.RUNNING, null, List.of(ip(n)), null,
          List.of(), List.of(), Map.of()));
    }
    Master leader = new Master("master-1", "127.0.0.1", "127.0.0.1", 5050);
    return new ClusterState(List.of(leader), leader, List.of(new Agent(AGENT, "127.0.0.1", "127.0.0.1", 5051)),
        List.of(new Framework(FRAMEWORK, "bench", "127.0.0.1", "127.0.0.1", 40000)), tasks);
  }
}
