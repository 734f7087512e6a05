package io.mezzo.l4lb.vip;

import java.util.Locale;

/** The transport of a VIP; a VIP on tcp and one on udp with the same address and port are distinct. */
public enum Protocol {
  TCP, UDP;

  /** {@code tcp}/{@code udp} in any case; null for anything else. */
  public static Protocol parse(String text) {
    if (text == null) {
      return null;
    }
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "tcp" -> TCP;
      case "udp" -> UDP;
      default -> null;
    };
  }

  /** The lower-case name used in labels and in {@code /v1/vips}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
