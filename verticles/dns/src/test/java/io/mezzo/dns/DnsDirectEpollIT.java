package io.mezzo.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.mesos.client.cluster.ClusterStateSource;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every {@link DnsServerIT} test with UDP on the direct-epoll plane (direct_epoll on; TCP and NIO as before). */
class DnsDirectEpollIT extends DnsServerIT {
  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    plane = new JsonObject().put("direct_epoll", true);
    DnsServerIT.start(vertx);
  }

  @AfterAll
  static void stop() throws IOException {
    plane = new JsonObject().put("direct_epoll", false);
    DnsServerIT.stop();
  }

  /** Undeploying ends the plane's threads and closes its sockets: the port can be bound again at once. */
  @Test
  void undeploy_closesSocketsAndEndsThreads(Vertx vertx) throws Exception {
    long before = udpThreads();
    DnsVerticle v = deploy(vertx, ClusterStateSource.fixed(Fixtures.state()), new JsonObject().put("io_threads", 2));
    assertThat(v.dnsTransport()).isEqualTo("direct-epoll");
    assertThat(udpThreads()).isEqualTo(before + 2);
    int port = v.dnsPort();
    assertThat(dig(v, "nginx.marathon.mesos", "A", "+short")).contains("9.0.0.5");
    vertx.undeploy(v.deploymentID()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(udpThreads()).isEqualTo(before);
    try (DatagramSocket s = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
      assertThat(s.getLocalPort()).isEqualTo(port);
    }
  }

  private static long udpThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("mezzo-dns-udp-")).count();
  }

  @Override
  String expectedTransport() {
    return "direct-epoll";
  }
}
