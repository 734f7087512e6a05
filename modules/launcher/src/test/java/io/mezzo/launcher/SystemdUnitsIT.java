package io.mezzo.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The units scripts/render-units writes for each node role pass {@code systemd-analyze verify}. */
class SystemdUnitsIT {
  @TempDir
  Path out;

  private static String run(List<String> command, Path workDir) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().put("MEZZO_JAR", MezzoProcess.JAR.toAbsolutePath().toString());
    Process p = builder.start();
    String text = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return p.exitValue() + "\n" + text;
  }

  @ParameterizedTest
  @ValueSource(strings = {"master", "agent", "agent-public"})
  void renderedUnits_verify(String role) throws Exception {
    Path root = MezzoProcess.ROOT.toAbsolutePath().normalize();
    String rendered = run(List.of(root.resolve("scripts/render-units").toString(), role, out.toString(),
        "--prefix", root.toString(), "--jar", MezzoProcess.JAR.toAbsolutePath().toString()), out);
    assertThat(rendered).startsWith("0\n");
    List<String> units = new ArrayList<>();
    try (var files = Files.list(out)) {
      files.map(Path::toString).sorted().forEach(units::add);
    }
    assertThat(units).contains(out.resolve("mezzo-diagnostics.service").toString(), out.resolve("mezzo.target").toString());
    String unit = Files.readString(out.resolve("mezzo-diagnostics.service"));
    assertThat(unit).contains("ExecStart=" + root + "/scripts/mezzo run diagnostics --config /etc/mezzo/mezzo.yaml",
        "Restart=always", "StandardOutput=journal");

    List<String> verify = new ArrayList<>(List.of("systemd-analyze", "verify"));
    verify.addAll(units);
    String result = run(verify, out);
    assertThat(result).as(result).startsWith("0\n");
    assertThat(result).as(result).doesNotContain("mezzo");
  }
}
