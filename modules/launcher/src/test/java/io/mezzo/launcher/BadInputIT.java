package io.mezzo.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees when they get something wrong: one clear line and a non-zero exit, never a hang. */
class BadInputIT {
  @TempDir
  Path dir;

  private static MezzoProcess.Reply run(Map<String, String> env, String... args) throws Exception {
    try (MezzoProcess p = MezzoProcess.start(env, args)) {
      int code = p.awaitExit(Duration.ofSeconds(60));
      String problems = String.join("\n", p.err.stream().filter(l -> l.startsWith("mezzo: ")).toList());
      return new MezzoProcess.Reply(code, problems);
    }
  }

  @Test
  void unknownComponent_exits2NamingTheKnownOnes() throws Exception {
    assertThat(run(Map.of(), "run", "mesos-mastr", "--set", "cluster.zk=zk://127.0.0.1:2181/mezzo"))
        .isEqualTo(new MezzoProcess.Reply(2, "mezzo: unknown component 'mesos-mastr' (known: diagnostics, dns, l4lb, marathon, mesos-agent, mesos-master, metronome)"));
  }

  @Test
  void malformedYaml_exits2WithFileAndLine() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "cluster:\n  zk: [embedded\n");
    MezzoProcess.Reply reply = run(Map.of(), "up", "--config", file.toString());
    assertThat(reply.status()).isEqualTo(2);
    assertThat(reply.body()).startsWith("mezzo: config: " + file + ": malformed YAML at line 3").doesNotContain("\n");
  }

  @Test
  void wrongTypeFromEnvironment_exits2NamingTheKey() throws Exception {
    assertThat(run(Map.of("MEZZO_DIAGNOSTICS_PORT", "http"), "up", "--work-dir", dir.toString()))
        .isEqualTo(new MezzoProcess.Reply(2, "mezzo: config: diagnostics.port: expected an integer, got 'http'"));
  }

  @Test
  void runWithEmbeddedZooKeeper_exits2() throws Exception {
    assertThat(run(Map.of(), "run", "diagnostics").status()).isEqualTo(2);
  }

  @Test
  void unreachableZooKeeper_retriesWithMessagesThenExits1WithoutStackTrace() throws Exception {
    int dead = MezzoProcess.freePort();
    try (MezzoProcess p = MezzoProcess.start(Map.of(), "run", "diagnostics",
        "--set", "cluster.zk=zk://127.0.0.1:" + dead + "/mezzo", "--set", "cluster.zk_wait_seconds=5")) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(p.err).anyMatch(l -> l.startsWith("mezzo: waiting for ZooKeeper at 127.0.0.1:" + dead + " (attempt 1"));
      assertThat(p.err).contains("mezzo: ZooKeeper at 127.0.0.1:" + dead + " did not answer within 5 s");
      assertThat(p.err).noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"));
    }
  }

  @Test
  void versionAndHelp_work() throws Exception {
    try (MezzoProcess p = MezzoProcess.start(Map.of(), "version")) {
      assertThat(p.awaitExit(Duration.ofSeconds(30))).isZero();
      assertThat(p.out).singleElement().asString().startsWith("mezzo 0.1.0");
    }
    for (String command : new String[] {"up", "run", "components", "version"}) {
      try (MezzoProcess p = MezzoProcess.start(Map.of(), command, "--help")) {
        assertThat(p.awaitExit(Duration.ofSeconds(30))).isZero();
        assertThat(p.out.get(0)).startsWith("Usage: mezzo " + command);
      }
    }
  }
}
