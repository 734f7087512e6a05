package io.mezzo.agent;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.mesos.v1.Protos.CommandInfo;

/**
 * The fetcher for {@code CommandInfo.uris}, run in the sandbox before the command starts, as
 * Mesos's: {@code http}, {@code https} and {@code file} URIs (or absolute paths) are copied into
 * the sandbox under {@code output_file} or the URI's last path segment; archives ({@code .tar},
 * {@code .tar.gz}, {@code .tgz}, {@code .tar.bz2}, {@code .tar.xz}, {@code .txz}, {@code .zip}) are
 * also extracted there unless {@code extract} is false; {@code executable} makes the file
 * executable; {@code cache} keeps one copy per URI under the work dir and reuses it. Every step is
 * logged to the sandbox's {@code stderr}. Blocks: call it from a worker thread.
 */
final class Fetcher {
  static final Duration TIMEOUT = Duration.ofMinutes(5);

  private final Path cacheDir;
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
      .connectTimeout(Duration.ofSeconds(30)).build();

  Fetcher(Path cacheDir) {
    this.cacheDir = cacheDir;
  }

  /** Fetches every URI; the first failure throws, naming the URI. */
  void fetch(List<CommandInfo.URI> uris, Path sandbox, Optional<Containerizer.User> user) throws IOException {
    for (CommandInfo.URI uri : uris) {
      try {
        fetch(uri, sandbox, user);
      } catch (IOException | RuntimeException e) {
        log(sandbox, "Failed to fetch '" + uri.getValue() + "': " + e.getMessage());
        throw new IOException("Failed to fetch '" + uri.getValue() + "': " + e.getMessage(), e);
      }
    }
  }

  private void fetch(CommandInfo.URI uri, Path sandbox, Optional<Containerizer.User> user) throws IOException {
    String value = uri.getValue().trim();
    URI parsed = URI.create(value.startsWith("/") ? "file://" + value : value);
    String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
    if (!List.of("http", "https", "file").contains(scheme)) {
      throw new IOException("unsupported scheme '" + scheme + "' (http, https and file are)");
    }
    String name = uri.hasOutputFile() && !uri.getOutputFile().isEmpty() ? uri.getOutputFile() : lastSegment(parsed);
    Path target = sandbox.resolve(name).normalize();
    if (name.isEmpty() || Path.of(name).isAbsolute() || !target.startsWith(sandbox) || target.equals(sandbox)) {
      throw new IOException("output file '" + name + "' is not a path inside the sandbox");
    }
    Files.createDirectories(target.getParent());
    if (uri.getCache()) {
      Path cached = cacheDir.resolve(sha256(value));
      if (!Files.exists(cached)) {
        Files.createDirectories(cacheDir);
        Path tmp = cacheDir.resolve(cached.getFileName() + ".tmp" + Thread.currentThread().getId());
        download(parsed, scheme, tmp);
        Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        log(sandbox, "Fetched '" + value + "' into the cache");
      } else {
        log(sandbox, "Using the cached copy of '" + value + "'");
      }
      Files.copy(cached, target, StandardCopyOption.REPLACE_EXISTING);
    } else {
      download(parsed, scheme, target);
    }
    log(sandbox, "Fetched '" + value + "' to '" + target + "'");
    if (uri.getExecutable()) {
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    boolean extract = !uri.hasExtract() || uri.getExtract();
    if (extract && !uri.getExecutable() && archive(name) != null) {
      extract(target, archive(name), sandbox);
      log(sandbox, "Extracted '" + target + "' into '" + sandbox + "'");
    }
    if (user.isPresent()) {
      chownTree(sandbox, user.get());
    }
  }

  private void download(URI uri, String scheme, Path to) throws IOException {
    if (scheme.equals("file")) {
      Path from = Path.of(uri.getPath());
      if (!Files.isRegularFile(from)) {
        throw new IOException("no such file: " + from);
      }
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    try {
      HttpResponse<Path> r = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.ofFile(to, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE));
      if (r.statusCode() != 200) {
        Files.deleteIfExists(to);
        throw new IOException("HTTP " + r.statusCode());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** The archive kind by file name, or null. */
  static String archive(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".zip")) {
      return "zip";
    }
    for (String s : List.of(".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")) {
      if (n.endsWith(s)) {
        return "tar";
      }
    }
    return null;
  }

  private static void extract(Path archive, String kind, Path into) throws IOException {
    if (kind.equals("tar")) {
      Process p = new ProcessBuilder("tar", "-xf", archive.toString(), "-C", into.toString(), "--no-same-owner")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(into.resolve("stderr").toFile())).start();
      try {
        if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IOException("tar did not finish in time");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      if (p.exitValue() != 0) {
        throw new IOException("tar exited with status " + p.exitValue());
      }
      return;
    }
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        Path out = into.resolve(e.getName()).normalize();
        if (!out.startsWith(into)) {
          throw new IOException("zip entry '" + e.getName() + "' points outside the sandbox");
        }
        if (e.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(zip, out, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static String lastSegment(URI uri) {
    String path = uri.getPath() == null ? "" : uri.getPath();
    int slash = path.lastIndexOf('/');
    return slash >= 0 ? path.substring(slash + 1) : path;
  }

  private static void chownTree(Path dir, Containerizer.User user) throws IOException {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.toList()) {
        Files.setAttribute(p, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
      }
    }
  }

  private static void log(Path sandbox, String line) {
    try {
      Files.writeString(sandbox.resolve("stderr"), "mezzo-fetcher: " + line + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // the sandbox is gone
    }
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
