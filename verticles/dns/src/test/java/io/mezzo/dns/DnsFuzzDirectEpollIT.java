package io.mezzo.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every {@link DnsFuzzIT} test with UDP on the direct-epoll plane. */
class DnsFuzzDirectEpollIT extends DnsFuzzIT {
  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    DnsServerIT.plane = new JsonObject().put("direct_epoll", true);
    DnsFuzzIT.start(vertx);
  }

  @Test
  void servedByTheDirectPlane() {
    assertThat(server.dnsTransport()).isEqualTo("direct-epoll");
  }

  @AfterAll
  static void stop() throws IOException {
    DnsServerIT.plane = new JsonObject().put("direct_epoll", false);
    DnsFuzzIT.stop();
  }
}
