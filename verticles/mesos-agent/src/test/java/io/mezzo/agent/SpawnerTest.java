package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spawner shell's line: every word quoted, valid names exported, odd names through env; and it really runs. */
class SpawnerTest {
  @TempDir
  Path dir;

  private static Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PLAIN", "it's $HOME");
    env.put("odd.name", "x");
    return env;
  }

  @Test
  void line_quotesEveryWord() {
    String q = "'\\''";
    assertThat(Spawner.line(env(), Path.of("/sb"), Path.of("/sb/stdout"), Path.of("/sb/stderr"), List.of("/bin/echo", "a 'b'")))
        .isEqualTo("( export PLAIN='it" + q + "s $HOME'; cd '/sb' && exec env 'odd.name=x' setsid '/bin/echo' 'a " + q + "b" + q
            + "' ) </dev/null >>'/sb/stdout' 2>>'/sb/stderr' & echo $!\n");
  }

  @Test
  void spawn_startsTheCommandWithItsEnvironmentAndArguments_inTheDirectory_notAsAChildOfTheAgent() throws Exception {
    try (Spawner spawner = new Spawner()) {
      long pid = spawner.spawn(env(), dir, dir.resolve("env"), dir.resolve("err"), List.of("/usr/bin/env"));
      assertThat(pid).isPositive();
      long args = spawner.spawn(Map.of(), dir, dir.resolve("args"), dir.resolve("err"),
          List.of("/bin/sh", "-c", "printf '%s|%s' \"$1\" \"$(pwd)\"; exec sleep 5", "zero", "a 'b'"));
      assertThat(ProcessHandle.current().children().map(ProcessHandle::pid)).doesNotContain(pid, args);
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dir.resolve("args"))
          && Files.readString(dir.resolve("args")).equals("a 'b'|" + dir));
      assertThat(Files.readAllLines(dir.resolve("env"))).contains("PLAIN=it's $HOME", "odd.name=x");
      ProcessHandle.of(args).ifPresent(ProcessHandle::destroyForcibly);
    }
  }
}
