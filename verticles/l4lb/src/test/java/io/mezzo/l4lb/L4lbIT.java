package io.mezzo.l4lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.l4lb.vip.Vip;
import io.mezzo.mesos.client.cluster.Agent;
import io.mezzo.mesos.client.cluster.ClusterState;
import io.mezzo.mesos.client.cluster.ClusterStateSource;
import io.mezzo.mesos.client.cluster.DiscoveryInfo;
import io.mezzo.mesos.client.cluster.Framework;
import io.mezzo.mesos.client.cluster.Task;
import io.mezzo.mesos.client.cluster.TaskEvent;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DC/OS l4lb test, on loopback: five apps share {@code VIP_0=/l4lbtest:<port>} and each has its
 * own {@code VIP_1=/app-i:<port>}; backends are Vert.x echo servers on 127.0.0.1 that greet with
 * their id. VIP addresses come from 127.11.0.0/16, which Linux routes to {@code lo} as it is.
 */
class L4lbIT {
  private static final String FW = "fw-marathon";
  private static Vertx vertx;

  private final List<NetServer> backends = new ArrayList<>();
  private final List<DatagramSocket> udpBackends = new ArrayList<>();
  private final Map<String, Integer> portOf = new HashMap<>();
  /** Connections the five echo backends saw end. */
  private final java.util.concurrent.atomic.AtomicInteger endedAtBackends = new java.util.concurrent.atomic.AtomicInteger();
  private ClusterState state;
  private L4lbVerticle lb;
  private String deployment;
  private int vipPort;
  private int appPort;

