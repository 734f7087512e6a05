package io.mezzo.master;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.mezzo.master.sim.SimulatedCluster;
import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.proto.RecordIO;
import io.mezzo.mesos.proto.Resources;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * State and failover benchmark of the master (not a unit test; run with {@code scripts/bench/master}).
 *
 * <p>Two masters on an embedded ZooKeeper; a {@link SimulatedCluster} of 10,000 agents registers
 * through the agent protocol; one framework launches 10 tasks on each agent through ACCEPT calls
 * (100,000 tasks). Then: p50 and p99 latency of {@code GET_STATE} (operator API, JSON and protobuf) and
 * of {@code /master/state} over {@code bench.requests} requests; then the leader crashes (its ZooKeeper session closes,
 * then it stops) and the time from the follower's election to every agent re-registered and the
 * framework re-subscribed is measured. Prints a Markdown table beside Mesos's published figures.
 */
public final class MasterBenchmark {
  private static final int AGENTS = Integer.getInteger("bench.agents", 10_000);
  private static final int TASKS_PER_AGENT = 10;
  private static final int REQUESTS = Integer.getInteger("bench.requests", 20);
  /** Held here: a logger nobody references may be collected and forget its level. */
  private static final Logger VERTICLE_LOG = Logger.getLogger(MasterVerticle.class.getName());
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private MasterBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    Logger.getLogger("").setLevel(Level.WARNING);
    // the new leader logs its recovery phases (registry read, agents back) at INFO
    VERTICLE_LOG.setLevel(Level.INFO);
    Path dir = Files.createTempDirectory("mezzo-master-bench");
    try (MasterFixture fixture = new MasterFixture(dir)) {
      JsonObject config = new JsonObject().put("allocation_interval_ms", 1000).put("max_request_bytes", 64 << 20);
      List<MasterFixture.Deployed> masters = new ArrayList<>(List.of(fixture.deploy(config), fixture.deploy(config)));
      MasterFixture.Deployed first = fixture.leader(masters, Duration.ofSeconds(30));
      masters.remove(first);
      MasterFixture.Deployed second = masters.get(0);

      long t0 = System.nanoTime();
      SimulatedCluster cluster = new SimulatedCluster(fixture.vertx, AGENTS, "cpus:16;mem:65536;disk:100000;ports:[31000-32000]");
      fixture.onLoop(cluster::start);
      double registerSeconds = (System.nanoTime() - t0) / 1e9;

      Call subscribe = Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
          .setFrameworkInfo(org.apache.mesos.v1.Protos.FrameworkInfo.newBuilder().setUser("root").setName("bench")
              .setFailoverTimeout(3600))).build();
      Stream stream = Stream.open(first.url(), subscribe);
      t0 = System.nanoTime();
      launchAll(first.url(), stream);
      double launchSeconds = (System.nanoTime() - t0) / 1e9;
      int tasks = AGENTS * TASKS_PER_AGENT;
      waitFor(() -> stream.running.get() >= tasks, Duration.ofSeconds(120), "TASK_RUNNING for every task");

      Measured getState = measure(() -> post(first.url() + "/api/v1", "{\"type\":\"GET_STATE\"}", "application/json"));
      Measured getStateProto = measure(() -> post(first.url() + "/api/v1", "{\"type\":\"GET_STATE\"}", "application/x-protobuf"));
      Measured legacy = measure(() -> get(first.url() + "/master/state"));

      // failover; the heap is collected first, so that the garbage of the state answers above (which a
      // new leader in its own process would not have) is not collected in the middle of the recovery
      System.gc();
      long kill = System.currentTimeMillis();
      var reregistered = fixture.onLoop(() -> io.vertx.core.Future.succeededFuture(cluster.awaitReregistration()));
      stream.close();
      first.curator().close();
      fixture.undeploy(first);
      Stream resubscribed = Stream.resubscribe(second.url(), subscribe, stream.frameworkId, Duration.ofSeconds(60));
      long subscribedAt = resubscribed.subscribedAt;
      long agentsBackAt = reregistered.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      JsonObject master = new JsonObject(postText(second.url() + "/api/v1", "{\"type\":\"GET_MASTER\"}"));
      long electedAt = (long) (master.getJsonObject("get_master").getDouble("elected_time") * 1000);
      JsonObject metrics = new JsonObject(getText(second.url() + "/metrics/snapshot"));
      double running = metrics.getDouble("master/tasks_running", -1.0);
      resubscribed.close();

