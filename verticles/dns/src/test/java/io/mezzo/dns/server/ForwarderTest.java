package io.mezzo.dns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class ForwarderTest {

  @Test
  void forward_moreQueriesThanTheInFlightLimit_extraOnesFailAtOnceAndRoomReturnsAfterTimeouts(Vertx vertx)
      throws Exception {
    // an upstream on loopback that reads nothing and answers nothing
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      UpstreamPicker picker = new UpstreamPicker(List.of(new Upstream("127.0.0.1", silent.getLocalPort())),
          new Random(1));
      Forwarder forwarder = new Forwarder(vertx, picker, 300, new Random(2), 4);
      byte[] query = Wire.query(0, true, "www.example.test.", 1, 1, -1);
      Context context = vertx.getOrCreateContext();
      List<Future<byte[]>> first = onContext(context, () -> {
        List<Future<byte[]>> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          all.add(forwarder.forward(query, false));
        }
        return all;
      });
      assertThat(failure(first.get(4))).hasMessageContaining("Too many queries in flight upstream");
      for (Future<byte[]> f : first.subList(0, 4)) {
        assertThat(failure(f)).hasMessageContaining("timed out");
      }
      Thread.sleep(100);
      Future<byte[]> later = onContext(context, () -> forwarder.forward(query, false));
      assertThat(failure(later)).as("room again after the timeouts").hasMessageContaining("timed out");
    }
  }

  private static <T> T onContext(Context context, Supplier<T> body) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> result.complete(body.get()));
    return result.get(5, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().handle((r, e) -> e).get(5, TimeUnit.SECONDS);
  }
}
