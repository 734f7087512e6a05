package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exit statuses written by supervisors into a framework's tasks directory reach the agent through
 * the kernel's file notifications: as the supervisor writes them (created, then filled), with the
 * status written, and nothing for the task records written next to them.
 */
class ExitWatcherTest {
  @TempDir
  Path dir;

  @Test
  void exitStatusWritten_isReportedWithItsTaskAndStatus_recordsAreNot() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    Path tasks = Files.createDirectories(dir.resolve("fw-1").resolve("tasks"));
    try (ExitWatcher watcher = new ExitWatcher(new ExitWatcher.Listener() {
      @Override
      public void exited(String frameworkId, String taskId, int status) {
        seen.add(frameworkId + " " + taskId + " " + status);
      }

      @Override
      public void missed() {
        seen.add("missed");
      }
    })) {
      assertThat(watcher.watching("fw-1")).isFalse();
      watcher.watch("fw-1", tasks);
      watcher.watch("fw-1", tasks); // a second launch of the framework: still one watch
      assertThat(watcher.watching("fw-1")).isTrue();

      Files.writeString(tasks.resolve(Checkpoints.encode("web.1") + ".records"), "T{}\n");
      // as the supervisor's shell does it: the file is created empty, then the status is written
      Path status = tasks.resolve(Checkpoints.encode("web.1") + Checkpoints.EXIT_SUFFIX);
      Files.createFile(status);
      Files.writeString(status, "143\n");
      Files.writeString(tasks.resolve(Checkpoints.encode("db") + Checkpoints.EXIT_SUFFIX), "0\n");

      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(seen).contains("fw-1 web.1 143", "fw-1 db 0"));
      // a task may be reported twice (its file's creation and its write apart), never with another status
      assertThat(new java.util.HashSet<>(seen)).containsExactlyInAnyOrder("fw-1 web.1 143", "fw-1 db 0");
    }
  }

  @Test
  void removedDirectory_isNoLongerWatched_andCanBeWatchedAgain() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    Path tasks = Files.createDirectories(dir.resolve("fw-2").resolve("tasks"));
    try (ExitWatcher watcher = new ExitWatcher(new ExitWatcher.Listener() {
      @Override
      public void exited(String frameworkId, String taskId, int status) {
        seen.add(taskId + " " + status);
      }

      @Override
      public void missed() {
      }
    })) {
      watcher.watch("fw-2", tasks);
      Checkpoints.deleteTree(dir.resolve("fw-2"));
      await().atMost(Duration.ofSeconds(5)).until(() -> !watcher.watching("fw-2"));

      Files.createDirectories(tasks);
      watcher.watch("fw-2", tasks);
      Files.writeString(tasks.resolve("t" + Checkpoints.EXIT_SUFFIX), "1\n");
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(seen).isNotEmpty().allMatch("t 1"::equals));
    }
  }
}
