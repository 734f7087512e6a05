package io.mezzo.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.dns.records.ZBase32;
import io.mezzo.dns.server.Wire;
import io.mezzo.mesos.client.cluster.ClusterState;
import io.mezzo.mesos.client.cluster.ClusterStateSource;
import io.mezzo.mesos.client.cluster.Task;
import io.mezzo.mesos.client.cluster.TaskEvent;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts real DNS servers on free loopback ports with the {@code /master/state} fixture (plus 60
 * tasks of one app) and asks them with the real {@code dig}. Forwarded names go to a toy upstream
 * on loopback, never to an outside resolver. Malformed input is {@link DnsFuzzIT}'s.
 */
@ExtendWith(VertxExtension.class)
class DnsServerIT {
  private static final int BIG = 60;
  private static TinyUpstream upstream;
  private static EventSource source;
  private static DnsVerticle main;
  private static DnsVerticle noForward;
  private static DnsVerticle deadUpstream;
  private static DnsVerticle nio;
  /** Config merged into every server deployed here: UDP on Netty's channels ({@link DnsDirectEpollIT}: the direct plane). */
  static JsonObject plane = new JsonObject().put("direct_epoll", false);

  /** Delivers the fixture, then lets the test push events on the verticle's context. */
  static final class EventSource implements ClusterStateSource {
    private final ClusterState state;
    private Handler<TaskEvent> events;
    private Context context;

    EventSource(ClusterState state) {
      this.state = state;
    }

    @Override
    public Future<Void> start(Handler<ClusterState> onState, Handler<TaskEvent> onEvent) {
      context = Vertx.currentContext();
      events = onEvent;
      onState.handle(state);
      return Future.succeededFuture();
    }