      double recovery = (Math.max(subscribedAt, agentsBackAt) - electedAt) / 1000.0;
      String scale = String.format("%,d agents / %,d tasks", AGENTS, tasks);
      System.out.println("| measurement (" + scale + ") | Mesos | Mezzo | Mesos / Mezzo | notes |");
      System.out.println("|---|---|---|---|---|");
      System.out.printf("| `GET_STATE` (operator API, JSON), %d requests | ~3 s (1.7, `/master/state`, large cluster) | p50 %.3f s, p99 %.3f s | %.1fx | %.1f MB |%n",
          REQUESTS, getState.p50, getState.p99, 3.0 / getState.p50, getState.bytes / 1e6);
      System.out.printf("| `GET_STATE` (operator API, protobuf), %d requests | ~3 s (1.7, `/master/state`, large cluster) | p50 %.3f s, p99 %.3f s | %.1fx | %.1f MB |%n",
          REQUESTS, getStateProto.p50, getStateProto.p99, 3.0 / getStateProto.p50, getStateProto.bytes / 1e6);
      System.out.printf("| `/master/state`, %d requests | ~3 s (1.7, large cluster) | p50 %.3f s, p99 %.3f s | %.1fx | %.1f MB |%n",
          REQUESTS, legacy.p50, legacy.p99, 3.0 / legacy.p50, legacy.bytes / 1e6);
      System.out.printf("| failover: elected -> all agents re-registered and framework re-subscribed | ~4.5 s (1.5, 10k/100k) | %.3f s | %.1fx "
              + "| agents back %.3f s, framework back %.3f s after election; election %.3f s after the crash; %s tasks running after |%n",
          recovery, 4.5 / recovery, (agentsBackAt - electedAt) / 1000.0, (subscribedAt - electedAt) / 1000.0,
          (electedAt - kill) / 1000.0, (long) running);
      System.out.printf("%nsetup: %,d agents registered in %.1f s; %,d tasks launched through %,d ACCEPT calls in %.1f s%n",
          AGENTS, registerSeconds, tasks, AGENTS, launchSeconds);
    }
  }

  /** Accepts every offer with 10 tasks (4 ACCEPT calls in flight), until every agent runs its tasks. */
  private static void launchAll(String url, Stream stream) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    int launched = 0;
    List<Future<?>> pending = new ArrayList<>();
    while (launched < AGENTS) {
      Event event = stream.offers.poll(60, TimeUnit.SECONDS);
      if (event == null) {
        throw new IllegalStateException("No offers after " + launched + " agents");
      }
      for (Offer offer : event.getOffers().getOffersList()) {
        Offer.Operation.Launch.Builder launch = Offer.Operation.Launch.newBuilder();
        for (int i = 0; i < TASKS_PER_AGENT; i++) {
          String id = offer.getAgentId().getValue() + "-t" + i;
          launch.addTaskInfos(TaskInfo.newBuilder().setName("bench").setTaskId(TaskID.newBuilder().setValue(id))
              .setAgentId(offer.getAgentId()).setCommand(CommandInfo.newBuilder().setValue("sleep 3600"))
              .addAllResources(Resources.parse("cpus:0.5;mem:256", "*")));
        }
        Call accept = Call.newBuilder().setType(Call.Type.ACCEPT).setFrameworkId(stream.frameworkId)
            .setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId()).addOperations(Offer.Operation.newBuilder()
                .setType(Offer.Operation.Type.LAUNCH).setLaunch(launch)).setFilters(Filters.newBuilder().setRefuseSeconds(3600))).build();
        String streamId = stream.streamId;
        pending.add(pool.submit(() -> {
          HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/scheduler"))
              .header("Content-Type", "application/json").header("Mesos-Stream-Id", streamId)
              .POST(HttpRequest.BodyPublishers.ofString(MesosJson.print(accept))).build(), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() != 202) {
            throw new IllegalStateException("ACCEPT answered " + r.statusCode() + ": " + r.body());
          }
          return null;
        }));
        launched++;
      }
    }
    for (Future<?> f : pending) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
  }

  record Measured(double p50, double p99, long bytes) {
  }

  interface Request {
    long send() throws Exception;
  }

  /**
   * Times {@link #REQUESTS} requests after three for warm-up: from sending the request to the last
   * byte of the answer, which the client reads and throws away (it does not decode it).
   */
  private static Measured measure(Request request) throws Exception {
    for (int i = 0; i < 3; i++) {
      request.send();
    }
    double[] seconds = new double[REQUESTS];
    long bytes = 0;
    for (int i = 0; i < REQUESTS; i++) {
      long start = System.nanoTime();
      bytes = request.send();
      seconds[i] = (System.nanoTime() - start) / 1e9;
    }
    Arrays.sort(seconds);
    return new Measured(seconds[REQUESTS / 2], seconds[Math.min(REQUESTS - 1, (int) Math.ceil(REQUESTS * 0.99) - 1)], bytes);
  }

  private static long drain(HttpResponse<InputStream> r, String url) throws Exception {
    try (InputStream in = r.body()) {
      if (r.statusCode() != 200) {
        throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + new String(in.readAllBytes(), UTF_8));
      }
      return in.transferTo(java.io.OutputStream.nullOutputStream());
    }
  }

  private static long post(String url, String body, String accept) throws Exception {
    return drain(HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .header("Accept", accept).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream()), url);
  }

  private static long get(String url) throws Exception {
    return drain(HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofInputStream()), url);
  }

  private static String postText(String url, String body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  private static String getText(String url) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(url + " answered " + r.statusCode());
    }
    return r.body();
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  /** A light scheduler stream: OFFERS are parsed and queued, UPDATE events to TASK_RUNNING are only counted. */
  static final class Stream implements AutoCloseable {
    final BlockingQueue<Event> offers = new ArrayBlockingQueue<>(1000);
    final AtomicInteger running = new AtomicInteger();
    FrameworkID frameworkId;
    String streamId;
    long subscribedAt;
    private InputStream body;

    static Stream open(String url, Call subscribe) throws Exception {
      Stream s = new Stream();
      HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/scheduler"))
          .header("Content-Type", "application/json").header("Accept", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(MesosJson.print(subscribe))).build(), HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() != 200) {
        r.body().close();
        return null;
      }
      s.streamId = r.headers().firstValue("Mesos-Stream-Id").orElseThrow();
      s.body = r.body();
      java.util.concurrent.CountDownLatch subscribed = new java.util.concurrent.CountDownLatch(1);
      Thread reader = new Thread(() -> s.read(subscribed), "bench-stream");
      reader.setDaemon(true);
      reader.start();
      if (!subscribed.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("No SUBSCRIBED event");
      }
      return s;
    }

    /** SUBSCRIBE with the framework's id, retried every 10 ms until the master accepts it. */
    static Stream resubscribe(String url, Call subscribe, FrameworkID id, Duration timeout) throws Exception {
      Call again = subscribe.toBuilder().setFrameworkId(id).setSubscribe(subscribe.getSubscribe().toBuilder()
          .setFrameworkInfo(subscribe.getSubscribe().getFrameworkInfo().toBuilder().setId(id))).build();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        Stream s = open(url, again);
        if (s != null) {
          return s;
        }
        Thread.sleep(10);
      }
      throw new IllegalStateException("Could not re-subscribe within " + timeout);
    }

    private void read(java.util.concurrent.CountDownLatch subscribed) {
      RecordIO.Decoder decoder = new RecordIO.Decoder();
      byte[] buffer = new byte[1 << 16];
      try {
        int n;
        while ((n = body.read(buffer)) > 0) {
          for (byte[] record : decoder.feed(buffer, 0, n)) {
            String text = new String(record, UTF_8);
            if (text.startsWith("{\"type\":\"UPDATE\"")) {
              if (text.contains("\"TASK_RUNNING\"")) {
                running.incrementAndGet();
              }
            } else if (text.startsWith("{\"type\":\"OFFERS\"")) {
              offers.add(MesosJson.parse(text, Event.getDefaultInstance()));
            } else if (text.startsWith("{\"type\":\"SUBSCRIBED\"")) {
              frameworkId = MesosJson.parse(text, Event.getDefaultInstance()).getSubscribed().getFrameworkId();
              subscribedAt = System.currentTimeMillis();
              subscribed.countDown();
            }
          }
        }
      } catch (Exception e) {
        // stream closed
      }
    }

    @Override
    public void close() throws Exception {
      body.close();
    }
  }
}
