package io.mezzo.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DC/OS's {@code test_l4lb} on a real {@code mezzo up}: five Marathon apps share the named VIP
 * {@code /l4lbtest:5000}, each instance a real Python server that answers every line with its app
 * id, port and pid. The VIP name resolves through Mezzo's DNS, 25 connections reach all five, and
 * after one backend process is SIGKILLed new connections avoid it at once while connections held
 * open to the others keep working. Meanwhile {@code dig} watches the killed app's SRV record: every
 * reply is well formed, the old port leaves within 1 s of the kill and the replacement's port
 * appears within 1 s of it becoming TASK_RUNNING.
 */
class VipIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String VIP_NAME = "l4lbtest.marathon.l4lb.thisdcos.directory";
  private static final int APPS = 5;
  /** Answers each line with "<app id> <port> <pid>"; one thread per connection. */
  private static final String SERVER = "exec python3 -u -c 'import os, socketserver as s\n"
      + "class H(s.StreamRequestHandler):\n"
      + "  def handle(self):\n"
      + "    for line in self.rfile:\n"
      + "      self.wfile.write((\"%s %s %d\\n\" % (os.environ[\"MARATHON_APP_ID\"], os.environ[\"PORT0\"], os.getpid())).encode())\n"
      + "s.ThreadingTCPServer.allow_reuse_address = True\n"
      + "s.ThreadingTCPServer.daemon_threads = True\n"
      + "s.ThreadingTCPServer((\"127.0.0.1\", int(os.environ[\"PORT0\"])), H).serve_forever()'";

  @TempDir
  Path workDir;

  private int dnsPort;

  /** One reply of a backend: which app, port and process answered. */
  record Hello(String app, int port, long pid) {
    static Hello parse(String line) {
      String[] f = line.trim().split(" ");
      return new Hello(f[0], Integer.parseInt(f[1]), Long.parseLong(f[2]));
    }
  }

  /** A client connection through the VIP, kept open. */
  static final class Conn implements AutoCloseable {
    final Socket socket = new Socket();
    final BufferedReader in;
    final OutputStream out;

    Conn(String host, int port) throws IOException {
      socket.connect(new InetSocketAddress(host, port), 2_000);
      socket.setSoTimeout(3_000);
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      out = socket.getOutputStream();
    }

    /** Sends a line and reads the answer; null when the connection was closed. */
    Hello ask() throws IOException {
      out.write("hello\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      String line = in.readLine();
      return line == null ? null : Hello.parse(line);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** One {@code dig} run: when it ended, its status line and answer section, and dig's exit code. */
  record Dig(long endedAtMs, int exit, String status, List<String> answers, String raw) {
    /** The type of each answer record. */
    List<String> types() {
      return answers.stream().map(a -> a.split("\\s+")).map(f -> f.length > 3 ? f[3] : "?").toList();
    }

    /** The last field of each answer: the address of an A record. */
    List<String> values() {
      return answers.stream().map(a -> a.split("\\s+")).map(f -> f[f.length - 1]).toList();
    }

    /** The ports of the SRV answers. */
    Set<Integer> ports() {
      Set<Integer> ports = new HashSet<>();
      answers.stream().map(a -> a.split("\\s+")).filter(f -> f.length == 8 && f[3].equals("SRV"))
          .forEach(f -> ports.add(Integer.parseInt(f[6])));
      return ports;
    }
  }

  private static final Pattern STATUS = Pattern.compile("status: ([A-Z]+)");

  private Dig dig(String name, String type) throws Exception {
    Process p = new ProcessBuilder("dig", "@127.0.0.1", "-p", Integer.toString(dnsPort), name, type,
        "+time=1", "+tries=1", "+noall", "+comments", "+answer").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = p.waitFor();
    Matcher m = STATUS.matcher(out);
    List<String> answers = out.lines().filter(l -> !l.isBlank() && !l.startsWith(";")).toList();
    return new Dig(System.currentTimeMillis(), exit, m.find() ? m.group(1) : null, answers, out);
  }

  private static String get(String url) {
    try {
      return MezzoProcess.get(url).body();
    } catch (Exception e) {
      return e.toString();
    }
  }

  private static HttpResponse<String> post(String url, String json) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject vip(int l4lbPort) {
    return new JsonArray(get("http://127.0.0.1:" + l4lbPort + "/v1/vips")).stream().map(JsonObject.class::cast)
        .filter(v -> v.getString("vip").equals(VIP_NAME + ":5000")).findFirst().orElse(null);
  }

  private static Set<Integer> backendPorts(JsonObject vip) {
    Set<Integer> ports = new HashSet<>();
    if (vip != null) {
      vip.getJsonArray("backend").forEach(b -> ports.add(((JsonObject) b).getInteger("port")));
    }
    return ports;
  }

  @Test
  void fiveAppsShareAVip_killedBackendIsAvoided_openConnectionsSurvive_dnsFollowsTheTaskChange() throws Exception {
    int marathonPort = MezzoProcess.freePort();
    int masterPort = MezzoProcess.freePort();
    int l4lbPort = MezzoProcess.freePort();
    dnsPort = MezzoProcess.freePort();
    try (MezzoProcess mezzo = MezzoProcess.up(workDir,
        Map.of("mesos-master.port", masterPort, "dns.dns_port", dnsPort, "l4lb.port", l4lbPort, "marathon.port", marathonPort),
        "mesos-master.allocation_interval_ms=200", "dns.dns_host=127.0.0.1", "l4lb.vip_range=127.11.0.0/16",
        "mesos-agent.resources=cpus:2;mem:1024;disk:1024;ports:[31000-31100]")) {
      mezzo.awaitOut(l -> l.startsWith("ready"), WAIT);
      // the VIP proxy runs on Netty's native transport, shipped in the jar
      assertThat(mezzo.err).anyMatch(l -> l.contains("VIP proxies on")
          && (l.contains("io_uring transport") || l.contains("epoll transport")));
      String marathon = "http://127.0.0.1:" + marathonPort;

      for (int i = 1; i <= APPS; i++) {
        JsonObject app = new JsonObject().put("id", "/l4lbtest-" + i).put("cmd", SERVER).put("cpus", 0.1).put("mem", 48)
            .put("instances", 1).put("backoffSeconds", 0.2)
            .put("portDefinitions", new JsonArray().add(new JsonObject().put("port", 0).put("name", "echo")
                .put("labels", new JsonObject().put("VIP_0", "/l4lbtest:5000"))));
        HttpResponse<String> created = post(marathon + "/v2/apps", app.encode());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      }

      // every app's backend in the table, and the VIP's name in DNS
      JsonObject table = await().atMost(WAIT).until(() -> vip(l4lbPort), v -> backendPorts(v).size() == APPS);
      String address = table.getString("address");
      assertThat(address).startsWith("127.11.");
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        Dig d = dig(VIP_NAME, "A");
        assertThat(d.status()).as(d.raw()).isEqualTo("NOERROR");
        assertThat(d.values()).as(d.raw()).containsExactly(address);
      });
      // and under dcos-net's alias zone
      Dig alias = dig("l4lbtest.marathon.dclb.thisdcos.directory", "A");
      assertThat(alias.values()).as(alias.raw()).containsExactly(address);

      // 25 connections through the VIP, held open, reach all five apps
      List<Conn> held = new ArrayList<>();
      List<Hello> firstAnswers = new ArrayList<>();
      try {
        // every instance listens (as a health check would show): until then the balancer would mark a
        // refusing backend down for its backoff and skew the spread below
        for (int port : backendPorts(table)) {
          await().atMost(WAIT).ignoreExceptions().until(() -> {
            try (Conn direct = new Conn("127.0.0.1", port)) {
              return direct.ask() != null;
            }
          });
        }
        for (int i = 0; i < 25; i++) {
          Conn c = new Conn(address, 5000);
          held.add(c);
          Hello h = c.ask();
          assertThat(h).as("connection %d through the VIP got no answer", i).isNotNull();
          firstAnswers.add(h);
        }
        Set<String> apps = new HashSet<>();
        firstAnswers.forEach(h -> apps.add(h.app()));
        assertThat(apps).as(firstAnswers.toString()).hasSize(APPS);

        // the victim: the process of /l4lbtest-3
        Hello victim = firstAnswers.stream().filter(h -> h.app().equals("/l4lbtest-3")).findFirst().orElseThrow();
        String srv = "_l4lbtest-3._tcp.marathon.mesos";
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(dig(srv, "SRV").ports()).contains(victim.port()));

        // dig keeps asking for the victim's SRV record while its task leaves RUNNING and comes back
        List<Dig> digs = new CopyOnWriteArrayList<>();
        AtomicBoolean digging = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
          while (digging.get()) {
            try {
              digs.add(dig(srv, "SRV"));
            } catch (Exception e) {
              digs.add(new Dig(System.currentTimeMillis(), -1, null, List.of(), e.toString()));
            }
          }
        }, "dig-watcher");
        watcher.start();
        try {
          Thread.sleep(300); // a few answers from before the change
          long killedAtMs = System.currentTimeMillis();
          long killedAt = System.nanoTime();
          assertThat(ProcessHandle.of(victim.pid()).orElseThrow().destroyForcibly()).isTrue();

          // new connections from the kill on: every one is answered, never by the killed process
          // (and the table drops the killed backend within 1 s of the kill)
          List<Hello> after = new ArrayList<>();
          long droppedAfterMs = -1;
          while (System.nanoTime() - killedAt < 1_500_000_000L) {
            if (droppedAfterMs < 0 && !backendPorts(vip(l4lbPort)).contains(victim.port())) {
              droppedAfterMs = (System.nanoTime() - killedAt) / 1_000_000;
            }
            try (Conn c = new Conn(address, 5000)) {
              Hello h = c.ask();
              assertThat(h).as("a new connection %d ms after the kill was closed unanswered",
                  (System.nanoTime() - killedAt) / 1_000_000).isNotNull();
              assertThat(h.pid()).isNotEqualTo(victim.pid());
              after.add(h);
            }
          }
          assertThat(after).hasSizeGreaterThan(10);
          assertThat(droppedAfterMs).as("ms from the kill until /v1/vips drops the killed backend")
              .isBetween(0L, 1_000L);

          // connections held open across the kill: those to the other apps still answer, and from the same process
          Set<String> survivors = new HashSet<>();
          for (int i = 0; i < held.size(); i++) {
            Hello before = firstAnswers.get(i);
            if (before.pid() == victim.pid()) {
              Hello gone;
              try {
                gone = held.get(i).ask();
              } catch (IOException e) {
                gone = null;
              }
              assertThat(gone).as("a connection to the killed process must end").isNull();
            } else {
              assertThat(held.get(i).ask()).as("held connection %d to %s", i, before).isEqualTo(before);
              survivors.add(before.app());
            }
          }
          assertThat(survivors).as("apps with a connection held across the kill").hasSize(APPS - 1)
              .doesNotContain(victim.app());

          // Marathon replaces the killed instance: the VIP gets the new backend, the SRV record its port
          JsonObject replaced = await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonArray tasks = new JsonObject(get(marathon + "/v2/apps/l4lbtest-3/tasks")).getJsonArray("tasks");
            return tasks == null ? null : tasks.stream().map(JsonObject.class::cast)
                .filter(t -> "TASK_RUNNING".equals(t.getString("state"))
                    && t.getJsonArray("ports").getInteger(0) != victim.port()).findFirst().orElse(null);
          }, t -> t != null);
          int newPort = replaced.getJsonArray("ports").getInteger(0);
          await().atMost(Duration.ofSeconds(5)).until(() -> backendPorts(vip(l4lbPort)).contains(newPort));
          await().atMost(Duration.ofSeconds(5)).until(() -> digs.stream()
              .anyMatch(d -> d.ports().contains(newPort)));
          Thread.sleep(200);
          digging.set(false);
          watcher.join(5_000);

          // every reply well formed: dig got an answer (exit 0) and the status is NOERROR (SRV in the Mesos zone)
          assertThat(digs).hasSizeGreaterThan(10);
          for (Dig d : digs) {
            assertThat(d.exit()).as(d.raw()).isZero();
            assertThat(d.status()).as(d.raw()).isEqualTo("NOERROR");
            assertThat(d.types()).as(d.raw()).allMatch("SRV"::equals);
          }
          // the old port leaves within 1 s of the kill (the task left RUNNING after the kill, so this is stricter)
          long oldGoneAt = digs.stream().filter(d -> !d.ports().contains(victim.port()))
              .filter(d -> d.endedAtMs() >= killedAtMs).mapToLong(Dig::endedAtMs).min().orElseThrow();
          assertThat(oldGoneAt - killedAtMs).as("ms from the kill until dig no longer lists the killed port").isLessThanOrEqualTo(1_000);
          assertThat(digs.stream().filter(d -> d.endedAtMs() > oldGoneAt + 50))
              .noneMatch(d -> d.ports().contains(victim.port()));
          // the new port appears within 1 s of the replacement's TASK_RUNNING (the master's status timestamp)
          long runningAtMs = runningAt(masterPort, replaced.getString("id"));
          long newSeenAt = digs.stream().filter(d -> d.ports().contains(newPort))
              .mapToLong(Dig::endedAtMs).min().orElseThrow();
          assertThat(newSeenAt - runningAtMs).as("ms from TASK_RUNNING until dig lists the new port").isLessThanOrEqualTo(1_000);
          System.out.printf("VipIT: table dropped the killed backend after %d ms, its SRV port left after %d ms,"
                  + " the replacement's port appeared %d ms after TASK_RUNNING; %d new connections, %d digs%n",
              droppedAfterMs, oldGoneAt - killedAtMs, newSeenAt - runningAtMs, after.size(), digs.size());
        } finally {
          digging.set(false);
          watcher.join(5_000);
        }
      } finally {
        for (Conn c : held) {
          c.close();
        }
      }

      mezzo.sigterm();
      assertThat(mezzo.awaitExit(Duration.ofSeconds(30))).isZero();
    }
  }

  /** When the master recorded the task's TASK_RUNNING status, in ms since the epoch. */
  private static long runningAt(int masterPort, String taskId) {
    JsonObject tasks = new JsonObject(get("http://127.0.0.1:" + masterPort + "/master/tasks"));
    for (Object o : tasks.getJsonArray("tasks")) {
      JsonObject t = (JsonObject) o;
      if (t.getString("id").equals(taskId)) {
        for (Object s : t.getJsonArray("statuses")) {
          JsonObject status = (JsonObject) s;
          if ("TASK_RUNNING".equals(status.getString("state"))) {
            return (long) (status.getDouble("timestamp") * 1000);
          }
        }
      }
    }
    throw new AssertionError("no TASK_RUNNING status for " + taskId + " in " + tasks.encode());
  }
}
