package io.mezzo.l4lb.proxy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Adds and removes VIP addresses on {@code lo} with {@code ip addr}, since this host has no
 * {@code dummy} module. Addresses in 127.0.0.0/8 need nothing: Linux already routes them to
 * {@code lo}. The commands run on a worker thread.
 */
public final class LoopbackAddresses {
  private final Vertx vertx;
  private final boolean enabled;

  /** {@code enabled} false makes every call a no-op (not root, or turned off in config). */
  public LoopbackAddresses(Vertx vertx, boolean enabled) {
    this.vertx = vertx;
    this.enabled = enabled;
  }

  /** Whether the address needs adding to {@code lo} before it can be bound. */
  public boolean needed(String ip) {
    return enabled && !ip.startsWith("127.") && !ip.contains(":");
  }

  /** Adds {@code ip/32} to {@code lo}; an address already present counts as success. */
  public Future<Void> add(String ip) {
    return needed(ip) ? run(List.of("ip", "addr", "replace", ip + "/32", "dev", "lo")) : Future.succeededFuture();
  }

  public Future<Void> remove(String ip) {
    return needed(ip) ? run(List.of("ip", "addr", "del", ip + "/32", "dev", "lo")) : Future.succeededFuture();
  }

  private Future<Void> run(List<String> command) {
    return vertx.executeBlocking(() -> {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("'" + String.join(" ", command) + "' timed out");
      }
      if (p.exitValue() != 0) {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        throw new IOException("'" + String.join(" ", command) + "' failed: " + out);
      }
      return null;
    }, false);
  }
}