  /**
   * The data plane these tests run on: epoll here; {@link L4lbIoUringIT} runs every test on
   * io_uring, {@link L4lbDirectEpollIT} on Mezzo's own epoll loops and {@link L4lbNioIT} on the
   * Vert.x fallback.
   */
  String dataPlane() {
    return "epoll";
  }

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    await(vertx.close());
  }

  @BeforeEach
  void start() throws Exception {
    vipPort = freePort();
    appPort = freePort();
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String id = "app-" + i;
      NetServer server = vertx.createNetServer().connectHandler(s -> {
        s.write(id + "\n");
        s.handler(s::write);
        s.closeHandler(v -> endedAtBackends.incrementAndGet());
      });
      backends.add(await(server.listen(0, "127.0.0.1")));
      portOf.put(id, server.actualPort());
      tasks.add(new Task(id + ".task", "", FW, "agent-1", Task.RUNNING, null, List.of("127.0.0.1"),
          DiscoveryInfo.ofPorts(new DiscoveryInfo.Port(server.actualPort(), null, "tcp",
              Map.of("VIP_0", "/l4lbtest:" + vipPort, "VIP_1", "/" + id + ":" + appPort))),
          List.of(), List.of(), Map.of()));
    }
    state = new ClusterState(List.of(), null, List.of(new Agent("agent-1", "", "127.0.0.1", 0)), List.of(new Framework(FW, "marathon", "", null, 0)),
        tasks);
    lb = new L4lbVerticle(ClusterStateSource.fixed(state), null, java.time.Clock.systemUTC(), new Random(1));
    JsonObject config = new JsonObject().put("port", 0).put("vip_range", "127.11.0.0/16")
        .put("connect_timeout_ms", 500).put("proxy_threads", 2).put("backoff_initial_ms", 1_000).put("udp_idle_timeout_ms", 2_000)
        .put("native_transport", !dataPlane().equals("vertx")).put("io_uring", dataPlane().equals("io_uring"))
        .put("direct_epoll", dataPlane().equals("direct-epoll"));
    deployment = await(vertx.deployVerticle(lb, new DeploymentOptions().setConfig(config)));
  }

  @AfterEach
  void stop() throws Exception {
    if (deployment != null) {
      await(vertx.undeploy(deployment));
    }
    for (NetServer s : backends) {
      await(s.close());
    }
    for (DatagramSocket s : udpBackends) {
      await(s.close());
    }
  }

  private String vipAddress(String label) {
    return lb.vips().stream().filter(v -> v.key().label().equals(label)).map(Vip::address).findFirst()
        .orElseThrow(() -> new AssertionError("No VIP " + label + " in " + lb.vips()));
  }

  private String l4lbtest() {
    return vipAddress("l4lbtest.marathon.l4lb.thisdcos.directory:" + vipPort);
  }

  @Test
  void servesTcpVips_onTheChosenDataPlane() {
    assertThat(lb.dataPlane()).isEqualTo(dataPlane());
  }

  @Test
  void vipsApi_listsEveryBackend_withAnEtag() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI uri = URI.create("http://127.0.0.1:" + lb.httpPort() + "/v1/vips");
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonArray vips = new JsonArray(r.body());
    assertThat(vips).hasSize(6);
    JsonObject shared = vips.stream().map(JsonObject.class::cast)
        .filter(v -> v.getString("vip").equals("l4lbtest.marathon.l4lb.thisdcos.directory:" + vipPort))
        .findFirst().orElseThrow();
    assertThat(shared.getString("protocol")).isEqualTo("tcp");
    Set<Integer> ports = new HashSet<>();
    shared.getJsonArray("backend").forEach(b -> {
      assertThat(((JsonObject) b).getString("ip")).isEqualTo("127.0.0.1");
      ports.add(((JsonObject) b).getInteger("port"));
    });
    assertThat(ports).containsExactlyInAnyOrderElementsOf(portOf.values());

    String etag = r.headers().firstValue("etag").orElseThrow();
    HttpResponse<String> again = http.send(HttpRequest.newBuilder(uri).header("If-None-Match", etag).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).isEqualTo(304);
    await(lb.apply(new TaskEvent.TaskUpdated(FW, "app-0.task", "TASK_FAILED", null, null)));
    HttpResponse<String> changed = http.send(HttpRequest.newBuilder(uri).header("If-None-Match", etag).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(new JsonArray(changed.body())).hasSize(5);
  }

  @Test
  void twentyFiveConnections_reachEveryBackend() throws Exception {
    String vip = l4lbtest();
    assertThat(vip).startsWith("127.11.");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 25; i++) {
      try (Conn c = new Conn(vip, vipPort)) {
        seen.add(c.id);
      }
    }
    assertThat(seen).containsExactlyInAnyOrder("app-0", "app-1", "app-2", "app-3", "app-4");
  }

  /** 16 MiB each way through the VIP at once: every byte comes back, in order (the relay's back-pressure holds). */
  @Test
  void largeTransferBothWays_arrivesWhole() throws Exception {
    byte[] data = new byte[16 << 20];
    new Random(7).nextBytes(data);
    try (Conn c = new Conn(l4lbtest(), vipPort)) {
      c.socket.setSoTimeout(10_000);
      Thread writer = new Thread(() -> {
        try {
          for (int off = 0; off < data.length; off += 64 << 10) {
            c.out.write(data, off, Math.min(64 << 10, data.length - off));
          }
          c.out.flush();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      writer.start();
      byte[] back = c.socket.getInputStream().readNBytes(data.length);
      writer.join(10_000);
      assertThat(back.length).isEqualTo(data.length);
      assertThat(java.util.Arrays.equals(back, data)).as("echoed bytes equal the sent ones").isTrue();
    }
  }

  @Test
  void perAppVips_reachOnlyTheirApp() throws Exception {
    for (int i = 0; i < 5; i++) {
      String vip = vipAddress("app-" + i + ".marathon.l4lb.thisdcos.directory:" + appPort);
      try (Conn c = new Conn(vip, appPort)) {
        assertThat(c.id).isEqualTo("app-" + i);
      }
    }
  }

  @Test
  void killedBackend_isAvoidedWithinOneSecond_whileOpenConnectionsKeepWorking() throws Exception {
    String vip = l4lbtest();
    try (Conn open = new Conn(vip, vipPort)) {
      int victim = (Integer.parseInt(open.id.substring(4)) + 1) % 5;
      await(backends.get(victim).close());
      long killedAt = System.nanoTime();
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 25; i++) {
        try (Conn c = new Conn(vip, vipPort)) {
          seen.add(c.id);
        }
      }
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
      assertThat(tookMs).isLessThan(1_000);
      // the backend holding the open connection has more connections than the idle ones, so least
      // connections may skip it; every idle survivor must be reached
      Set<String> idle = new HashSet<>(Set.of("app-0", "app-1", "app-2", "app-3", "app-4"));
      idle.remove("app-" + victim);
      idle.remove(open.id);
      assertThat(seen).doesNotContain("app-" + victim).containsAll(idle);
      assertThat(open.echo("still there")).isEqualTo("still there");
    }
  }

  @Test
  void killingTask_getsNoNewConnections_butItsOpenConnectionContinues() throws Exception {
    String vip = l4lbtest();
    try (Conn open = new Conn(vip, vipPort)) {
      await(lb.apply(new TaskEvent.TaskUpdated(FW, open.id + ".task", Task.KILLING, null, null)));
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 25; i++) {
        try (Conn c = new Conn(vip, vipPort)) {
          seen.add(c.id);
        }
      }
      assertThat(seen).doesNotContain(open.id).hasSize(4);
      assertThat(open.echo("draining")).isEqualTo("draining");
    }
  }

  @Test
  void unhealthyTask_getsNoNewConnections() throws Exception {
    await(lb.apply(new TaskEvent.TaskUpdated(FW, "app-3.task", Task.RUNNING, false, null)));
    for (int i = 0; i < 15; i++) {
      try (Conn c = new Conn(l4lbtest(), vipPort)) {
        assertThat(c.id).isNotEqualTo("app-3");
      }
    }
  }

  @Test
  void backendsOnAnUnreachableAgent_getNoNewConnections_unlessEveryBackendIsUnreachable() throws Exception {
    // app-3 and app-4 run on a second agent
    List<Task> tasks = state.tasks().stream().map(t -> t.id().startsWith("app-3") || t.id().startsWith("app-4")
        ? new Task(t.id(), "", t.frameworkId(), "agent-2", t.state(), t.healthy(), t.containerIps(), t.discovery(),
            t.portMappings(), t.hostPorts(), t.labels()) : t).toList();
    await(lb.update(new ClusterState(List.of(), null, List.of(new Agent("agent-1", "", "127.0.0.1", 0), new Agent("agent-2", "", "127.0.0.1", 0)),
        state.frameworks(), tasks)));
    String vip = l4lbtest();
    Set<String> seen = new HashSet<>();
    try (Conn open = connectTo(vip, "app-4")) {
      // the master loses agent-2: its backends get no new connections, the open one continues
      await(lb.apply(new TaskEvent.AgentRemoved("agent-2")));
      for (int i = 0; i < 25; i++) {
        try (Conn c = new Conn(vip, vipPort)) {
          seen.add(c.id);
        }
      }
      assertThat(seen).containsExactlyInAnyOrder("app-0", "app-1", "app-2");
      assertThat(open.echo("partitioned")).isEqualTo("partitioned");
    }
    // the per-app VIP of app-4 has no reachable backend, so its unreachable one still serves
    try (Conn c = new Conn(vipAddress("app-4.marathon.l4lb.thisdcos.directory:" + appPort), appPort)) {
      assertThat(c.id).isEqualTo("app-4");
    }

    // agent-1 goes too: every backend is unreachable, so all five are kept
    await(lb.apply(new TaskEvent.AgentRemoved("agent-1")));
    seen.clear();
    for (int i = 0; i < 25; i++) {
      try (Conn c = new Conn(vip, vipPort)) {
        seen.add(c.id);
      }
    }
    assertThat(seen).containsExactlyInAnyOrder("app-0", "app-1", "app-2", "app-3", "app-4");

    // agent-2 comes back with its tasks running: they are ordinary backends again, and the
    // unreachable ones of agent-1 step back
    await(lb.apply(new TaskEvent.AgentAdded(new Agent("agent-2", "", "127.0.0.1", 0))));
    await(lb.apply(new TaskEvent.TaskUpdated(FW, "app-3.task", Task.RUNNING, null, null)));
    await(lb.apply(new TaskEvent.TaskUpdated(FW, "app-4.task", Task.RUNNING, null, null)));
    seen.clear();
    for (int i = 0; i < 25; i++) {
      try (Conn c = new Conn(vip, vipPort)) {
        seen.add(c.id);
      }
    }
    assertThat(seen).containsExactlyInAnyOrder("app-3", "app-4");
  }

  /** A backend that sends 1 MiB and closes at once: the client gets every byte, then the end of the stream. */
  @Test
  void backendThatClosesFirst_clientGetsEverything_thenTheEnd() throws Exception {
    byte[] body = new byte[1 << 20];
    new Random(3).nextBytes(body);
    NetServer bulk = vertx.createNetServer().connectHandler(s -> s.end(Buffer.buffer(body)));
    backends.add(await(bulk.listen(0, "127.0.0.1")));
    int bulkPort = freePort();
    List<Task> tasks = new ArrayList<>(state.tasks());
    tasks.add(new Task("bulk.task", "", FW, "agent-1", Task.RUNNING, null, List.of("127.0.0.1"),
        DiscoveryInfo.ofPorts(new DiscoveryInfo.Port(bulk.actualPort(), null, "tcp", Map.of("VIP_0", "/bulk:" + bulkPort))), List.of(), List.of(),
        Map.of()));
    await(lb.update(new ClusterState(List.of(), null, state.agents(), state.frameworks(), tasks)));
    String vip = vipAddress("bulk.marathon.l4lb.thisdcos.directory:" + bulkPort);
    for (int i = 0; i < 20; i++) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(vip, bulkPort), 2_000);
        s.setSoTimeout(5_000);
        byte[] got = s.getInputStream().readAllBytes();
        assertThat(got.length).isEqualTo(body.length);
        assertThat(java.util.Arrays.equals(got, body)).as("bytes as the backend sent them").isTrue();
      }
    }
  }

  /**
   * A backend whose accept queue is full never completes a connect (Linux drops the SYNs): after
   * {@code connect_timeout_ms} (500 ms here) the connection goes to the other backend, and the
   * silent one is skipped while it is marked down.
   */
  @Test
  void backendThatNeverAccepts_isLeftAfterTheConnectTimeout() throws Exception {
    List<Socket> filler = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      for (int i = 0; i < 16; i++) {
        Socket s = new Socket();
        try {
          s.connect(silent.getLocalSocketAddress(), 200);
          filler.add(s);
        } catch (java.net.SocketTimeoutException full) {
          s.close();
          break;
        }
      }
      int slowPort = freePort();
      List<Task> tasks = new ArrayList<>(state.tasks());
      tasks.add(new Task("silent.task", "", FW, "agent-1", Task.RUNNING, null, List.of("127.0.0.1"),
          DiscoveryInfo.ofPorts(new DiscoveryInfo.Port(silent.getLocalPort(), null, "tcp", Map.of("VIP_0", "/slow:" + slowPort))), List.of(),
          List.of(), Map.of()));
      tasks.add(new Task("fast.task", "", FW, "agent-1", Task.RUNNING, null, List.of("127.0.0.1"),
          DiscoveryInfo.ofPorts(new DiscoveryInfo.Port(portOf.get("app-2"), null, "tcp", Map.of("VIP_0", "/slow:" + slowPort))), List.of(),
          List.of(), Map.of()));
      await(lb.update(new ClusterState(List.of(), null, state.agents(), state.frameworks(), tasks)));
      String vip = vipAddress("slow.marathon.l4lb.thisdcos.directory:" + slowPort);
      long start = System.nanoTime();
      for (int i = 0; i < 10; i++) {
        try (Conn c = new Conn(vip, slowPort)) {
          assertThat(c.id).isEqualTo("app-2");
        }
      }
      // at most one connect waits for the timeout; the rest go straight to app-2
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_500);
    } finally {
      for (Socket s : filler) {
        s.close();
      }
    }
  }

  @Test
  void clientThatCloses_endsItsBackendConnection() throws Exception {
    Conn c = new Conn(l4lbtest(), vipPort);
    int before = endedAtBackends.get();
    c.close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (endedAtBackends.get() == before && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(endedAtBackends.get()).as("backend connections ended").isEqualTo(before + 1);
  }

  @Test
  void stoppingTheBalancer_endsOpenConnections() throws Exception {
    try (Conn open = new Conn(l4lbtest(), vipPort)) {
      assertThat(open.echo("before")).isEqualTo("before");
      await(vertx.undeploy(deployment));
      deployment = null;
      int read;
      try {
        read = open.socket.getInputStream().read();
      } catch (java.net.SocketException reset) {
        read = -1;
      }
      assertThat(read).as("the client's connection ended").isEqualTo(-1);
      assertThatThrownBy(() -> new Conn(l4lbtest(), vipPort)).isInstanceOf(ConnectException.class);
    }
  }

  /** A connection through the VIP that landed on {@code id}; other tries are closed. */
  private Conn connectTo(String vip, String id) throws IOException {
    for (int i = 0; i < 100; i++) {
      Conn c = new Conn(vip, vipPort);
      if (c.id.equals(id)) {
        return c;
      }
      c.close();
    }
    throw new AssertionError("no connection reached " + id);
  }

  @Test
  void vipWithoutBackends_stopsListening() throws Exception {
    String vip = vipAddress("app-2.marathon.l4lb.thisdcos.directory:" + appPort);
    await(lb.apply(new TaskEvent.TaskUpdated(FW, "app-2.task", "TASK_FINISHED", null, null)));
    assertThat(lb.vips()).noneMatch(v -> v.key().name().startsWith("app-2."));
    assertThatThrownBy(() -> new Conn(vip, appPort)).isInstanceOf(ConnectException.class);
  }

  @Test
  void udpVip_roundTrip_stickyPerClient() throws Exception {
    int udpVipPort = freePort();
    List<Task> tasks = new ArrayList<>(state.tasks());
    for (int i = 0; i < 2; i++) {
      String id = "udp-" + i;
      DatagramSocket backend = vertx.createDatagramSocket();
      backend.handler(p -> backend.send(Buffer.buffer(id + ":" + p.data()), p.sender().port(), p.sender().host()));
      await(backend.listen(0, "127.0.0.1"));
      udpBackends.add(backend);
      tasks.add(new Task(id, "", FW, "agent-1", Task.RUNNING, null, List.of("127.0.0.1"),
          DiscoveryInfo.ofPorts(new DiscoveryInfo.Port(backend.localAddress().port(), null, "udp", Map.of("VIP_0", "/echo:" + udpVipPort))),
          List.of(), List.of(), Map.of()));
    }
    await(lb.update(new ClusterState(List.of(), null, state.agents(), state.frameworks(), tasks)));
    String vip = vipAddress("echo.marathon.l4lb.thisdcos.directory:" + udpVipPort);
    try (java.net.DatagramSocket client = new java.net.DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
      client.setSoTimeout(2_000);
      String first = udp(client, vip, udpVipPort, "hello");
      assertThat(first).matches("udp-[01]:hello");
      String backend = first.substring(0, first.indexOf(':'));
      assertThat(udp(client, vip, udpVipPort, "again")).isEqualTo(backend + ":again");
    }
  }

  private static String udp(java.net.DatagramSocket client, String host, int port, String text) throws IOException {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    client.send(new DatagramPacket(data, data.length, new InetSocketAddress(host, port)));
    DatagramPacket reply = new DatagramPacket(new byte[1500], 1500);
    client.receive(reply);
    return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
  }

  /** A client connection through a VIP; the backend greets with its id, then echoes. */
  private static final class Conn implements AutoCloseable {
    final Socket socket;
    final BufferedReader in;
    final OutputStream out;
    final String id;

    Conn(String host, int port) throws IOException {
      socket = new Socket();
      socket.connect(new InetSocketAddress(host, port), 2_000);
      socket.setSoTimeout(2_000);
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      out = socket.getOutputStream();
      id = in.readLine();
      if (id == null) {
        socket.close();
        throw new IOException("Closed before the greeting");
      }
    }

    String echo(String text) throws IOException {
      out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return in.readLine();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
      return s.getLocalPort();
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw new UncheckedIOException(new IOException(e.getCause()));
    }
  }
}
