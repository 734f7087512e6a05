package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finished sandboxes go sooner as the disk fills, by Mesos's gc_disk_headroom rule. */
class SandboxDiskPressureTest {
  private static final long HOUR = Duration.ofHours(1).toMillis();

  @TempDir
  Path dir;

  @Test
  void allowedAgeShrinksWithDiskUse() {
    assertThat(SandboxJanitor.maxAge(HOUR, 0.1, 0.0)).isEqualTo((long) (HOUR * 0.9));
    assertThat(SandboxJanitor.maxAge(HOUR, 0.1, 0.5)).isEqualTo((long) (HOUR * 0.4));
    assertThat(SandboxJanitor.maxAge(HOUR, 0.1, 0.9)).isZero();
    assertThat(SandboxJanitor.maxAge(HOUR, 0.1, 1.5)).isZero();
    assertThat(SandboxJanitor.maxAge(HOUR, 0.0, -1)).isEqualTo(HOUR);
  }

  @Test
  void aFinishedSandboxKeptOnAnEmptyDiskGoesWhenTheDiskFills() throws Exception {
    Path slaves = dir.resolve("slaves");
    Path finished = run(slaves, "finished");
    Path live = run(slaves, "live");
    long now = System.currentTimeMillis();
    for (Path p : new Path[] {finished, live}) {
      Files.setLastModifiedTime(p, FileTime.fromMillis(now - Duration.ofMinutes(10).toMillis()));
    }
    AtomicReference<Double> usage = new AtomicReference<>(0.2);
    SandboxJanitor janitor = new SandboxJanitor(slaves, HOUR, 0.1, usage::get, 0, 1);

    assertThat(janitor.collect(Set.of(live), now)).isZero();
    assertThat(finished).isDirectory();

    usage.set(0.85); // allowed age 3 minutes
    assertThat(janitor.collect(Set.of(live), now)).isEqualTo(1);
    assertThat(finished).doesNotExist();
    assertThat(live).as("a live container's sandbox is never removed").isDirectory();
  }

  @Test
  void diskUseAgreesWithDf() throws Exception {
    Process df = new ProcessBuilder("df", "--output=size,avail", "-B1", dir.toString()).start();
    String[] lines = new String(df.getInputStream().readAllBytes()).trim().split("\n");
    String[] f = lines[lines.length - 1].trim().split("\\s+");
    double expected = 1.0 - Double.parseDouble(f[1]) / Double.parseDouble(f[0]);
    assertThat(SandboxJanitor.diskUsage(dir)).isCloseTo(expected, org.assertj.core.data.Offset.offset(0.02));
  }

  private static Path run(Path slaves, String executor) throws Exception {
    return Files.createDirectories(slaves.resolve("a1").resolve("frameworks").resolve("f1").resolve("executors")
        .resolve(executor).resolve("runs").resolve("c-" + executor));
  }
}
