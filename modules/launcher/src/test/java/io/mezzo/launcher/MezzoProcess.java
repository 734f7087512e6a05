package io.mezzo.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A {@code java -jar mezzo.jar ...} process with its stdout and stderr collected line by line. */
final class MezzoProcess implements AutoCloseable {
  static final Path JAR = Path.of(System.getProperty("mezzo.jar", "target/mezzo.jar"));
  static final Path ROOT = Path.of(System.getProperty("mezzo.root", "../.."));
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final Process process;
  final List<String> out = new CopyOnWriteArrayList<>();
  final List<String> err = new CopyOnWriteArrayList<>();

  private final Thread outPump;
  private final Thread errPump;

  private MezzoProcess(Process process) {
    this.process = process;
    outPump = pump(process.getInputStream(), out);
    errPump = pump(process.getErrorStream(), err);
  }

  static MezzoProcess start(Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(javaBin(), "-XX:+UseSerialGC", "-Xmx256m", "-jar", JAR.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("MEZZO_"));
    builder.environment().putAll(env);
    return new MezzoProcess(builder.start());
  }

  /** The listening ports of a one-node {@code mezzo up}, as {@code --set} keys. */
  static final List<String> UP_PORTS = List.of("zookeeper.port", "diagnostics.port", "mesos-master.port", "dns.port",
      "dns.dns_port", "l4lb.port", "mesos-agent.port", "marathon.port", "metronome.port");

  /**
   * {@code mezzo up} in {@code workDir} with every port of {@link #UP_PORTS} set: those in {@code ports}
   * as given, the others free ones; {@code sets} are further {@code key=value} settings.
   */
  static MezzoProcess up(Path workDir, Map<String, Integer> ports, String... sets) throws IOException {
    List<String> args = new ArrayList<>(List.of("up", "--work-dir", workDir.toString()));
    for (String key : UP_PORTS) {
      Integer port = ports.get(key);
      args.addAll(List.of("--set", key + "=" + (port != null ? port : freePort())));
    }
    for (String set : sets) {
      args.addAll(List.of("--set", set));
    }
    return start(Map.of(), args.toArray(String[]::new));
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static Thread pump(InputStream in, List<String> lines) {
    Thread t = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // process gone
      }
    }, "pump");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Waits for a stdout line matching the predicate; fails with both streams in the message. */
  String awaitOut(Predicate<String> wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : out) {
        if (wanted.test(line)) {
          return line;
        }
      }
      if (!process.isAlive() && System.nanoTime() > deadline - timeout.toNanos() + 500_000_000L) {
        break;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no such line within " + timeout + "\nstdout: " + out + "\nstderr: " + err);
  }

  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + timeout + "\nstdout: " + out + "\nstderr: " + err);
    }
    outPump.join(5_000);
    errPump.join(5_000);
    return process.exitValue();
  }

  /** SIGTERM, through the process handle: {@code Process.destroy} would also close our ends of its pipes. */
  void sigterm() {
    process.toHandle().destroy();
  }

  void sigkill() {
    process.toHandle().destroyForcibly();
  }

  /**
   * Stops the platform if a test left it running (a failed assertion, typically): a clean stop
   * first, so the agent destroys its containers and removes their cgroups; whatever is left after
   * 20 s is killed.
   */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.toHandle().destroy();
      try {
        process.waitFor(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** A port free now and never handed out before in this JVM (two picks before anyone binds cannot collide). */
  static int freePort() throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket(0)) {
        if (HANDED_OUT.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      }
    }
  }

  record Reply(int status, String body) {
  }

  static Reply get(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }
}
