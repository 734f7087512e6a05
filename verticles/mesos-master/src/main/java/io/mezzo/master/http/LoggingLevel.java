package io.mezzo.master.http;

import io.vertx.core.Vertx;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * GET_LOGGING_LEVEL / SET_LOGGING_LEVEL on top of java.util.logging: Mesos's verbosity 0 is INFO,
 * 1 FINE, 2 FINER, 3 and above FINEST. A level set for a duration goes back to the previous one when
 * the duration ends. The level is the JVM's root logger's, shared by every component of the process.
 */
final class LoggingLevel {
  private final Vertx vertx;
  private long revertTimer = -1;
  private Level original;

  LoggingLevel(Vertx vertx) {
    this.vertx = vertx;
  }

  int get() {
    Level level = Logger.getLogger("").getLevel();
    if (level == null || level.intValue() >= Level.INFO.intValue()) {
      return 0;
    }
    return level.intValue() >= Level.FINE.intValue() ? 1 : level.intValue() >= Level.FINER.intValue() ? 2 : 3;
  }

  /** Sets the verbosity for {@code durationNanos}, then restores the level that was set before the first change. */
  void set(int verbosity, long durationNanos) {
    Logger root = Logger.getLogger("");
    if (original == null) {
      original = root.getLevel() == null ? Level.INFO : root.getLevel();
    }
    root.setLevel(verbosity <= 0 ? Level.INFO : verbosity == 1 ? Level.FINE : verbosity == 2 ? Level.FINER : Level.FINEST);
    if (revertTimer >= 0) {
      vertx.cancelTimer(revertTimer);
    }
    long millis = Math.max(1, Math.min(durationNanos / 1_000_000, 7L * 24 * 3600 * 1000));
    revertTimer = vertx.setTimer(millis, id -> {
      revertTimer = -1;
      root.setLevel(original);
      original = null;
    });
  }
}
