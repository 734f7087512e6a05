package io.mezzo.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.common.config.ZkUrl;
import io.mezzo.state.ZkClients;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mezzo up} as a user runs it: a real process, its stdout, its HTTP APIs, SIGTERM. */
class UpIT {
  @TempDir
  Path workDir;

  private int dnsPort;

  private MezzoProcess up(int zkPort, int diagnosticsPort) throws Exception {
    dnsPort = MezzoProcess.freePort();
    return MezzoProcess.start(Map.of(), "up", "--work-dir", workDir.toString(),
        "--set", "zookeeper.port=" + zkPort, "--set", "diagnostics.port=" + diagnosticsPort,
        "--set", "mesos-master.port=" + MezzoProcess.freePort(),
        "--set", "dns.port=" + MezzoProcess.freePort(), "--set", "dns.dns_port=" + dnsPort, "--set", "dns.dns_host=127.0.0.1",
        "--set", "l4lb.port=" + MezzoProcess.freePort(), "--set", "l4lb.vip_range=127.11.0.0/16",
        "--set", "mesos-agent.port=" + MezzoProcess.freePort(), "--set", "mesos-agent.resources=cpus:1;mem:512;disk:1024;ports:[31000-31010]",
        "--set", "marathon.port=" + MezzoProcess.freePort(), "--set", "metronome.port=" + MezzoProcess.freePort());
  }

  private String dig(String name) throws Exception {
    Process dig = new ProcessBuilder("dig", "@127.0.0.1", "-p", Integer.toString(dnsPort), name, "A", "+short", "+time=2", "+tries=1")
        .redirectErrorStream(true).start();
    String out = new String(dig.getInputStream().readAllBytes()).trim();
    dig.waitFor();
    return out;
  }

  @Test
  void up_printsComponentsThenReady_servesHealth_andStopsCleanlyOnSigterm() throws Exception {
    int zkPort = MezzoProcess.freePort();
    int port = MezzoProcess.freePort();
    try (MezzoProcess mezzo = up(zkPort, port)) {
      String ready = mezzo.awaitOut(l -> l.startsWith("ready"), Duration.ofSeconds(60));
      assertThat(ready).matches("ready in [0-9.]+ s: .*health at http://127.0.0.1:" + port + "/system/health/v1");
      assertThat(mezzo.out).contains("zookeeper      zk://127.0.0.1:" + zkPort + "/mezzo",
          "diagnostics    http://127.0.0.1:" + port);
      assertThat(mezzo.out.indexOf("diagnostics    http://127.0.0.1:" + port)).isLessThan(mezzo.out.indexOf(ready));

      assertThat(MezzoProcess.get("http://127.0.0.1:" + port + "/ping")).isEqualTo(new MezzoProcess.Reply(200, "pong"));
      JsonObject health = new JsonObject(MezzoProcess.get("http://127.0.0.1:" + port + "/system/health/v1").body());
      assertThat(health.getJsonArray("units").getJsonObject(0).getString("id")).isEqualTo("mezzo-diagnostics.service");
      assertThat(health.getJsonArray("units").getJsonObject(0).getInteger("health")).isZero();

      String masterLine = mezzo.out.stream().filter(l -> l.startsWith("mesos-master")).findFirst().orElseThrow();
      String masterUrl = masterLine.substring(masterLine.indexOf("http"));
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(new JsonObject(MezzoProcess.get(masterUrl + "/master/state").body()).getString("leader"))
              .isEqualTo("master@" + masterUrl.substring("http://".length())));

      // DNS follows the elected master through its operator stream
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(dig("leader.mesos")).isEqualTo("127.0.0.1"));

      mezzo.sigterm();
      assertThat(mezzo.awaitExit(Duration.ofSeconds(30))).isZero();
      assertThat(mezzo.out).as("stderr: %s", mezzo.err).contains("stopped");
      assertThat(mezzo.process.descendants().count()).isZero();
      try (ServerSocket again = new ServerSocket()) {
        again.bind(new InetSocketAddress("127.0.0.1", port));
      }
    }
  }

  @Test
  void stateInTheEmbeddedZooKeeper_survivesARestart() throws Exception {
    int zkPort = MezzoProcess.freePort();
    int port = MezzoProcess.freePort();
    ZkUrl url = ZkUrl.parse("zk://127.0.0.1:" + zkPort + "/mezzo");
    try (MezzoProcess first = up(zkPort, port)) {
      first.awaitOut(l -> l.startsWith("ready"), Duration.ofSeconds(60));
      try (CuratorFramework zk = ZkClients.connect(url, Duration.ofSeconds(5), Duration.ofSeconds(10), m -> { })) {
        zk.create().creatingParentsIfNeeded().forPath("/it/marker", "kept".getBytes(StandardCharsets.UTF_8));
      }
      first.sigterm();
      assertThat(first.awaitExit(Duration.ofSeconds(30))).isZero();
    }
    try (MezzoProcess second = up(zkPort, port)) {
      second.awaitOut(l -> l.startsWith("ready"), Duration.ofSeconds(60));
      try (CuratorFramework zk = ZkClients.connect(url, Duration.ofSeconds(5), Duration.ofSeconds(10), m -> { })) {
        assertThat(new String(zk.getData().forPath("/it/marker"), StandardCharsets.UTF_8)).isEqualTo("kept");
      }
      second.sigterm();
      assertThat(second.awaitExit(Duration.ofSeconds(30))).isZero();
    }
  }

  @Test
  void takenComponentPort_failsWithOneLineNamingPortAndComponent() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      try (MezzoProcess mezzo = up(MezzoProcess.freePort(), taken.getLocalPort())) {
        assertThat(mezzo.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
        assertThat(mezzo.err).contains("mezzo: port " + taken.getLocalPort() + " on 127.0.0.1 is already in use (diagnostics)");
        assertThat(mezzo.out).noneMatch(l -> l.startsWith("ready"));
      }
    }
  }

  @Test
  void takenZooKeeperPort_failsNamingZooKeeper() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      try (MezzoProcess mezzo = up(taken.getLocalPort(), MezzoProcess.freePort())) {
        assertThat(mezzo.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
        assertThat(mezzo.err).contains("mezzo: port " + taken.getLocalPort() + " on 127.0.0.1 is already in use (zookeeper)");
      }
    }
  }
}
