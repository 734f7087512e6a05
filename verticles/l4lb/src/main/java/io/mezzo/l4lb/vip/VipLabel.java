package io.mezzo.l4lb.vip;

import io.mezzo.common.net.Ips;
import java.util.Optional;

/**
 * A parsed VIP label value. {@code "/name:port"} (or any text that is not an IP) is a named VIP,
 * {@code "a.b.c.d:port"} an IP VIP.
 *
 * @param ip   the canonical IP literal of an IP VIP, null for a named VIP
 * @param name the name as written (e.g. {@code /mygroup/myapp}) of a named VIP, null for an IP VIP
 */
public record VipLabel(String ip, String name, int port) {

  /** The prefix of the task labels of the legacy form, {@code VIP_PORT<idx>=tcp://<label>}. */
  public static final String LEGACY_PREFIX = "VIP_PORT";

  public boolean named() {
    return name != null;
  }

  /** Whether a DiscoveryInfo port label key carries a VIP: any key starting with {@code VIP} or {@code vip}. */
  public static boolean isVipKey(String key) {
    return key.startsWith("VIP") || key.startsWith("vip");
  }

  /**
   * Parses a label value: split on the last {@code :}; the part after it must be a port in
   * 1..65535 and the part before it must not be empty. Empty when the value is not a VIP.
   */
  public static Optional<VipLabel> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      return Optional.empty();
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (port <= 0 || port > 65_535) {
      return Optional.empty();
    }
    String host = value.substring(0, colon);
    String ip = Ips.literalOrNull(host);
    return Optional.of(ip != null ? new VipLabel(ip, null, port) : new VipLabel(null, host, port));
  }

  /** A legacy task label value {@code tcp://<label>} or {@code udp://<label>}, with its protocol. */
  public record Legacy(Protocol protocol, VipLabel label) {
    public static Optional<Legacy> parse(String value) {
      int sep = value == null ? -1 : value.indexOf("://");
      if (sep < 0) {
        return Optional.empty();
      }
      Protocol protocol = Protocol.parse(value.substring(0, sep));
      if (protocol == null) {
        return Optional.empty();
      }
      return VipLabel.parse(value.substring(sep + 3)).map(l -> new Legacy(protocol, l));
    }
  }
}
