package io.mezzo.agent.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetClient;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.HealthCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The checker's timers against real local servers (MESOS_HTTP, MESOS_TCP probes). */
class HealthCheckerTest {
  private final Vertx vertx = Vertx.vertx();
  private final List<String> events = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static HealthCheck.Builder fast(HealthCheck.Type type) {
    return HealthCheck.newBuilder().setType(type).setDelaySeconds(0).setIntervalSeconds(0.05).setTimeoutSeconds(1)
        .setGracePeriodSeconds(0).setConsecutiveFailures(2);
  }

  private HealthChecker start(HealthCheck check, Probe probe) throws Exception {
    HealthChecker checker = new HealthChecker(vertx, Clock.systemUTC(), check, probe,
        (healthy, kill, message) -> events.add(healthy + "/" + kill));
    vertx.runOnContext(v -> checker.start());
    return checker;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void http_2xxAnd3xxHealthy_5xxUnhealthyThenKill() throws Exception {
    int[] code = {302};
    HttpServer server = vertx.createHttpServer().requestHandler(r -> r.response().setStatusCode(code[0]).end())
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    HttpClient client = vertx.createHttpClient();
    HealthCheck check = fast(HealthCheck.Type.HTTP).setHttp(HealthCheck.HTTPCheckInfo.newBuilder()
        .setPort(server.actualPort()).setPath("health")).build();
    HealthChecker checker = start(check, Checks.http(client, check.getHttp()));
    await().atMost(Duration.ofSeconds(5)).until(() -> checker.attempts() >= 3);
    assertThat(events).containsExactly("true/false");
    code[0] = 503;
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 3);
    assertThat(events).containsExactly("true/false", "false/false", "false/true");
    int attempts = checker.attempts();
    Thread.sleep(200);
    assertThat(checker.attempts()).as("no attempt after the kill decision").isEqualTo(attempts);
  }

  @Test
  void tcp_closedPortUnhealthy_openPortHealthy_stopEndsAttempts() throws Exception {
    int port = freePort();
    NetClient client = vertx.createNetClient();
    HealthCheck check = fast(HealthCheck.Type.TCP).setConsecutiveFailures(1000)
        .setTcp(HealthCheck.TCPCheckInfo.newBuilder().setPort(port)).build();
    HealthChecker checker = start(check, Checks.tcp(client, check.getTcp()));
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);
    assertThat(events).containsExactly("false/false");
    try (ServerSocket open = new ServerSocket(port)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 2);
    }
    assertThat(events).containsExactly("false/false", "true/false");
    vertx.runOnContext(v -> checker.stop());
    Thread.sleep(100);
    int attempts = checker.attempts();
    Thread.sleep(200);
    assertThat(checker.attempts()).isEqualTo(attempts);
  }

  @Test
  void probeSlowerThanTheTimeout_isAFailure() throws Exception {
    HealthCheck check = fast(HealthCheck.Type.COMMAND).setTimeoutSeconds(0.1).setConsecutiveFailures(1).build();
    start(check, timeout -> Checks.bounded(Future.<Void>future(p -> { }), timeout));
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);
    assertThat(events).containsExactly("false/true");
  }
}
