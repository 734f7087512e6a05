package io.mezzo.l4lb.proxy;

import io.vertx.core.Future;

/** The data plane of one VIP endpoint. Called on the owning verticle's event loop only. */
public interface Proxy {

  /** Binds the endpoint; fails when the address or port cannot be bound. */
  Future<Void> listen();

  /** Unbinds and ends every connection or session of this endpoint. */
  Future<Void> close();
}
