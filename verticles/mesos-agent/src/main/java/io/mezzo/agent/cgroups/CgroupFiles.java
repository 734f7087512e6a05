package io.mezzo.agent.cgroups;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Small helpers to read and write cgroup control files. */
final class CgroupFiles {
  private CgroupFiles() {
  }

  static void write(Path file, String value) throws IOException {
    Files.writeString(file, value, StandardCharsets.US_ASCII);
  }

  /** The file's content, or empty when it does not exist. */
  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return "";
    }
  }

  /** The value of a {@code key value} line (as in memory.events or oom_control), or -1. */
  static long keyed(Path file, String key) {
    return keyedIn(read(file), key);
  }

  /** The value of a {@code key value} line in a control file's text already read, or -1. */
  static long keyedIn(String text, String key) {
    return entriesIn(text).getOrDefault(key, -1L);
  }

  /** Every {@code key value} line with a whole-number value (as in memory.stat or cpu.stat); empty when the file is missing. */
  static Map<String, Long> entries(Path file) {
    return entriesIn(read(file));
  }

  private static Map<String, Long> entriesIn(String text) {
    Map<String, Long> out = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 2) {
        try {
          out.put(parts[0], Long.parseLong(parts[1]));
        } catch (NumberFormatException e) {
          // not a number: left out
        }
      }
    }
    return out;
  }

  static List<Long> procs(Path dir) {
    List<Long> out = new ArrayList<>();
    for (String line : read(dir.resolve("cgroup.procs")).split("\n")) {
      if (!line.isBlank()) {
        out.add(Long.parseLong(line.trim()));
      }
    }
    return out;
  }

  /** rmdir, retried briefly: a cgroup whose last process is exiting is busy for a moment. */
  static void remove(Path dir) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        Files.deleteIfExists(dir);
        return;
      } catch (NoSuchFileException e) {
        return;
      } catch (IOException e) {
        if (attempt >= 200) {
          throw e;
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /**
   * Removes {@code base/root} and then each of its parents up to {@code base}, as long as they have
   * no child cgroup (rmdir refuses a cgroup with processes); anything in use stays.
   */
  static void removeEmpty(Path base, String root) {
    Path dir = base.resolve(root);
    while (!dir.equals(base) && dir.startsWith(base)) {
      if (!Files.isDirectory(dir) || !children(dir).isEmpty()) {
        return;
      }
      try {
        Files.delete(dir);
      } catch (IOException e) {
        return;
      }
      dir = dir.getParent();
    }
  }

  static List<String> children(Path dir) {
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, Files::isDirectory)) {
      s.forEach(p -> out.add(p.getFileName().toString()));
    } catch (IOException e) {
      // nothing listed
    }
    return out;
  }
}
