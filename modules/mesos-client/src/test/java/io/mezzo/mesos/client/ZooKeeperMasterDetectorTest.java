package io.mezzo.mesos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.state.EmbeddedZooKeeper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leader detection from json.info_ nodes in a real (embedded) ZooKeeper. */
class ZooKeeperMasterDetectorTest {
  @TempDir
  Path dir;
  private EmbeddedZooKeeper zk;
  private CuratorFramework curator;

  @BeforeEach
  void start() throws Exception {
    zk = EmbeddedZooKeeper.start(dir, "127.0.0.1", RealMasters.freePort(), 500, 50);
    curator = CuratorFrameworkFactory.newClient("127.0.0.1:" + zk.port(), new RetryOneTime(100));
    curator.start();
  }

  @AfterEach
  void stop() {
    curator.close();
    zk.close();
  }

  private String publish(String json) throws Exception {
    return curator.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
        .forPath("/dcos/mesos/json.info_", json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void severalInfoNodes_lowestSequenceIsLeader_nextTakesOverWhenItGoes() throws Exception {
    String first = publish("{\"id\":\"a\",\"ip\":0,\"port\":5050,\"address\":{\"hostname\":\"m1.example\",\"ip\":\"10.0.0.1\",\"port\":5050}}");
    publish("{\"id\":\"b\",\"ip\":0,\"port\":5051,\"address\":{\"ip\":\"10.0.0.2\",\"port\":5051},\"unknown_field\":1}");
    curator.create().forPath("/dcos/mesos/log_replicas");
    try (ZooKeeperMasterDetector detector = ZooKeeperMasterDetector.connect("zk://127.0.0.1:" + zk.port() + "/dcos/mesos")) {
      assertThat(detector.leader().blockingGet()).isEqualTo(URI.create("http://m1.example:5050"));
      curator.delete().forPath(first);
      assertThat(detector.leader().blockingGet()).isEqualTo(URI.create("http://10.0.0.2:5051"));
    }
  }

  @Test
  void legacyMasterInfoWithoutAddress_packedIpUsed() throws Exception {
    // 10.1.2.3 packed in network order, read as a little-endian int: 0x0302010a
    publish("{\"id\":\"a\",\"ip\":" + 0x0302010a + ",\"port\":5050}");
    try (MasterDetector detector = MasterDetector.of("zk://127.0.0.1:" + zk.port() + "/dcos/mesos")) {
      assertThat(detector.leader().blockingGet()).isEqualTo(URI.create("http://10.1.2.3:5050"));
    }
  }

  @Test
  void noInfoNode_leaderFailsSoClientsRetry() {
    try (ZooKeeperMasterDetector detector = new ZooKeeperMasterDetector(curator, "/nothing/here")) {
      assertThatThrownBy(() -> detector.leader().blockingGet()).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("json.info_");
    }
  }

  @Test
  void masterSpec_plainList_staticDetectorRotatesOnUnreachable() {
    try (MasterDetector detector = MasterDetector.of("m1:5050, http://m2:5050")) {
      assertThat(detector.leader().blockingGet()).isEqualTo(URI.create("http://m1:5050"));
      detector.unreachable(URI.create("http://m1:5050"));
      assertThat(detector.leader().blockingGet()).isEqualTo(URI.create("http://m2:5050"));
      detector.unreachable(URI.create("http://m1:5050"));
      assertThat(detector.leader().blockingGet()).as("a stale report is ignored").isEqualTo(URI.create("http://m2:5050"));
    }
  }
}
