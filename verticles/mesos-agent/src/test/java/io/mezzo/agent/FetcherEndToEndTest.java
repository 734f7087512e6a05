package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.mezzo.mesos.proto.Resources;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CommandInfo.uris fetched over HTTP into the sandbox: extraction of tar.gz and zip, the executable flag, the cache. */
class FetcherEndToEndTest {
  private static final Duration WAIT = OneAgent.WAIT;

  @TempDir
  Path dir;

  private OneAgent one;
  private HttpServer server;
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop(0);
    }
    if (one != null) {
      one.close();
    }
  }

  @Test
  void urisAreFetchedExtractedMadeExecutableAndCached() throws Exception {
    OneAgent.assumeRootAndCgroups();
    Path files = Files.createDirectories(dir.resolve("files"));
    Path content = Files.createDirectories(dir.resolve("content").resolve("data"));
    Files.writeString(content.resolve("hello.txt"), "hello from tar\n");
    assertThat(new ProcessBuilder("tar", "-czf", files.resolve("bundle.tgz").toString(), "-C", dir.resolve("content").toString(), "data")
        .start().waitFor()).isZero();
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(files.resolve("more.zip")))) {
      zip.putNextEntry(new ZipEntry("z/inzip.txt"));
      zip.write("hello from zip\n".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    Files.writeString(files.resolve("run.sh"), "#!/bin/sh\ncat data/hello.txt z/inzip.txt\n");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String name = exchange.getRequestURI().getPath().substring(1);
      hits.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
      Path file = files.resolve(name);
      if (name.contains("/") || !Files.isRegularFile(file)) {
        exchange.sendResponseHeaders(404, -1);
        exchange.close();
        return;
      }
      byte[] body = Files.readAllBytes(file);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";

    one = OneAgent.start(dir, new JsonObject(), "fetching");
    V1Client framework = one.framework();
    Offer offer = one.offer();
    CommandInfo.URI script = CommandInfo.URI.newBuilder().setValue(base + "run.sh").setExecutable(true).setCache(true).build();
    CommandInfo fetching = CommandInfo.newBuilder().setValue("./run.sh")
        .addUris(CommandInfo.URI.newBuilder().setValue(base + "bundle.tgz"))
        .addUris(CommandInfo.URI.newBuilder().setValue(base + "more.zip"))
        .addUris(script).build();
    assertThat(framework.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
        .addOfferIds(offer.getId()).addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder()
                .addTaskInfos(task(offer, "fetch-1", fetching))
                .addTaskInfos(task(offer, "fetch-missing", CommandInfo.newBuilder().setValue("true")
                    .addUris(CommandInfo.URI.newBuilder().setValue(base + "missing.tgz")).build()))))
        .setFilters(Filters.newBuilder().setRefuseSeconds(0))).build())).isEqualTo(202);

    framework.update("fetch-1", TaskState.TASK_FINISHED, WAIT);
    Path executors = one.executors();
    Path sandbox = executors.resolve("fetch-1").resolve("runs").resolve("latest");
    assertThat(Files.readString(sandbox.resolve("stdout"))).isEqualTo("hello from tar\nhello from zip\n");
    assertThat(sandbox.resolve("bundle.tgz")).exists();
    assertThat(Files.readString(sandbox.resolve("stderr"))).contains("mezzo-fetcher: Fetched '" + base + "run.sh' into the cache");

    TaskStatus missing = framework.update("fetch-missing", TaskState.TASK_FAILED, WAIT);
    assertThat(missing.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    assertThat(missing.getMessage()).contains("Failed to fetch '" + base + "missing.tgz': HTTP 404");

    // the second task takes run.sh from the cache
    Offer again = one.offer();
    assertThat(framework.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
        .addOfferIds(again.getId()).addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task(again, "fetch-2", fetching)))))
        .build())).isEqualTo(202);
    framework.update("fetch-2", TaskState.TASK_FINISHED, WAIT);
    assertThat(hits.get("run.sh").get()).isEqualTo(1);
    assertThat(hits.get("bundle.tgz").get()).isEqualTo(2);
    assertThat(Files.readString(executors.resolve("fetch-2").resolve("runs").resolve("latest").resolve("stderr")))
        .contains("Using the cached copy of '" + base + "run.sh'");
    await().atMost(WAIT).until(() -> one.cluster().containerCgroups().isEmpty());
  }

  private static TaskInfo task(Offer offer, String id, CommandInfo command) {
    return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id)).setAgentId(offer.getAgentId())
        .setCommand(command).addAllResources(Resources.parse("cpus:0.1;mem:32", "*")).build();
  }
}
