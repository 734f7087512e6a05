package io.mezzo.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.mesos.client.SchedulerClient;
import io.mezzo.mesos.proto.Resources;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.DiscoveryInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Labels;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Port;
import org.apache.mesos.v1.Protos.Ports;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole platform from `mezzo up`: a framework launches a web server through the master, the
 * agent runs it as a real process, DNS names it, and the L4LB carries connections to it through its VIP.
 */
class PlatformIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path workDir;

  private int dnsPort;

  private String dig(String name, String type) throws Exception {
    Process dig = new ProcessBuilder("dig", "@127.0.0.1", "-p", Integer.toString(dnsPort), name, type, "+short",
        "+time=2", "+tries=1").redirectErrorStream(true).start();
    String out = new String(dig.getInputStream().readAllBytes()).trim();
    dig.waitFor();
    return out;
  }

  private MezzoProcess mezzo;

  private static String get(String url) {
    try {
      return MezzoProcess.get(url).body();
    } catch (Exception e) {
      return e.toString();
    }
  }

  private Event next(BlockingQueue<Event> events, Predicate<Event> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<String> seen = new java.util.ArrayList<>();
    while (System.nanoTime() < deadline) {
      Event e = events.poll(100, TimeUnit.MILLISECONDS);
      if (e != null && wanted.test(e)) {
        return e;
      }
      if (e != null) {
        seen.add(e.getType() == Event.Type.UPDATE ? "UPDATE " + e.getUpdate().getStatus().getState() + " "
            + e.getUpdate().getStatus().getMessage() : e.getType().name());
      }
    }
    throw new AssertionError("no such event within " + WAIT + "; seen " + seen + "\nstderr: " + String.join("\n", mezzo.err));
  }

  @Test
  void taskThroughTheMaster_runsOnTheAgent_isNamedByDns_andServedThroughItsVip() throws Exception {
    int masterPort = MezzoProcess.freePort();
    int l4lbPort = MezzoProcess.freePort();
    int dnsHttp = MezzoProcess.freePort();
    dnsPort = MezzoProcess.freePort();
    try (MezzoProcess mezzo = this.mezzo = MezzoProcess.start(Map.of(), "up", "--work-dir", workDir.toString(),
        "--set", "zookeeper.port=" + MezzoProcess.freePort(), "--set", "diagnostics.port=" + MezzoProcess.freePort(),
        "--set", "mesos-master.port=" + masterPort, "--set", "mesos-master.allocation_interval_ms=200",
        "--set", "dns.port=" + dnsHttp, "--set", "dns.dns_port=" + dnsPort, "--set", "dns.dns_host=127.0.0.1",
        "--set", "l4lb.port=" + l4lbPort, "--set", "l4lb.vip_range=127.11.0.0/16",
        "--set", "mesos-agent.port=" + MezzoProcess.freePort(),
        "--set", "mesos-agent.resources=cpus:2;mem:1024;disk:1024;ports:[31000-31100]",
        "--set", "marathon.port=" + MezzoProcess.freePort(), "--set", "metronome.port=" + MezzoProcess.freePort())) {
      mezzo.awaitOut(l -> l.startsWith("ready"), WAIT);

      BlockingQueue<Event> events = new LinkedBlockingQueue<>();
      SchedulerClient client = SchedulerClient.builder().master("http://127.0.0.1:" + masterPort)
          .frameworkInfo(FrameworkInfo.newBuilder().setUser("root").setName("e2e").setFailoverTimeout(60).build()).build();
      client.events().subscribe(e -> {
        events.add(e);
        if (e.getType() == Event.Type.UPDATE) {
          client.acknowledge(e.getUpdate().getStatus()).subscribe(() -> { }, error -> { });
        }
      }, e -> { });
      try {
        Offer offer = next(events, e -> e.getType() == Event.Type.OFFERS).getOffers().getOffers(0);
        long port = offer.getResourcesList().stream().filter(r -> r.getName().equals("ports"))
            .findFirst().orElseThrow().getRanges().getRange(0).getBegin();
        TaskInfo web = TaskInfo.newBuilder().setName("web").setTaskId(TaskID.newBuilder().setValue("web-1"))
            .setAgentId(offer.getAgentId())
            .setCommand(CommandInfo.newBuilder().setValue("exec python3 -m http.server $PORT0 --bind 127.0.0.1"))
            .addAllResources(Resources.parse("cpus:0.5;mem:128", "*"))
            .addResources(Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
                .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(port).setEnd(port))))
            .setDiscovery(DiscoveryInfo.newBuilder().setVisibility(DiscoveryInfo.Visibility.FRAMEWORK).setName("web")
                .setPorts(Ports.newBuilder().addPorts(Port.newBuilder().setNumber((int) port).setProtocol("tcp").setName("http")
                    .setLabels(Labels.newBuilder().addLabels(Label.newBuilder().setKey("VIP_0").setValue("/web:8080"))))))
            .build();
        client.accept(List.of(offer.getId()), List.of(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(web)).build()),
            Filters.newBuilder().setRefuseSeconds(1).build()).blockingAwait(10, TimeUnit.SECONDS);

        next(events, e -> e.getType() == Event.Type.UPDATE
            && e.getUpdate().getStatus().getState() == TaskState.TASK_RUNNING);

        // the process really serves on its port
        await().atMost(WAIT).ignoreExceptions().until(() ->
            MezzoProcess.get("http://127.0.0.1:" + port + "/").status() == 200);

        // DNS: the task's name and SRV record, from the master's operator stream
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(dig("web.e2e.mesos", "A"))
            .as(() -> "enumerate: " + get("http://127.0.0.1:" + dnsHttp + "/v1/enumerate") + "\nstate tasks: "
                + get("http://127.0.0.1:" + masterPort + "/master/tasks") + "\nstderr: " + String.join("\n", mezzo.err))
            .isEqualTo("127.0.0.1"));
        assertThat(dig("_web._tcp.e2e.mesos", "SRV")).contains(" " + port + " ");

        // L4LB: the named VIP and a request through it
        JsonObject vip = await().atMost(Duration.ofSeconds(20)).until(() -> {
          JsonArray vips = new JsonArray(MezzoProcess.get("http://127.0.0.1:" + l4lbPort + "/v1/vips").body());
          return vips.stream().map(JsonObject.class::cast)
              .filter(v -> v.getString("vip").equals("web.e2e.l4lb.thisdcos.directory:8080")).findFirst().orElse(null);
        }, v -> v != null);
        assertThat(vip.getJsonArray("backend").getJsonObject(0).getInteger("port")).isEqualTo((int) port);
        String address = vip.getString("address");
        assertThat(address).startsWith("127.11.");
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
            assertThat(MezzoProcess.get("http://" + address + ":8080/").status()).isEqualTo(200));

        // killing the task removes its name
        client.kill(TaskID.newBuilder().setValue("web-1").build(), offer.getAgentId()).blockingAwait(10, TimeUnit.SECONDS);
        next(events, e -> e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().getState() == TaskState.TASK_KILLED);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(dig("web.e2e.mesos", "A")).isEmpty());
        client.teardown().blockingAwait(10, TimeUnit.SECONDS);
      } finally {
        client.close();
      }

      mezzo.sigterm();
      assertThat(mezzo.awaitExit(Duration.ofSeconds(30))).isZero();
    }
  }

  @Test
  void marathonApp_runsTwoInstances_namedByDns_andServedThroughItsVip() throws Exception {
    int marathonPort = MezzoProcess.freePort();
    int l4lbPort = MezzoProcess.freePort();
    dnsPort = MezzoProcess.freePort();
    try (MezzoProcess mezzo = this.mezzo = MezzoProcess.start(Map.of(), "up", "--work-dir", workDir.toString(),
        "--set", "zookeeper.port=" + MezzoProcess.freePort(), "--set", "diagnostics.port=" + MezzoProcess.freePort(),
        "--set", "mesos-master.port=" + MezzoProcess.freePort(), "--set", "mesos-master.allocation_interval_ms=200",
        "--set", "dns.port=" + MezzoProcess.freePort(), "--set", "dns.dns_port=" + dnsPort, "--set", "dns.dns_host=127.0.0.1",
        "--set", "l4lb.port=" + l4lbPort, "--set", "l4lb.vip_range=127.11.0.0/16",
        "--set", "mesos-agent.port=" + MezzoProcess.freePort(),
        "--set", "mesos-agent.resources=cpus:2;mem:1024;disk:1024;ports:[31000-31100]",
        "--set", "marathon.port=" + marathonPort, "--set", "metronome.port=" + MezzoProcess.freePort())) {
      mezzo.awaitOut(l -> l.startsWith("ready"), WAIT);
      String marathon = "http://127.0.0.1:" + marathonPort;
      String app = "{\"id\":\"/web\",\"cmd\":\"exec python3 -m http.server $PORT0 --bind 127.0.0.1\",\"cpus\":0.2,"
          + "\"mem\":64,\"instances\":2,\"portDefinitions\":[{\"port\":0,\"name\":\"http\",\"labels\":{\"VIP_0\":\"/web:8080\"}}]}";
      java.net.http.HttpResponse<String> created = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(marathon + "/v2/apps"))
              .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(app)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

      // two instances running, the deployment done
      await().atMost(WAIT).untilAsserted(() -> {
        JsonObject web = new JsonObject(get(marathon + "/v2/apps/web")).getJsonObject("app");
        assertThat(web.getInteger("tasksRunning")).as(() -> web.encode() + "\nstderr: " + String.join("\n", mezzo.err)).isEqualTo(2);
        assertThat(new JsonArray(get(marathon + "/v2/deployments"))).isEmpty();
      });
      JsonArray tasks = new JsonObject(get(marathon + "/v2/apps/web/tasks")).getJsonArray("tasks");
      for (Object t : tasks) {
        int port = ((JsonObject) t).getJsonArray("ports").getInteger(0);
        await().atMost(WAIT).ignoreExceptions().until(() -> MezzoProcess.get("http://127.0.0.1:" + port + "/").status() == 200);
      }

      // DNS: one name, two SRV targets
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        assertThat(dig("web.marathon.mesos", "A")).isEqualTo("127.0.0.1");
        assertThat(dig("_web._tcp.marathon.mesos", "SRV").lines().count()).isEqualTo(2);
      });

      // the VIP spreads connections over both instances
      JsonObject vip = await().atMost(Duration.ofSeconds(20)).until(() -> new JsonArray(get("http://127.0.0.1:" + l4lbPort + "/v1/vips"))
          .stream().map(JsonObject.class::cast).filter(v -> v.getString("vip").equals("web.marathon.l4lb.thisdcos.directory:8080")
              && v.getJsonArray("backend").size() == 2).findFirst().orElse(null), v -> v != null);
      String address = vip.getString("address");
      // DNS names the VIP, from the table the L4LB publishes
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(dig("web.marathon.l4lb.thisdcos.directory", "A")).isEqualTo(address));
      for (int i = 0; i < 10; i++) {
        assertThat(MezzoProcess.get("http://" + address + ":8080/").status()).isEqualTo(200);
      }

      mezzo.sigterm();
      assertThat(mezzo.awaitExit(Duration.ofSeconds(30))).isZero();
      // stopping Mezzo stops its tasks too: nothing answers on their ports any more
      for (Object t : tasks) {
        int port = ((JsonObject) t).getJsonArray("ports").getInteger(0);
        try (java.net.Socket socket = new java.net.Socket()) {
          org.assertj.core.api.Assertions.assertThatThrownBy(() -> socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000))
              .isInstanceOf(java.io.IOException.class);
        }
      }
    }
  }

  private static java.net.http.HttpResponse<String> post(String url, String json) throws Exception {
    return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
            .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metronomeJob_runNow_succeeds_andItsStdoutIsInTheSandbox() throws Exception {
    int metronomePort = MezzoProcess.freePort();
    int agentPort = MezzoProcess.freePort();
    dnsPort = MezzoProcess.freePort();
    try (MezzoProcess mezzo = this.mezzo = MezzoProcess.start(Map.of(), "up", "--work-dir", workDir.toString(),
        "--set", "zookeeper.port=" + MezzoProcess.freePort(), "--set", "diagnostics.port=" + MezzoProcess.freePort(),
        "--set", "mesos-master.port=" + MezzoProcess.freePort(), "--set", "mesos-master.allocation_interval_ms=200",
        "--set", "dns.port=" + MezzoProcess.freePort(), "--set", "dns.dns_port=" + dnsPort, "--set", "dns.dns_host=127.0.0.1",
        "--set", "l4lb.port=" + MezzoProcess.freePort(), "--set", "l4lb.vip_range=127.11.0.0/16",
        "--set", "mesos-agent.port=" + agentPort,
        "--set", "mesos-agent.resources=cpus:2;mem:1024;disk:1024;ports:[31000-31100]",
        "--set", "marathon.port=" + MezzoProcess.freePort(), "--set", "metronome.port=" + metronomePort)) {
      mezzo.awaitOut(l -> l.startsWith("ready"), WAIT);
      String metronome = "http://127.0.0.1:" + metronomePort;
      var created = post(metronome + "/v1/jobs",
          "{\"id\":\"hello\",\"run\":{\"cmd\":\"echo hello-from-job\",\"cpus\":0.1,\"mem\":32,\"disk\":0}}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      var run = post(metronome + "/v1/jobs/hello/runs", "");
      assertThat(run.statusCode()).as(run.body()).isEqualTo(201);

      await().atMost(WAIT).untilAsserted(() -> {
        JsonObject job = new JsonObject(get(metronome + "/v1/jobs/hello?embed=history"));
        assertThat(job.getJsonObject("history").getInteger("successCount")).as(() -> job.encode() + "\nstderr: "
            + String.join("\n", mezzo.err)).isEqualTo(1);
      });

      JsonObject agentState = new JsonObject(get("http://127.0.0.1:" + agentPort + "/state"));
      String directory = agentState.getJsonArray("frameworks").stream().map(JsonObject.class::cast)
          .filter(f -> f.getString("name").equals("metronome"))
          .flatMap(f -> f.getJsonArray("completed_executors").stream().map(JsonObject.class::cast))
          .map(e -> e.getString("directory")).findFirst().orElseThrow();
      JsonObject stdout = new JsonObject(get("http://127.0.0.1:" + agentPort + "/files/read?offset=0&path="
          + java.net.URLEncoder.encode(directory + "/stdout", java.nio.charset.StandardCharsets.UTF_8)));
      assertThat(stdout.getString("data")).contains("hello-from-job");

      mezzo.sigterm();
      assertThat(mezzo.awaitExit(Duration.ofSeconds(30))).isZero();
    }
  }
}
