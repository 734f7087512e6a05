package io.mezzo.l4lb.proxy;

import io.mezzo.l4lb.vip.Protocol;

/** Where one VIP is served: protocol, bound address and port. */
public record Endpoint(Protocol protocol, String address, int port) {
  @Override
  public String toString() {
    return protocol.label() + "://" + address + ":" + port;
  }
}
