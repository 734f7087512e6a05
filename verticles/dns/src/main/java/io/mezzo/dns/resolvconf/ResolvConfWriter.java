package io.mezzo.dns.resolvconf;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.dns.DnsClient;
import io.vertx.core.dns.DnsClientOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.logging.Logger;

/**
 * Periodically probes the local DNS servers (an NS query for the Mesos domain) and rewrites the
 * target file: atomically (a temporary file renamed into place), and only when the content changed.
 */
public final class ResolvConfWriter {
  private static final Logger LOG = Logger.getLogger(ResolvConfWriter.class.getName());

  private final Vertx vertx;
  private final Path target;
  private final List<String> probe;
  private final int probePort;
  private final List<String> fallbacks;
  private final String search;
  private final String domain;
  private final Random random;

  public ResolvConfWriter(Vertx vertx, Path target, List<String> probe, int probePort, List<String> fallbacks,
                          String search, String domain, Random random) {
    this.vertx = vertx;
    this.target = target;
    this.probe = List.copyOf(probe);
    this.probePort = probePort;
    this.fallbacks = List.copyOf(fallbacks);
    this.search = search;
    this.domain = domain;
    this.random = random;
  }

  /** One round: probe, render, write if changed. Completes with whether the file was written. */
  public Future<Boolean> run() {
    List<Future<Boolean>> answers = new ArrayList<>();
    for (String server : probe) {
      DnsClient client = vertx.createDnsClient(new DnsClientOptions().setHost(server).setPort(probePort)
          .setQueryTimeout(5_000).setRecursionDesired(false));
      answers.add(client.resolveNS(domain).map(ns -> !ns.isEmpty()).otherwise(false)
          .eventually(() -> client.close()));
    }
    return Future.join(answers).otherwiseEmpty().compose(v -> {
      List<String> up = new ArrayList<>();
      for (int i = 0; i < probe.size(); i++) {
        if (Boolean.TRUE.equals(answers.get(i).result())) {
          up.add(probe.get(i));
        }
      }
      String content = ResolvConf.render(up, fallbacks, search, random);
      return vertx.executeBlocking(() -> write(content));
    });
  }

  private boolean write(String content) throws IOException {
    try {
      if (Files.readString(target, StandardCharsets.UTF_8).equals(content)) {
        return false;
      }
    } catch (NoSuchFileException e) {
      // first write
    }
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      // a bind-mounted file (e.g. in a container) cannot be replaced: write it in place
      LOG.fine("Cannot rename into '" + target + "' (" + e + "); writing in place");
      Files.writeString(target, content, StandardCharsets.UTF_8);
      Files.deleteIfExists(tmp);
    }
    return true;
  }
}
