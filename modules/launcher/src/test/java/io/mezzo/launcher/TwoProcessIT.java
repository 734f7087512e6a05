package io.mezzo.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code mezzo run} JVMs on one external ZooKeeper server (Debian's zookeeper package): they
 * answer each other over the clustered event bus, and the survivor notices when the other is SIGKILLed.
 */
class TwoProcessIT {
  private static final Path ZK_SERVER = Path.of("/usr/share/zookeeper/bin/zkServer.sh");
  private static final Pattern NODE = Pattern.compile("on node ([0-9a-f-]+)");

  @TempDir
  Path dir;

  private Process zookeeper;
  private int zkPort;

  @BeforeEach
  void startZooKeeper() throws Exception {
    assertThat(ZK_SERVER).as("Debian's zookeeper package (scripts/test installs it)").exists();
    zkPort = MezzoProcess.freePort();
    Path cfg = dir.resolve("zoo.cfg");
    Files.writeString(cfg, String.join("\n",
        "tickTime=500", "initLimit=10", "syncLimit=5",
        "dataDir=" + dir.resolve("zk-data"),
        "clientPort=" + zkPort, "clientPortAddress=127.0.0.1",
        "admin.enableServer=false", "maxSessionTimeout=20000", ""));
    ProcessBuilder builder = new ProcessBuilder(ZK_SERVER.toString(), "start-foreground", cfg.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("zookeeper.log").toFile());
    builder.environment().put("ZOO_LOG_DIR", dir.toString());
    zookeeper = builder.start();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", zkPort), 200);
        return true;
      } catch (IOException e) {
        return false;
      }
    });
  }

  @AfterEach
  void stopZooKeeper() throws Exception {
    zookeeper.descendants().forEach(ProcessHandle::destroy);
    zookeeper.destroy();
    zookeeper.waitFor();
  }

  private MezzoProcess node(int port) throws IOException {
    return MezzoProcess.start(Map.of(), "run", "diagnostics",
        "--set", "cluster.zk=zk://127.0.0.1:" + zkPort + "/mezzo-it",
        "--set", "cluster.zk_session_timeout_seconds=4",
        "--set", "diagnostics.port=" + port);
  }

  private static String nodeId(String readyLine) {
    Matcher m = NODE.matcher(readyLine);
    assertThat(m.find()).as(readyLine).isTrue();
    return m.group(1);
  }

  private static JsonArray nodes(int port) throws Exception {
    return new JsonObject(MezzoProcess.get("http://127.0.0.1:" + port + "/system/health/v1/nodes").body()).getJsonArray("nodes");
  }

  @Test
  void twoNodes_answerEachOther_andSurvivorSeesSigkilledMemberLeave() throws Exception {
    int portA = MezzoProcess.freePort();
    int portB = MezzoProcess.freePort();
    try (MezzoProcess a = node(portA); MezzoProcess b = node(portB)) {
      String idA = nodeId(a.awaitOut(l -> l.startsWith("ready"), Duration.ofSeconds(60)));
      String idB = nodeId(b.awaitOut(l -> l.startsWith("ready"), Duration.ofSeconds(60)));
      assertThat(idA).isNotEqualTo(idB);

      // A asks B over the event bus: the answer carries B's own process id (joining the cluster can
      // take tens of seconds on a loaded 2-core machine: the first run of this check failed at 20 s once)
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        JsonArray nodes = nodes(portA);
        assertThat(nodes).hasSize(2);
        JsonObject fromB = nodes.stream().map(JsonObject.class::cast).filter(n -> n.getString("node_id").equals(idB)).findFirst().orElseThrow();
        assertThat(fromB.getLong("pid")).isEqualTo(b.process.pid());
        assertThat(fromB.getInteger("health")).isZero();
      });
      JsonObject bSeenFromA = new JsonObject(MezzoProcess.get("http://127.0.0.1:" + portA + "/system/health/v1/nodes/" + idB).body());
      assertThat(bSeenFromA.getLong("pid")).isEqualTo(b.process.pid());

      b.sigkill();
      b.awaitExit(Duration.ofSeconds(10));

      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(a.err).anyMatch(l -> l.contains("Member '" + idB + "' left the cluster")));
      JsonArray after = nodes(portA);
      assertThat(after.stream().map(n -> ((JsonObject) n).getString("node_id")).toList()).isEqualTo(List.of(idA));
      JsonArray unitNodes = new JsonObject(MezzoProcess.get("http://127.0.0.1:" + portA
          + "/system/health/v1/units/mezzo-diagnostics.service/nodes").body()).getJsonArray("nodes");
      assertThat(unitNodes.stream().map(n -> ((JsonObject) n).getString("node_id")).toList()).isEqualTo(List.of(idA));

      a.sigterm();
      assertThat(a.awaitExit(Duration.ofSeconds(30))).isZero();
    }
  }
}
