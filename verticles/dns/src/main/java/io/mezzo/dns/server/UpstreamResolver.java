package io.mezzo.dns.server;

import java.util.function.BiConsumer;

/**
 * Forwards a query for a name outside our zones. Called on a Netty event loop; implementations
 * hop to their own thread and call {@code done} exactly once, with the upstream's reply bytes or
 * with a failure (which the server answers as SERVFAIL).
 */
@FunctionalInterface
public interface UpstreamResolver {

  void forward(byte[] query, boolean tcp, BiConsumer<byte[], Throwable> done);
}
