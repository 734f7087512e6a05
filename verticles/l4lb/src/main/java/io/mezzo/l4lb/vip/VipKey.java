package io.mezzo.l4lb.vip;

/**
 * A VIP as clients name it.
 *
 * @param name the DNS name of a named VIP ({@code l4lbtest.marathon.l4lb.thisdcos.directory}) or the
 *             IP literal of an IP VIP
 */
public record VipKey(Protocol protocol, String name, int port) implements Comparable<VipKey> {

  /** {@code name:port}, as {@code /v1/vips} shows it. */
  public String label() {
    return name + ":" + port;
  }

  @Override
  public int compareTo(VipKey o) {
    int c = name.compareTo(o.name);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(port, o.port);
    return c != 0 ? c : protocol.compareTo(o.protocol);
  }
}
