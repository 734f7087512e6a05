package io.mezzo.marathon.it;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** A test class with one {@link MarathonFixture} (embedded ZooKeeper, Vert.x) for all its tests. */
abstract class FixtureTest {
  @TempDir
  static Path dir;

  static MarathonFixture fx;

  @BeforeAll
  static void startFixture() throws Exception {
    fx = new MarathonFixture(dir);
  }

  @AfterAll
  static void stopFixture() {
    fx.close();
  }
}
