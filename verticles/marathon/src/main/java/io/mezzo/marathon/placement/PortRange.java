package io.mezzo.marathon.placement;

/** An inclusive range of ports, as Mesos offers them. */
public record PortRange(int begin, int end) {

  public PortRange {
    if (begin < 0 || end > 65535 || begin > end) {
      throw new IllegalArgumentException("invalid port range [" + begin + "-" + end + "]");
    }
  }

  public int size() {
    return end - begin + 1;
  }

  public boolean contains(int port) {
    return port >= begin && port <= end;
  }
}
