package io.mezzo.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
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
class ZkStoreTest {
  @TempDir
  Path dir;

  private ZkFixture zk;
  private CuratorFramework curator;
  private ZkStore store;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    zk = new ZkFixture(dir);
    curator = zk.client();
    store = new ZkStore(vertx, curator);
  }

  @AfterEach
  void stop() {
    curator.close();
    zk.close();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static <T> T result(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> f) throws Exception {
    return result(f.map(v -> (Throwable) null).otherwise(e -> e));
  }

  @Test
  void createThenCompareAndSet_withCurrentVersion_succeeds() throws Exception {
    assertThat(result(store.create("/apps/web", utf8("v1")))).isZero();
    Versioned<byte[]> read = result(store.get("/apps/web")).orElseThrow();
    assertThat(new String(read.value(), StandardCharsets.UTF_8)).isEqualTo("v1");
    assertThat(result(store.compareAndSet("/apps/web", utf8("v2"), read.version()))).isEqualTo(1);
    assertThat(new String(result(store.get("/apps/web")).orElseThrow().value(), StandardCharsets.UTF_8)).isEqualTo("v2");
  }

  @Test
  void compareAndSet_withStaleVersion_failsAndKeepsTheWinner() throws Exception {
    result(store.create("/apps/web", utf8("v1")));
    result(store.compareAndSet("/apps/web", utf8("writer-a"), 0));
    Throwable lost = failure(store.compareAndSet("/apps/web", utf8("writer-b"), 0));
    assertThat(lost).isInstanceOf(StoreConflictException.class).hasMessageContaining("'/apps/web'");
    assertThat(new String(result(store.get("/apps/web")).orElseThrow().value(), StandardCharsets.UTF_8)).isEqualTo("writer-a");
  }

  @Test
  void createExisting_andUpdateMissing_areConflicts() throws Exception {
    result(store.create("/a", utf8("x")));
    assertThat(failure(store.create("/a", utf8("y")))).isInstanceOf(StoreConflictException.class).hasMessageContaining("already exists");
    assertThat(failure(store.compareAndSet("/missing", utf8("y"), 0))).isInstanceOf(StoreConflictException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void deleteAndChildren_reflectTheTree() throws Exception {
    result(store.create("/jobs/b", utf8("")));
    result(store.create("/jobs/a", utf8("")));
    assertThat(result(store.children("/jobs"))).containsExactly("a", "b");
    assertThat(failure(store.delete("/jobs/a", 7))).isInstanceOf(StoreConflictException.class);
    assertThat(result(store.delete("/jobs/a", 0))).isTrue();
    assertThat(result(store.delete("/jobs/a", -1))).isFalse();
    assertThat(result(store.children("/jobs"))).containsExactly("b");
    assertThat(result(store.get("/jobs/a"))).isEqualTo(Optional.empty());
    assertThat(result(store.children("/nothing"))).isEmpty();
  }

  @Test
  void watch_seesExistingNodesThenEveryChange(Vertx vertx) throws Exception {
    result(store.create("/w/existing", utf8("0")));
    List<String> seen = new CopyOnWriteArrayList<>();
    AutoCloseable watch = store.watch("/w", e -> seen.add(e.type() + " " + e.path() + " " + e.version()));
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("CREATED /w/existing 0"));
    result(store.create("/w/new", utf8("1")));
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("CREATED /w/new 0"));
    result(store.compareAndSet("/w/new", utf8("2"), 0));
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("CHANGED /w/new 1"));
    result(store.delete("/w/new", 1));
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("DELETED /w/new -1"));
    assertThat(seen).containsSubsequence("CREATED /w/new 0", "CHANGED /w/new 1", "DELETED /w/new -1");
    watch.close();
    result(store.create("/w/after-close", utf8("")));
    Thread.sleep(300);
    assertThat(seen).noneMatch(s -> s.contains("after-close"));
  }

  @Test
  void state_survivesServerRestart(Vertx vertx) throws Exception {
    result(store.create("/durable", utf8("kept")));
    curator.close();
    zk.close();
    zk = new ZkFixture(dir);
    curator = zk.client();
    store = new ZkStore(vertx, curator);
    assertThat(new String(result(store.get("/durable")).orElseThrow().value(), StandardCharsets.UTF_8)).isEqualTo("kept");
  }
}
