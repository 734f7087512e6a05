package io.mezzo.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.dns.resolvconf.ResolvConf;
import io.mezzo.dns.resolvconf.ResolvConfWriter;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResolvConfTest {
  @TempDir
  Path dir;

  @Test
  void answeringServers_areListedAfterTheOptions() {
    String content = ResolvConf.render(List.of("10.0.0.11", "10.0.0.12"), List.of("8.8.8.8"), "mesos corp.example", new Random(1));
    assertThat(content).endsWith("""

        options timeout:1
        options attempts:3

        search mesos corp.example
        nameserver 10.0.0.11
        nameserver 10.0.0.12
        """);
    assertThat(content.lines().takeWhile(l -> l.startsWith("#"))).hasSize(4);
  }

  @Test
  void noServerUp_writesAtMostThreeFallbacks_skippingOtherPorts_strippingPort53() {
    String content = ResolvConf.render(List.of(), List.of("1.1.1.1:53", "9.9.9.9:5353", "8.8.8.8", "8.8.4.4", "4.4.4.4"), "",
        new Random(7));
    List<String> servers = content.lines().filter(l -> l.startsWith("nameserver ")).map(l -> l.substring(11)).toList();
    assertThat(servers).hasSize(3).doesNotContain("9.9.9.9", "9.9.9.9:5353", "1.1.1.1:53")
        .isSubsetOf("1.1.1.1", "8.8.8.8", "8.8.4.4", "4.4.4.4");
    assertThat(content).doesNotContain("search");
  }

  @Test
  void writer_probesWritesAtomically_andLeavesAnUnchangedFileAlone() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Path target = dir.resolve("resolv.conf");
      // nothing answers DNS on this loopback port: the fallback is written
      int dead = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress()).getLocalPort();
      ResolvConfWriter writer = new ResolvConfWriter(vertx, target, List.of("127.0.0.1"), dead, List.of("10.9.9.9"), "", "mesos",
          new Random(1));
      assertThat(writer.run().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(target)).endsWith("nameserver 10.9.9.9\n");
      long modified = Files.getLastModifiedTime(target).toMillis();
      Thread.sleep(20);
      assertThat(writer.run().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS)).isFalse();
      assertThat(Files.getLastModifiedTime(target).toMillis()).isEqualTo(modified);
      assertThat(Files.exists(dir.resolve("resolv.conf.tmp"))).isFalse();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void dnsComponent_listsItselfOnceItAnswers() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      // a port free for both UDP and TCP (the server binds both); a UDP-only pick raced with TCP users
      int port = -1;
      while (port < 0) {
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress());
             java.net.ServerSocket tcp = new java.net.ServerSocket(probe.getLocalPort(), 1, java.net.InetAddress.getLoopbackAddress())) {
          port = tcp.getLocalPort();
        } catch (java.io.IOException taken) {
          // TCP side in use: draw again
        }
      }
      Path target = dir.resolve("resolv.conf");
      io.vertx.core.json.JsonObject config = new io.vertx.core.json.JsonObject().put("dns_host", "127.0.0.1").put("dns_port", port)
          .put("http_host", "127.0.0.1").put("port", 0)
          .put("resolv_conf", new io.vertx.core.json.JsonObject().put("path", target.toString()).put("interval_seconds", 1)
              .put("probe", new io.vertx.core.json.JsonArray().add("127.0.0.1")).put("probe_port", port)
              .put("fallback", new io.vertx.core.json.JsonArray().add("10.9.9.9")).put("search", "mesos"));
      vertx.deployVerticle(new DnsVerticle(io.mezzo.mesos.client.cluster.ClusterStateSource.fixed(io.mezzo.mesos.client.cluster.ClusterState.EMPTY)),
          new io.vertx.core.DeploymentOptions().setConfig(config)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).untilAsserted(() ->
          assertThat(Files.exists(target) ? Files.readString(target) : "").endsWith("search mesos\nnameserver 127.0.0.1\n"));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
