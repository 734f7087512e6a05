package io.mezzo.l4lb.vip;

import io.mezzo.common.net.Ips;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * An IPv4 CIDR block that named VIPs take their addresses from, e.g. {@code 11.0.0.0/8}. The first
 * and last address of blocks larger than /31 are not handed out.
 */
public record VipRange(long base, int prefix) {

  public VipRange {
    if (prefix < 1 || prefix > 32) {
      throw new IllegalArgumentException("Prefix must be 1..32, got " + prefix);
    }
    base = base & mask(prefix);
  }

  /** Parses {@code a.b.c.d/n}; throws {@link IllegalArgumentException} naming the text otherwise. */
  public static VipRange parse(String cidr) {
    int slash = cidr == null ? -1 : cidr.indexOf('/');
    InetAddress address = slash < 0 ? null : Ips.parse(cidr.substring(0, slash));
    if (!(address instanceof Inet4Address)) {
      throw new IllegalArgumentException("Not an IPv4 CIDR block: '" + cidr + "'");
    }
    int prefix;
    try {
      prefix = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Not an IPv4 CIDR block: '" + cidr + "'");
    }
    if (prefix < 1 || prefix > 32) {
      throw new IllegalArgumentException("Prefix of '" + cidr + "' must be 1..32");
    }
    return new VipRange(toLong(address.getAddress()), prefix);
  }

  /** How many addresses can be handed out. */
  public long usable() {
    long size = 1L << (32 - prefix);
    return size > 2 ? size - 2 : size;
  }

  /** The {@code i}-th usable address, {@code 0 <= i < usable()}. */
  public String address(long i) {
    long first = (1L << (32 - prefix)) > 2 ? base + 1 : base;
    return text(first + i);
  }

  public boolean contains(String ip) {
    InetAddress a = Ips.parse(ip);
    return a instanceof Inet4Address && (toLong(a.getAddress()) & mask(prefix)) == base;
  }

  /** True when every address of the block is in 127.0.0.0/8, which Linux already routes to {@code lo}. */
  public boolean loopback() {
    return prefix >= 8 && (base >>> 24) == 127;
  }

  @Override
  public String toString() {
    return text(base) + "/" + prefix;
  }

  private static long mask(int prefix) {
    return (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
  }

  private static long toLong(byte[] b) {
    return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
  }

  private static String text(long v) {
    return ((v >>> 24) & 0xFF) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
  }
}
