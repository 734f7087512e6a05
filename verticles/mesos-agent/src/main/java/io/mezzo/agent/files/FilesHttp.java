package io.mezzo.agent.files;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * Mesos's files API over the sandboxes: {@code /files/browse}, {@code /files/read} and
 * {@code /files/download}, answering like Mesos (JSON bodies; plain-text errors with 400 for bad
 * parameters and 404 for unknown paths). Reads are capped at 16 pages (64 KiB) per request, as
 * Mesos caps them.
 */
public final class FilesHttp {
  static final long MAX_READ = 16 * 4096;

  private final Vertx vertx;
  private final SandboxPaths paths;
  private final SandboxFiles files;

  public FilesHttp(Vertx vertx, SandboxPaths paths) {
    this.vertx = vertx;
    this.paths = paths;
    this.files = new SandboxFiles(paths);
  }

  public void mount(Router router) {
    for (String suffix : List.of("", ".json")) {
      router.get("/files/browse" + suffix).handler(this::browse);
      router.get("/files/read" + suffix).handler(this::read);
    }
    router.get("/files/download").handler(this::download);
    router.get("/files/download.json").handler(this::download);
  }

  private void browse(RoutingContext ctx) {
    String requested = ctx.request().getParam("path");
    blocking(ctx, () -> {
      JsonArray out = new JsonArray();
      for (Map.Entry<Path, String> child : files.children(requested).entrySet()) {
        out.add(entry(child.getKey(), child.getValue()));
      }
      return out.encode();
    });
  }

  static JsonObject entry(Path file, String shownPath) throws IOException {
    PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    char type = a.isDirectory() ? 'd' : a.isSymbolicLink() ? 'l' : '-';
    Object nlink = Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
    return new JsonObject().put("path", shownPath)
        .put("mode", type + PosixFilePermissions.toString(a.permissions()))
        .put("nlink", ((Number) nlink).longValue())
        .put("uid", a.owner().getName()).put("gid", a.group().getName())
        .put("size", a.size()).put("mtime", a.lastModifiedTime().toMillis() / 1000);
  }

  private void read(RoutingContext ctx) {
    String requested = ctx.request().getParam("path");
    String offsetParam = ctx.request().getParam("offset");
    String lengthParam = ctx.request().getParam("length");
    blocking(ctx, () -> {
      long offset = number(offsetParam, "offset");
      long length = number(lengthParam, "length");
      if (offset < -1) {
        throw new SandboxPaths.Refused(400, "Negative offset provided: " + offset);
      }
      if (length < -1) {
        throw new SandboxPaths.Refused(400, "Negative length provided: " + length);
      }
      if (offset == -1) {
        return new JsonObject().put("data", "").put("offset", files.read(requested, 0, 0).size()).encode();
      }
      SandboxFiles.Read read = files.read(requested, offset, length);
      return new JsonObject().put("data", read.data().toStringUtf8()).put("offset", offset).encode();
    });
  }

  private static long number(String value, String name) throws SandboxPaths.Refused {
    if (value == null || value.isEmpty()) {
      return -1;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new SandboxPaths.Refused(400, "Failed to parse " + name + ": Failed to convert '" + value + "' to number");
    }
  }

  private void download(RoutingContext ctx) {
    String requested = ctx.request().getParam("path");
    vertx.executeBlocking(() -> {
      Path file = paths.resolve(requested);
      if (Files.isDirectory(file)) {
        throw new SandboxPaths.Refused(400, "Cannot download a directory");
      }
      return file;
    }).onComplete(ar -> {
      if (ar.failed()) {
        fail(ctx, ar.cause());
        return;
      }
      ctx.response().putHeader("content-type", "application/octet-stream")
          .putHeader("content-disposition", "attachment; filename=" + ar.result().getFileName())
          .sendFile(ar.result().toString());
    });
  }

  private interface Body {
    String get() throws Exception;
  }

  private void blocking(RoutingContext ctx, Body body) {
    Future<String> f = vertx.executeBlocking(body::get, false);
    f.onComplete(ar -> {
      if (ar.failed()) {
        fail(ctx, ar.cause());
        return;
      }
      String json = ar.result();
      String jsonp = ctx.request().getParam("jsonp");
      if (jsonp != null && jsonp.matches("[A-Za-z_$][A-Za-z0-9_$.]*")) {
        ctx.response().putHeader("content-type", "text/javascript").end(jsonp + "(" + json + ");");
      } else {
        ctx.response().putHeader("content-type", "application/json").end(json);
      }
    });
  }

  private static void fail(RoutingContext ctx, Throwable cause) {
    int status = cause instanceof SandboxPaths.Refused r ? r.status() : 500;
    String message = cause instanceof SandboxPaths.Refused ? cause.getMessage() : "Failed to access the file: " + cause.getMessage();
    ctx.response().setStatusCode(status).putHeader("content-type", "text/plain; charset=utf-8").end(message);
  }
}
