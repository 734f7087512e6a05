package io.mezzo.agent.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Confines file API paths to the sandboxes. A path is either a real path below
 * {@code <work_dir>/slaves}, or a virtual one starting with {@code /frameworks/} that is read below
 * the current agent's directory (as Mesos attaches {@code /frameworks/F/executors/E/runs/latest}).
 * A {@code ..} segment is a bad request; a path outside the sandboxes, missing, or leading outside
 * through a symlink is not found.
 */
public final class SandboxPaths {
  private final Path root;
  private final Supplier<String> agentId;

  /** A refused path: the HTTP status and the plain-text answer. */
  public static final class Refused extends Exception {
    private final int status;

    public Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  /**
   * @param root    {@code <work_dir>/slaves}
   * @param agentId the current agent id (may be null before registration)
   */
  public SandboxPaths(Path root, Supplier<String> agentId) {
    this.root = root.toAbsolutePath().normalize();
    this.agentId = agentId;
  }

  /** The real file a requested path designates. Blocks (it resolves symlinks). */
  public Path resolve(String requested) throws Refused {
    if (requested == null || requested.isEmpty()) {
      throw new Refused(400, "Expecting 'path=value' in query.");
    }
    if (requested.indexOf('\0') >= 0) {
      throw new Refused(400, "Path must not contain a NUL character");
    }
    for (String segment : requested.split("/")) {
      if (segment.equals("..")) {
        throw new Refused(400, "Path '" + requested + "' must not contain '..'");
      }
    }
    Path lexical;
    try {
      if (requested.startsWith("/frameworks/") || requested.equals("/frameworks")) {
        String id = agentId.get();
        if (id == null) {
          throw new Refused(404, "File not found");
        }
        lexical = root.resolve(id).resolve(requested.substring(1)).normalize();
      } else {
        lexical = Path.of(requested).normalize();
      }
    } catch (InvalidPathException e) {
      throw new Refused(400, "Bad path '" + requested + "'");
    }
    if (!lexical.isAbsolute() || !lexical.startsWith(root)) {
      throw new Refused(404, "File not found");
    }
    Path real;
    try {
      real = lexical.toRealPath();
      Path realRoot = root.toRealPath();
      if (!real.startsWith(realRoot)) {
        throw new Refused(404, "File not found");
      }
    } catch (IOException e) {
      throw new Refused(404, "File not found");
    }
    if (!Files.exists(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new Refused(404, "File not found");
    }
    return real;
  }
}
