package io.mezzo.l4lb.vip;

import java.util.List;

/**
 * A VIP with the address it is served on and its backends, sorted by address.
 *
 * @param address the IP to bind: the label's IP for an IP VIP, the allocated one for a named VIP
 */
public record Vip(VipKey key, String address, List<Backend> backends) {
  public Vip {
    backends = List.copyOf(backends);
  }
}