    void push(TaskEvent e) {
      context.runOnContext(v -> events.handle(e));
    }
  }

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    upstream = new TinyUpstream();
    ClusterState state = Fixtures.state();
    for (int i = 1; i <= BIG; i++) {
      state = state.apply(new TaskEvent.TaskAdded(new Task("big." + i, "big", "fw-marathon-0001",
          "20250101-000000-16777226-5050-1-S1", Task.RUNNING, null, List.of("10.1.0." + i), null, List.of(), List.of(), Map.of())));
    }
    int deadPort;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort();
    }
    source = new EventSource(state);
    main = deploy(vertx, source, new JsonObject().put("upstreams", new JsonArray().add("127.0.0.1:" + upstream.port())));
    noForward = deploy(vertx, ClusterStateSource.fixed(state), new JsonObject().put("forward", false)
        .put("upstreams", new JsonArray().add("127.0.0.1:" + upstream.port())));
    deadUpstream = deploy(vertx, ClusterStateSource.fixed(state), new JsonObject()
        .put("upstreams", new JsonArray().add("127.0.0.1:" + deadPort)).put("forward_timeout_ms", 400));
    nio = deploy(vertx, ClusterStateSource.fixed(state), new JsonObject().put("native_transport", false));
  }

  /** What carries UDP for the servers deployed with {@link #plane}. */
  String expectedTransport() {
    return "epoll";
  }

  static DnsVerticle deploy(Vertx vertx, ClusterStateSource src, JsonObject extra) throws Exception {
    DnsVerticle v = new DnsVerticle(src);
    JsonObject config = new JsonObject().put("dns_host", "127.0.0.1").put("dns_port", 0)
        .put("http_host", "127.0.0.1").put("port", 0).put("forward_timeout_ms", 2000).mergeIn(plane.copy())
        .mergeIn(extra);
    vertx.deployVerticle(v, new DeploymentOptions().setConfig(config))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    return v;
  }

  @AfterAll
  static void stop() throws IOException {
    if (upstream != null) {
      upstream.close();
    }
  }

  static String dig(DnsVerticle server, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", String.valueOf(server.dnsPort()),
        "+time=3", "+tries=1"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    System.out.println("$ " + String.join(" ", cmd) + "\n" + out);
    return out;
  }

  private static List<String> lines(String out) {
    return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  @Test
  void digA_taskName_containerIpAuthoritative() throws Exception {
    assertThat(lines(dig(main, "nginx.marathon.mesos", "A", "+short"))).containsExactly("9.0.0.5");
    String full = dig(main, "nginx.marathon.mesos", "A");
    assertThat(full).contains("status: NOERROR").containsPattern("flags: qr aa rd( ra)?;")
        .containsPattern("nginx\\.marathon\\.mesos\\.\\s+60\\s+IN\\s+A\\s+9\\.0\\.0\\.5");
  }

  @Test
  void digSrv_discoveryPort_canonicalTargetAndAdditionalAddress() throws Exception {
    String canonical = "nginx-" + ZBase32.hash5("nginx.8c0d9b3e-0000-11ef-a1b2-0242ac110002") + "-s1.marathon.mesos.";
    assertThat(lines(dig(main, "_nginx._tcp.marathon.mesos", "SRV", "+short"))).containsExactly("0 1 80 " + canonical);
    String full = dig(main, "_nginx._tcp.marathon.mesos", "SRV");
    assertThat(full).contains("ADDITIONAL SECTION").containsPattern(canonical.replace(".", "\\.") + "\\s+60\\s+IN\\s+A\\s+9\\.0\\.0\\.5");
  }

  /** {@code dig +short} of every other record kind the server makes, on the same fixture. */
  @Test
  void digEveryRecordKind_answersFromTheFixture() throws Exception {
    String canonical = "nginx-" + ZBase32.hash5("nginx.8c0d9b3e-0000-11ef-a1b2-0242ac110002") + "-s1";
    assertThat(lines(dig(main, "nginx.marathon.slave.mesos", "A", "+short"))).containsExactly("10.0.1.1");
    assertThat(lines(dig(main, canonical + ".marathon.mesos", "A", "+short"))).containsExactly("9.0.0.5");
    assertThat(lines(dig(main, canonical + ".marathon.slave.mesos", "A", "+short"))).containsExactly("10.0.1.1");
    assertThat(lines(dig(main, "_nginx._udp.marathon.mesos", "SRV", "+short")))
        .containsExactly("0 1 8125 " + canonical + ".marathon.mesos.");
    assertThat(lines(dig(main, "_http._nginx._tcp.marathon.mesos", "SRV", "+short")))
        .containsExactly("0 1 80 " + canonical + ".marathon.mesos.");
    assertThat(lines(dig(main, "_nginx._tcp.marathon.slave.mesos", "SRV", "+short"))).containsExactlyInAnyOrder(
        "0 1 31000 " + canonical + ".marathon.slave.mesos.", "0 1 31001 " + canonical + ".marathon.slave.mesos.");
    assertThat(lines(dig(main, "_broker._broker-0._tcp.kafka.mesos", "SRV", "+short"))).hasSize(1);
    assertThat(lines(dig(main, "broker-0.kafka.mesos", "AAAA", "+short"))).hasSize(1).allMatch(a -> a.contains(":"));
    assertThat(lines(dig(main, "myapp.mygroup.marathon.mesos", "A", "+short"))).containsExactly("10.0.1.2");
    assertThat(lines(dig(main, "chronos.prod.mesos", "A", "+short"))).containsExactly("10.0.1.2");
    assertThat(lines(dig(main, "_framework._tcp.chronos.prod.mesos", "SRV", "+short"))).hasSize(1);
    assertThat(lines(dig(main, "leader.mesos", "A", "+short"))).containsExactly("10.0.0.1");
    assertThat(lines(dig(main, "_leader._tcp.mesos", "SRV", "+short"))).containsExactly("0 1 5050 leader.mesos.");
    assertThat(lines(dig(main, "master.mesos", "A", "+short"))).containsExactly("10.0.0.1");
    assertThat(lines(dig(main, "master0.mesos", "A", "+short"))).containsExactly("10.0.0.1");
    assertThat(lines(dig(main, "slave.mesos", "A", "+short"))).containsExactlyInAnyOrder("10.0.1.1", "10.0.1.2", "10.0.1.3");
    assertThat(lines(dig(main, "agent.mesos", "A", "+short"))).hasSize(3);
    assertThat(lines(dig(main, "_slave._tcp.mesos", "SRV", "+short"))).containsExactly("0 1 5051 slave.mesos.");
    assertThat(lines(dig(main, "mesos", "NS", "+short"))).containsExactly("ns1.mesos.");
    assertThat(lines(dig(main, "ns1.mesos", "A", "+short"))).containsExactly("127.0.0.1");
    String dcos = ".dcos.thisdcos.directory";
    assertThat(lines(dig(main, "nginx.marathon.agentip" + dcos, "A", "+short"))).containsExactly("10.0.1.1");
    assertThat(lines(dig(main, "nginx.marathon.containerip" + dcos, "A", "+short"))).containsExactly("9.0.0.5");
    assertThat(lines(dig(main, "broker-0.kafka.autoip" + dcos, "A", "+short"))).containsExactly("9.0.1.7");
    assertThat(lines(dig(main, "leader" + dcos, "A", "+short"))).containsExactly("10.0.0.1");
    assertThat(lines(dig(main, "master" + dcos, "A", "+short"))).containsExactly("10.0.0.1");
    assertThat(lines(dig(main, "thisdcos.directory", "SOA", "+short"))).singleElement().asString()
        .startsWith("ns.spartan. support.thisdcos.directory.");
    main.updateVips(Map.of("web.marathon", List.of(InetAddress.getByName("11.0.0.9"))));
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(lines(dig(main, "web.marathon.l4lb.thisdcos.directory", "A", "+short"))).containsExactly("11.0.0.9");
      assertThat(lines(dig(main, "web.marathon.dclb.thisdcos.directory", "A", "+short"))).containsExactly("11.0.0.9");
    });
  }

  @Test
  void digSoa_apex_mesosDnsSoaValues() throws Exception {
    assertThat(lines(dig(main, "mesos", "SOA", "+short"))).singleElement().asString()
        .matches("ns1\\.mesos\\. root\\.ns1\\.mesos\\. \\d+ 60 600 86400 60");
  }

  @Test
  void digA_unknownName_nxdomainWithSoa() throws Exception {
    String full = dig(main, "nope.marathon.mesos", "A");
    assertThat(full).contains("status: NXDOMAIN").contains("AUTHORITY: 1").containsPattern("flags: qr aa");
  }

  @Test
  void digAaaa_nameWithOnlyA_nodata() throws Exception {
    assertThat(dig(main, "nginx.marathon.mesos", "AAAA")).contains("status: NOERROR").contains("ANSWER: 0");
  }

  @Test
  void digA_thisdcosAutoip_agentIpWithFiveSecondTtl() throws Exception {
    String full = dig(main, "nginx.marathon.autoip.dcos.thisdcos.directory", "A");
    assertThat(full).containsPattern("autoip\\.dcos\\.thisdcos\\.directory\\.\\s+5\\s+IN\\s+A\\s+10\\.0\\.1\\.1");
  }

  @Test
  void digA_foreignName_forwardedToUpstreamOverUdpAndTcp() throws Exception {
    assertThat(lines(dig(main, "www.example.test", "A", "+short"))).containsExactly("192.0.2.7");
    assertThat(lines(dig(main, "www.example.test", "A", "+short", "+tcp"))).containsExactly("192.0.2.7");
    assertThat(dig(main, "missing.invalid", "A")).contains("status: NXDOMAIN");
  }

  @Test
  void digA_forwardingOff_refused() throws Exception {
    assertThat(dig(noForward, "www.example.test", "A")).contains("status: REFUSED");
    assertThat(lines(dig(noForward, "leader.mesos", "A", "+short"))).containsExactly("10.0.0.1");
  }

  @Test
  void digA_upstreamDead_servfail() throws Exception {
    assertThat(dig(deadUpstream, "www.example.test", "A")).contains("status: SERVFAIL");
  }

  @Test
  void digA_sixtyTasksOverUdpWithoutEdns_truncatedThenRetriedOverTcp() throws Exception {
    String tc = dig(main, "big.marathon.mesos", "A", "+noedns", "+ignore");
    assertThat(tc).containsPattern("flags: qr aa tc rd");
    String full = dig(main, "big.marathon.mesos", "A", "+noedns");
    assertThat(full).contains("Truncated, retrying in TCP mode").contains("ANSWER: " + BIG);
    assertThat(lines(dig(main, "big.marathon.mesos", "A", "+short", "+noedns"))).hasSize(BIG).doesNotHaveDuplicates();
  }

  /**
   * 300 queries sent back to back without waiting, so the server reads them in batches (recvmmsg on
   * epoll) and sends the replies of a batch together: each comes back once, under its own ID, with
   * the answer to its own question.
   */
  @Test
  void burstOfQueries_eachAnsweredOnceUnderItsOwnId() throws Exception {
    assertThat(main.dnsTransport()).isEqualTo(expectedTransport());
    String[] names = {"nginx.marathon.mesos.", "big.marathon.mesos.", "nosuch.marathon.mesos."};
    int[] answers = {1, BIG, 0};
    int[] rcodes = {0, 0, 3};
    int count = 300;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      s.setReceiveBufferSize(1 << 20);
      s.setSoTimeout(3000);
      for (int id = 0; id < count; id++) {
        byte[] q = Wire.query(id, true, names[id % 3], 1, 1, 4096);
        s.send(new DatagramPacket(q, q.length, InetAddress.getLoopbackAddress(), main.dnsPort()));
      }
      boolean[] seen = new boolean[count];
      for (int i = 0; i < count; i++) {
        DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
        s.receive(p);
        byte[] r = p.getData();
        int id = (r[0] & 0xff) << 8 | (r[1] & 0xff);
        assertThat(id).isLessThan(count);
        assertThat(seen[id]).as("reply to query %d seen once", id).isFalse();
        seen[id] = true;
        assertThat(r[3] & 0x0f).as("rcode of %s", names[id % 3]).isEqualTo(rcodes[id % 3]);
        assertThat((r[6] & 0xff) << 8 | (r[7] & 0xff)).as("answers to %s", names[id % 3]).isEqualTo(answers[id % 3]);
        String echoed = new String(r, 13, names[id % 3].length() - 1, StandardCharsets.US_ASCII);
        assertThat(echoed.replaceAll("[^a-z]", "")).isEqualTo(names[id % 3].replaceAll("[^a-z]", ""));
      }
    }
  }

  /** The NIO fallback (native_transport off) answers over UDP, truncates, and answers over TCP. */
  @Test
  void nioFallback_answersUdp_truncatesAndRetriesOverTcp() throws Exception {
    assertThat(nio.dnsTransport()).isEqualTo("nio");
    assertThat(lines(dig(nio, "nginx.marathon.mesos", "A", "+short"))).containsExactly("9.0.0.5");
    String full = dig(nio, "big.marathon.mesos", "A", "+noedns");
    assertThat(full).contains("Truncated, retrying in TCP mode").contains("ANSWER: " + BIG);
  }

  @Test
  void digA_sixtyTasksWithLargeEdnsBuffer_fitsInOneCompressedDatagram() throws Exception {
    String full = dig(main, "big.marathon.mesos", "A", "+bufsize=4096");
    assertThat(full).doesNotContain("Truncated").contains("ANSWER: " + BIG).containsPattern("MSG SIZE\\s+rcvd: \\d+");
    int size = Integer.parseInt(full.replaceAll("(?s).*MSG SIZE\\s+rcvd: (\\d+).*", "$1"));
    assertThat(size).as("names compressed: 16 bytes per A record").isLessThan(12 + 24 + BIG * 16 + 11 + 8);
  }

  @Test
  void event_taskAdded_answeredAfterRebuild() throws Exception {
    source.push(new TaskEvent.TaskAdded(new Task("late.1", "late", "fw-kafka-0003",
        "20250101-000000-16777226-5050-1-S2", Task.RUNNING, null, List.of(), null, List.of(), List.of(), Map.of())));
    List<String> answer = List.of();
    for (int i = 0; i < 50 && answer.isEmpty(); i++) {
      answer = lines(dig(main, "late.kafka.mesos", "A", "+short"));
    }
    assertThat(answer).containsExactly("10.0.1.2");
  }

  @Test
  void httpApi_hostsServicesAndEmptyAnswers_mesosDnsShapes() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + main.httpPort();
    JsonArray hosts = new JsonArray(get(http, base + "/v1/hosts/nginx.marathon.mesos").body());
    assertThat(hosts.encode()).isEqualTo("[{\"host\":\"nginx.marathon.mesos.\",\"ip\":\"9.0.0.5\"}]");
    assertThat(get(http, base + "/v1/hosts/nope.mesos").body()).isEqualTo("[{\"host\":\"\",\"ip\":\"\"}]");
    JsonArray services = new JsonArray(get(http, base + "/v1/services/_nginx._tcp.marathon.mesos.").body());
    assertThat(services.getJsonObject(0).getString("port")).isEqualTo("80");
    assertThat(services.getJsonObject(0).getString("ip")).isEqualTo("9.0.0.5");
    assertThat(get(http, base + "/v1/services/_nope._tcp.marathon.mesos").body())
        .isEqualTo("[{\"service\":\"\",\"host\":\"\",\"ip\":\"\",\"port\":\"\"}]");
    assertThat(new JsonObject(get(http, base + "/v1/version").body()).getString("Service")).isEqualTo("Mesos-DNS");
    assertThat(new JsonObject(get(http, base + "/v1/config").body()).getString("domain")).isEqualTo("mesos");
    JsonObject axfr = new JsonObject(get(http, base + "/v1/axfr").body());
    assertThat(axfr.getJsonObject("Records").getJsonObject("As").getJsonArray("leader.mesos.")).containsExactly("10.0.0.1");
    assertThat(axfr.getString("Domain")).isEqualTo("mesos");
    JsonObject enumerate = new JsonObject(get(http, base + "/v1/enumerate").body());
    assertThat(enumerate.getJsonArray("frameworks").getJsonObject(0).getString("name")).isEqualTo("marathon");
    assertThat(get(http, base + "/v1/hosts/nginx.marathon.mesos/ports").statusCode()).isEqualTo(501);
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
