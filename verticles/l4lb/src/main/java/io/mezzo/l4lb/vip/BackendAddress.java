package io.mezzo.l4lb.vip;

/** Where a backend listens: an IP literal and a port. */
public record BackendAddress(String ip, int port) implements Comparable<BackendAddress> {

  @Override
  public int compareTo(BackendAddress o) {
    int c = ip.compareTo(o.ip);
    return c != 0 ? c : Integer.compare(port, o.port);
  }

  @Override
  public String toString() {
    return ip.contains(":") ? "[" + ip + "]:" + port : ip + ":" + port;
  }
}
