package io.mezzo.agent.files;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.FileInfo;
import org.apache.mesos.v1.Protos.TimeInfo;

/**
 * The v1 API's {@code LIST_FILES} and {@code READ_FILE} over the sandboxes, with the same
 * confinement and answers as {@link FilesHttp}: a {@code ..} or a malformed path is 400, a path
 * outside the sandboxes or missing is 404, listing a file or reading a directory is 400. Reads are
 * capped at {@link FilesHttp#MAX_READ} bytes. Every method blocks: call it from a worker thread.
 */
public final class SandboxFiles {
  private final SandboxPaths paths;

  public SandboxFiles(SandboxPaths paths) {
    this.paths = paths;
  }

  /** A directory's entries, sorted by name, each with its path shown below the requested one. */
  public List<FileInfo> list(String requested) throws SandboxPaths.Refused, IOException {
    List<FileInfo> out = new ArrayList<>();
    for (Map.Entry<Path, String> child : children(requested).entrySet()) {
      out.add(info(child.getKey(), child.getValue()));
    }
    return out;
  }

  /** A directory's entries, sorted by name: the real file and the path to show for it. */
  Map<Path, String> children(String requested) throws SandboxPaths.Refused, IOException {
    Path dir = paths.resolve(requested);
    if (!Files.isDirectory(dir)) {
      throw new SandboxPaths.Refused(400, "Cannot browse a file");
    }
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      s.forEach(children::add);
    }
    children.sort(null);
    String prefix = requested.endsWith("/") ? requested : requested + "/";
    Map<Path, String> out = new LinkedHashMap<>();
    for (Path child : children) {
      out.put(child, prefix + child.getFileName());
    }
    return out;
  }

  static FileInfo info(Path file, String shownPath) throws IOException {
    PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    int mode = ((Number) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue();
    int nlink = ((Number) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue();
    return FileInfo.newBuilder().setPath(shownPath).setNlink(nlink).setSize(a.size()).setMode(mode)
        .setUid(a.owner().getName()).setGid(a.group().getName())
        .setMtime(TimeInfo.newBuilder().setNanoseconds(a.lastModifiedTime().toMillis() * 1_000_000)).build();
  }

  /** A file's size and up to {@code length} bytes from {@code offset} (nothing past the end). */
  public record Read(long size, ByteString data) {
  }

  /**
   * @param length bytes wanted, or -1 for as many as one read gives
   */
  public Read read(String requested, long offset, long length) throws SandboxPaths.Refused, IOException {
    if (offset < 0) {
      throw new SandboxPaths.Refused(400, "Negative offset provided: " + offset);
    }
    Path file = paths.resolve(requested);
    if (Files.isDirectory(file)) {
      throw new SandboxPaths.Refused(400, "Cannot read a directory");
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long size = f.length();
      if (offset >= size || length == 0) {
        return new Read(size, ByteString.EMPTY);
      }
      long want = length < 0 ? FilesHttp.MAX_READ : Math.min(length, FilesHttp.MAX_READ);
      byte[] buf = new byte[(int) Math.min(want, size - offset)];
      f.seek(offset);
      f.readFully(buf);
      return new Read(size, ByteString.copyFrom(buf));
    }
  }
}
