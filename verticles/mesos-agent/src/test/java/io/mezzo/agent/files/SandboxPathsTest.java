package io.mezzo.agent.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxPathsTest {
  @TempDir
  Path work;

  private Path slaves;
  private Path run;
  private SandboxPaths paths;

  @BeforeEach
  void layout() throws Exception {
    slaves = work.resolve("slaves");
    run = Files.createDirectories(slaves.resolve("A-S0/frameworks/F/executors/E/runs/C1"));
    Files.writeString(run.resolve("stdout"), "out\n");
    Files.createSymbolicLink(run.resolve("etc"), Path.of("/etc"));
    Files.createSymbolicLink(run.resolve("up"), Path.of("../../../../../../../.."));
    Files.createSymbolicLink(run.resolve("same"), Path.of("stdout"));
    Files.writeString(work.resolve("secret"), "no");
    paths = new SandboxPaths(slaves, () -> "A-S0");
  }

  private static int status(ThrowingPath p) {
    try {
      p.run();
      return 200;
    } catch (SandboxPaths.Refused e) {
      return e.status();
    }
  }

  private interface ThrowingPath {
    void run() throws SandboxPaths.Refused;
  }

  @Test
  void realAndVirtualPaths_insideTheSandboxes_resolve() throws Exception {
    assertThat(paths.resolve(run + "/stdout")).isEqualTo(run.resolve("stdout").toRealPath());
    assertThat(paths.resolve(run + "/same")).isEqualTo(run.resolve("stdout").toRealPath());
    assertThat(paths.resolve("/frameworks/F/executors/E/runs/C1/stdout")).isEqualTo(run.resolve("stdout").toRealPath());
  }

  @Test
  void escapes_areRefused() {
    assertThat(status(() -> paths.resolve(run + "/../../../../../../../secret"))).isEqualTo(400);
    assertThat(status(() -> paths.resolve("/frameworks/../../secret"))).isEqualTo(400);
    assertThat(status(() -> paths.resolve("/etc/passwd"))).isEqualTo(404);
    assertThat(status(() -> paths.resolve(work + "/secret"))).isEqualTo(404);
    assertThat(status(() -> paths.resolve(run + "/etc/passwd"))).isEqualTo(404);
    assertThat(status(() -> paths.resolve(run + "/up"))).isEqualTo(404);
    assertThat(status(() -> paths.resolve("stdout"))).isEqualTo(404);
    assertThat(status(() -> paths.resolve(run + "/missing"))).isEqualTo(404);
    assertThat(status(() -> paths.resolve(""))).isEqualTo(400);
    assertThat(status(() -> paths.resolve(null))).isEqualTo(400);
  }

  @Test
  void withoutAgentId_virtualPathsAreUnknown() {
    SandboxPaths early = new SandboxPaths(slaves, () -> null);
    assertThatThrownBy(() -> early.resolve("/frameworks/F")).isInstanceOf(SandboxPaths.Refused.class);
  }
}
