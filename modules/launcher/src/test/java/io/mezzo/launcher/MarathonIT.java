package io.mezzo.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Marathon on a real `mezzo up`: an app whose instances are real web servers with a health check the agent
 * runs, scaled, upgraded and restarted while the number of healthy instances is watched the whole time, then
 * destroyed; an event-stream client that drops out and resumes with {@code Last-Event-ID}; and a pod of two
 * containers run as one task group.
 */
class MarathonIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  Path workDir;

  private MezzoProcess mezzo;
  private String marathon;

  private HttpResponse<String> send(String method, String path, String json) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(marathon + path)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json");
    b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject get(String path) throws Exception {
    HttpResponse<String> r = send("GET", path, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private JsonArray tasks() throws Exception {
    return get("/v2/apps/web/tasks").getJsonArray("tasks");
  }

  private static boolean healthy(JsonObject task) {
    JsonArray results = task.getJsonArray("healthCheckResults", new JsonArray());
    return "TASK_RUNNING".equals(task.getString("state")) && !results.isEmpty()
        && results.getJsonObject(0).getBoolean("alive", false);
  }

  private Set<String> taskIds() throws Exception {
    Set<String> ids = new HashSet<>();
    tasks().forEach(t -> ids.add(((JsonObject) t).getString("id")));
    return ids;
  }

  private String diagnostics() {
    try {
      return "\napp: " + send("GET", "/v2/apps/web", null).body() + "\ndeployments: "
          + send("GET", "/v2/deployments", null).body() + "\nqueue: " + send("GET", "/v2/queue", null).body()
          + "\nstderr: " + String.join("\n", mezzo.err);
    } catch (Exception e) {
      return e.toString();
    }
  }

  /** Waits until the app has {@code n} healthy tasks, nothing else, and no deployment. */
  private void awaitSteady(int n) {
    await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      JsonArray tasks = tasks();
      assertThat(tasks.stream().map(JsonObject.class::cast).filter(MarathonIT::healthy).count())
          .as(this::diagnostics).isEqualTo(n);
      assertThat(tasks.size()).isEqualTo(n);
      assertThat(get("/v2/apps/web").getJsonObject("app").getInteger("tasksHealthy")).isEqualTo(n);
      assertThat(new JsonArray(send("GET", "/v2/deployments", null).body())).isEmpty();
    });
  }

  /** The ports of the app's tasks, each answering HTTP 200 from its real process. */
  private List<Integer> servingPorts() throws Exception {
    List<Integer> ports = new ArrayList<>();
    for (Object t : tasks()) {
      int port = ((JsonObject) t).getJsonArray("ports").getInteger(0);
      assertThat(MezzoProcess.get("http://127.0.0.1:" + port + "/").status()).isEqualTo(200);
      ports.add(port);
    }
    return ports;
  }

  /**
   * Polls the app's tasks on a background thread while {@code change} runs and its deployment finishes, and
   * returns the fewest healthy tasks seen at any sample.
   */
  private int minHealthyDuring(ThrowingRunnable change, int expectedAfter) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger min = new AtomicInteger(Integer.MAX_VALUE);
    AtomicInteger samples = new AtomicInteger();
    AtomicInteger maxTasks = new AtomicInteger();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    Thread sampler = new Thread(() -> {
      while (!stop.get()) {
        try {
          JsonArray tasks = tasks();
          int healthy = (int) tasks.stream().map(JsonObject.class::cast).filter(MarathonIT::healthy).count();
          min.accumulateAndGet(healthy, Math::min);
          int launched = (int) tasks.stream().map(JsonObject.class::cast)
              .filter(t -> !"TASK_KILLING".equals(t.getString("state"))).count();
          maxTasks.accumulateAndGet(launched, Math::max);
          samples.incrementAndGet();
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        } catch (Throwable e) {
          errors.add(e);
        }
      }
    }, "sampler");
    sampler.start();
    try {
      change.run();
      awaitSteady(expectedAfter);
    } finally {
      stop.set(true);
      sampler.join(5_000);
    }
    assertThat(errors).isEmpty();
    assertThat(samples.get()).isGreaterThan(20);
    // maximumOverCapacity 0.2 of 5: never more than 6 tasks at once, besides those already being killed
    assertThat(maxTasks.get()).isLessThanOrEqualTo(6);
    return min.get();
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void app_scaledUpgradedRestartedAndDestroyed_neverBelowMinimumHealthy_eventsResumeWithoutLoss() throws Exception {
    int marathonPort = MezzoProcess.freePort();
    try (MezzoProcess mezzo = this.mezzo = MezzoProcess.start(Map.of(), "up", "--work-dir", workDir.toString(),
        "--set", "zookeeper.port=" + MezzoProcess.freePort(), "--set", "diagnostics.port=" + MezzoProcess.freePort(),
        "--set", "mesos-master.port=" + MezzoProcess.freePort(), "--set", "mesos-master.allocation_interval_ms=200",
        "--set", "dns.port=" + MezzoProcess.freePort(), "--set", "dns.dns_port=" + MezzoProcess.freePort(),
        "--set", "dns.dns_host=127.0.0.1", "--set", "l4lb.port=" + MezzoProcess.freePort(),
        "--set", "l4lb.vip_range=127.12.0.0/16", "--set", "mesos-agent.port=" + MezzoProcess.freePort(),
        "--set", "mesos-agent.resources=cpus:2;mem:1024;disk:1024;ports:[31200-31300]",
        "--set", "marathon.port=" + marathonPort, "--set", "marathon.min_revive_interval_ms=500",
        "--set", "metronome.port=" + MezzoProcess.freePort())) {
      mezzo.awaitOut(l -> l.startsWith("ready"), WAIT);
      marathon = "http://127.0.0.1:" + marathonPort;
      await().atMost(WAIT).ignoreExceptions().until(() -> send("GET", "/v2/leader", null).statusCode() == 200);

      // one subscriber stays connected the whole time; the other drops out and resumes later
      try (SseClient all = new SseClient(marathon + "/v2/events", null);
           SseClient dropping = new SseClient(marathon + "/v2/events", null)) {
        String app = """
            {"id":"/web","cmd":"exec python3 -m http.server $PORT0 --bind 127.0.0.1","cpus":0.1,"mem":48,
             "instances":1,"portDefinitions":[{"port":0,"name":"http"}],
             "healthChecks":[{"protocol":"HTTP","path":"/","portIndex":0,"gracePeriodSeconds":20,
               "intervalSeconds":2,"timeoutSeconds":1,"maxConsecutiveFailures":3,"delaySeconds":0}],
             "upgradeStrategy":{"minimumHealthCapacity":0.6,"maximumOverCapacity":0.2}}""";
        HttpResponse<String> created = send("POST", "/v2/apps", app);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        awaitSteady(1);
        List<Integer> first = servingPorts();
        assertThat(first).hasSize(1);

        // the dropping client leaves here: everything from now on it must get on resume
        await().atMost(WAIT).until(() -> !dropping.frames.isEmpty());
        dropping.close();
        String lastSeen = dropping.frames.get(dropping.frames.size() - 1).id();

        // scale 1 → 5
        assertThat(send("PATCH", "/v2/apps/web", "{\"instances\":5}").statusCode()).isEqualTo(200);
        awaitSteady(5);
        assertThat(servingPorts()).hasSize(5).contains(first.get(0));

        // rolling upgrade: at least ceil(5 × 0.6) = 3 healthy at every sample, every task replaced
        Set<String> beforeUpgrade = taskIds();
        int minUpgrade = minHealthyDuring(() -> assertThat(send("PUT", "/v2/apps/web",
            "{\"env\":{\"RELEASE\":\"2\"}}").statusCode()).isEqualTo(200), 5);
        assertThat(minUpgrade).as("fewest healthy during the upgrade").isGreaterThanOrEqualTo(3);
        Set<String> upgraded = taskIds();
        assertThat(upgraded).hasSize(5).doesNotContainAnyElementsOf(beforeUpgrade);
        assertThat(servingPorts()).hasSize(5);

        // restart: the same guarantee, every task replaced again
        int minRestart = minHealthyDuring(() -> assertThat(send("POST", "/v2/apps/web/restart", null).statusCode())
            .isEqualTo(200), 5);
        assertThat(minRestart).as("fewest healthy during the restart").isGreaterThanOrEqualTo(3);
        assertThat(taskIds()).hasSize(5).doesNotContainAnyElementsOf(upgraded);
        List<Integer> ports = servingPorts();

        // the resumed client gets every event the connected one saw after its last id, in order
        String lastNow = all.frames.get(all.frames.size() - 1).id();
        try (SseClient resumed = new SseClient(marathon + "/v2/events", lastSeen)) {
          await().atMost(Duration.ofSeconds(20)).until(() -> resumed.frames.stream().anyMatch(f -> lastNow.equals(f.id())));
          List<String> missed = all.frames.stream().map(Frame::id)
              .filter(id -> id != null && Long.parseLong(id) > Long.parseLong(lastSeen)
                  && Long.parseLong(id) <= Long.parseLong(lastNow)).toList();
          List<String> got = resumed.frames.stream().map(Frame::id)
              .filter(id -> id != null && Long.parseLong(id) <= Long.parseLong(lastNow)).toList();
          assertThat(missed).hasSizeGreaterThan(50);
          assertThat(got).isEqualTo(missed);
          assertThat(resumed.frames.stream().map(Frame::event)).doesNotContain("event_stream_gap");
        }
        assertThat(all.frames.stream().map(Frame::event)).contains("deployment_success", "status_update_event",
            "health_status_changed_event", "instance_health_changed_event");

        // destroy: no task left, and no process serving on their ports
        assertThat(send("DELETE", "/v2/apps/web", null).statusCode()).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() -> {
          assertThat(send("GET", "/v2/apps/web", null).statusCode()).isEqualTo(404);
          assertThat(get("/v2/tasks").getJsonArray("tasks")).isEmpty();
          assertThat(new JsonArray(send("GET", "/v2/deployments", null).body())).isEmpty();
        });
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
          for (int port : ports) {
            assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("http.server " + port))).isEmpty();
            try (java.net.Socket socket = new java.net.Socket()) {
              org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                  socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500))
                  .isInstanceOf(java.io.IOException.class);
            }
          }
        });
      }

      podRunsAsTaskGroup();

      mezzo.sigterm();
      assertThat(mezzo.awaitExit(Duration.ofSeconds(30))).isZero();
    }
  }

  private static long processesWith(String needle) {
    return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(needle)).count();
  }

  /** The sidecar's own processes (not a shell wrapping it). */
  private static java.util.List<ProcessHandle> sidecars() {
    return ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("/sleep")
        && p.info().commandLine().orElse("").contains("31337")).toList();
  }

  private JsonObject podInstance() throws Exception {
    JsonArray instances = get("/v2/pods/duo::status").getJsonArray("instances");
    assertThat(instances).hasSize(1);
    return instances.getJsonObject(0);
  }

  /** Waits until the pod's one instance is STABLE with both containers running; returns it. */
  private JsonObject awaitStablePod() {
    JsonObject[] out = new JsonObject[1];
    await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      JsonObject status = get("/v2/pods/duo::status");
      assertThat(status.getString("status")).as(status::encodePrettily).isEqualTo("STABLE");
      JsonObject instance = podInstance();
      assertThat(instance.getString("status")).isEqualTo("STABLE");
      assertThat(instance.getJsonArray("containers").stream().map(c -> ((JsonObject) c).getString("status")))
          .containsExactly("TASK_RUNNING", "TASK_RUNNING");
      assertThat(instance.getBoolean("healthy")).isTrue();
      assertThat(new JsonArray(send("GET", "/v2/deployments", null).body())).isEmpty();
      out[0] = instance;
    });
    return out[0];
  }

  /**
   * A pod of two containers runs as one task group on the agent: both are real processes, the web container
   * answers on its allocated endpoint and passes its agent-run health check; when the sidecar dies the whole
   * instance is replaced; destroying the pod ends both processes.
   */
  private void podRunsAsTaskGroup() throws Exception {
    String pod = """
        {"id":"/duo","scaling":{"kind":"fixed","instances":1},
         "containers":[
          {"name":"web","resources":{"cpus":0.1,"mem":48},
           "exec":{"command":{"shell":"exec python3 -m http.server $ENDPOINT_HTTP --bind 127.0.0.1"}},
           "endpoints":[{"name":"http","hostPort":0}],
           "healthCheck":{"http":{"endpoint":"http","path":"/"},"gracePeriodSeconds":20,"intervalSeconds":1,
             "timeoutSeconds":1,"maxConsecutiveFailures":3,"delaySeconds":0}},
          {"name":"side","resources":{"cpus":0.1,"mem":16},
           "exec":{"command":{"shell":"exec sleep 31337"}},"environment":{"ROLE":"sidecar"}}]}""";
    HttpResponse<String> created = send("POST", "/v2/pods", pod);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject first = awaitStablePod();
    JsonObject endpoint = first.getJsonArray("containers").getJsonObject(0).getJsonArray("endpoints").getJsonObject(0);
    int port = endpoint.getInteger("allocatedHostPort");
    assertThat(port).isBetween(31200, 31300);
    assertThat(MezzoProcess.get("http://127.0.0.1:" + port + "/").status()).isEqualTo(200);
    assertThat(sidecars()).hasSize(1);

    // the sidecar dies: the agent kills the web container too and Marathon replaces the whole instance
    sidecars().forEach(ProcessHandle::destroyForcibly);
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(podInstance().getString("id")).isNotEqualTo(first.getString("id")));
    JsonObject second = awaitStablePod();
    int secondPort = second.getJsonArray("containers").getJsonObject(0).getJsonArray("endpoints").getJsonObject(0)
        .getInteger("allocatedHostPort");
    assertThat(MezzoProcess.get("http://127.0.0.1:" + secondPort + "/").status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> processesWith("http.server " + port) == 0);
    assertThat(sidecars()).hasSize(1);

    // destroy: both processes end
    assertThat(send("DELETE", "/v2/pods/duo", null).statusCode()).isEqualTo(202);
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(send("GET", "/v2/pods/duo", null).statusCode()).isEqualTo(404);
      assertThat(get("/v2/tasks").getJsonArray("tasks")).isEmpty();
      assertThat(processesWith("sleep 31337")).isZero();
      assertThat(processesWith("http.server " + secondPort)).isZero();
    });
  }

  record Frame(String id, String event, String data) {
  }

  /** An event-stream client reading frames on its own thread until closed. */
  static final class SseClient implements AutoCloseable {
    final List<Frame> frames = new CopyOnWriteArrayList<>();
    private final InputStream body;

    SseClient(String url, String lastEventId) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
      if (lastEventId != null) {
        b.header("Last-Event-ID", lastEventId);
      }
      HttpResponse<InputStream> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).isEqualTo(200);
      body = r.body();
      Thread reader = new Thread(() -> {
        String id = null;
        String event = null;
        String data = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null) {
            if (line.startsWith("id: ")) {
              id = line.substring(4);
            } else if (line.startsWith("event: ")) {
              event = line.substring(7);
            } else if (line.startsWith("data: ")) {
              data = line.substring(6);
            } else if (line.isEmpty() && event != null) {
              frames.add(new Frame(id, event, data));
              id = event = data = null;
            }
          }
        } catch (Exception closed) {
          // closed by the test
        }
      }, "sse");
      reader.setDaemon(true);
      reader.start();
    }

    @Override
    public void close() throws Exception {
      body.close();
    }
  }
}
