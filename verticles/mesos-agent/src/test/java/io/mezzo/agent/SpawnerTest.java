package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spawner shell's line: every word quoted, valid names exported, odd names through env; and it
 * really runs: a supervisor that is not the agent's child records the exit status of a command
 * that has a session of its own.
 */
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
    assertThat(Spawner.line(env(), Path.of("/sb"), Path.of("/sb/stdout"), Path.of("/sb/stderr"), List.of("/cg/a/cgroup.procs"),
        Path.of("/meta/exit_status"), List.of("/bin/echo", "a 'b'")))
        .isEqualTo("( echo 0 >'/cg/a/cgroup.procs' && cd '/sb' || { echo 127 >'/meta/exit_status'; exit 127; }; "
            + "export PLAIN='it" + q + "s $HOME'; trap : TERM INT HUP; '" + Spawner.SETSID + "' '" + Spawner.ENV
            + "' 'odd.name=x' '/bin/echo' 'a " + q + "b" + q + "'; s=$?; echo \"$s\" >'/meta/exit_status'; exit \"$s\" )"
            + " </dev/null >>'/sb/stdout' 2>>'/sb/stderr' & echo $!\n");
  }

  @Test
  void spawn_runsTheCommandWithItsEnvironmentAndArguments_inTheDirectory_andRecordsItsExitStatus() throws Exception {
    try (Spawner spawner = new Spawner()) {
      Path envStatus = dir.resolve("env.status");
      long pid = spawner.spawn(env(), dir, dir.resolve("env"), dir.resolve("err"), List.of(), envStatus, List.of("/usr/bin/env"));
      assertThat(pid).isPositive();
      Path argsStatus = dir.resolve("args.status");
      long args = spawner.spawn(Map.of(), dir, dir.resolve("args"), dir.resolve("err"), List.of(), argsStatus,
          List.of("/bin/sh", "-c", "printf '%s|%s' \"$1\" \"$(pwd)\"; exit 3", "zero", "a 'b'"));
      assertThat(ProcessHandle.current().children().map(ProcessHandle::pid)).doesNotContain(pid, args);
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(argsStatus) && Files.exists(envStatus));
      assertThat(Files.readString(dir.resolve("args"))).isEqualTo("a 'b'|" + dir);
      assertThat(Files.readString(argsStatus).trim()).isEqualTo("3");
      assertThat(Files.readAllLines(dir.resolve("env"))).contains("PLAIN=it's $HOME", "odd.name=x");
      assertThat(Files.readString(envStatus).trim()).isEqualTo("0");
    }
  }

  @Test
  void supervisor_outlivesTheSigtermOfItsBox_andRecordsTheCommandsSignal_commandHasItsOwnSession() throws Exception {
    try (Spawner spawner = new Spawner()) {
      Path status = dir.resolve("status");
      long supervisor = spawner.spawn(Map.of(), dir, dir.resolve("out"), dir.resolve("err"), List.of(), status,
          List.of("/bin/sh", "-c", "exec sleep 30"));
      ProcessHandle command = await().atMost(Duration.ofSeconds(10))
          .until(() -> ProcessHandle.of(supervisor).flatMap(h -> h.children().findFirst()), Optional::isPresent).get();
      await().atMost(Duration.ofSeconds(10)).until(() -> command.info().commandLine().orElse("").contains("sleep 30"));
      assertThat(sessionId(command.pid())).isEqualTo(command.pid()).isNotEqualTo(sessionId(supervisor));
      assertThat(sessionId(supervisor)).isNotEqualTo(sessionId(ProcessHandle.current().pid()));
      // as a kill does: SIGTERM to every process of the box
      ProcessHandle.of(supervisor).ifPresent(ProcessHandle::destroy);
      command.destroy();
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(status) && !Files.readString(status).isBlank());
      assertThat(Files.readString(status).trim()).isEqualTo("143");
    }
  }

  private static long sessionId(long pid) throws java.io.IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]);
  }
}
