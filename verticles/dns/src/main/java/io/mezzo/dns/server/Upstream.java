package io.mezzo.dns.server;

import io.mezzo.common.net.Ips;

/** An upstream resolver: an IP literal and a port (53 unless given). */
public record Upstream(String host, int port) {

  /** Parses {@code ip}, {@code ip:port}, {@code v6} or {@code [v6]:port}; null when it is none of these. */
  public static Upstream parse(String text) {
    if (text == null) {
      return null;
    }
    String host = text.trim();
    int port = 53;
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      if (close < 0) {
        return null;
      }
      String rest = host.substring(close + 1);
      host = host.substring(1, close);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          return null;
        }
        port = portOf(rest.substring(1));
      }
    } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
      port = portOf(host.substring(host.indexOf(':') + 1));
      host = host.substring(0, host.indexOf(':'));
    }
    String ip = Ips.literalOrNull(host);
    return ip == null || port <= 0 || port > 65535 ? null : new Upstream(ip, port);
  }

  private static int portOf(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
