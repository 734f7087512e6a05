package io.mezzo.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class LeaderElectionTest {
  @TempDir
  Path dir;

  private ZkFixture zk;
  private CuratorFramework clientA;
  private CuratorFramework clientB;

  @BeforeEach
  void start() throws Exception {
    zk = new ZkFixture(dir);
    clientA = zk.client();
    clientB = zk.client();
  }

  @AfterEach
  void stop() {
    clientA.close();
    clientB.close();
    zk.close();
  }

  private static final class Recorder implements LeaderListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final String name;

    Recorder(String name) {
      this.name = name;
    }

    @Override
    public void elected() {
      events.add(name + " elected");
    }

    @Override
    public void revoked() {
      events.add(name + " revoked");
    }
  }

  @Test
  void leaderCloses_otherTakesOver(Vertx vertx) throws Exception {
    Recorder a = new Recorder("a");
    Recorder b = new Recorder("b");
    LeaderElection first = new LeaderElection(vertx, clientA, "/master/leader", "host-a:5050").addListener(a);
    first.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(first::isLeader);
    LeaderElection second = new LeaderElection(vertx, clientB, "/master/leader", "host-b:5050").addListener(b);
    second.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(second.leaderId().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo(Optional.of("host-a:5050"));
    Thread.sleep(200);
    assertThat(second.isLeader()).isFalse();

    first.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(second::isLeader);
    assertThat(a.events).containsExactly("a elected", "a revoked");
    assertThat(b.events).containsExactly("b elected");
    assertThat(second.leaderId().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo(Optional.of("host-b:5050"));
    second.close();
  }

  @Test
  void leaderClientGone_otherTakesOverWithinSessionTimeout(Vertx vertx) throws Exception {
    LeaderElection first = new LeaderElection(vertx, clientA, "/marathon/leader", "a");
    first.start();
    await().atMost(Duration.ofSeconds(10)).until(first::isLeader);
    LeaderElection second = new LeaderElection(vertx, clientB, "/marathon/leader", "b");
    second.start();
    clientA.close();
    await().atMost(Duration.ofSeconds(15)).until(second::isLeader);
    second.close();
  }
}
