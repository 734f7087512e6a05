package io.mezzo.common.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** IP literals only: nothing here asks a resolver. */
public final class Ips {
  private static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern V6 = Pattern.compile("[0-9a-fA-F:.]+");

  private Ips() {
  }

  /** The address for an IPv4 or IPv6 literal (brackets allowed around v6), else null. */
  public static InetAddress parse(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    var v4 = V4.matcher(text);
    if (v4.matches()) {
      byte[] b = new byte[4];
      for (int i = 0; i < 4; i++) {
        int octet = Integer.parseInt(v4.group(i + 1));
        if (octet > 255) {
          return null;
        }
        b[i] = (byte) octet;
      }
      try {
        return InetAddress.getByAddress(b);
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
    String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    if (t.contains(":") && V6.matcher(t).matches()) {
      try {
        return InetAddress.getByName(t); // a literal, so no lookup happens
      } catch (UnknownHostException e) {
        return null;
      }
    }
    return null;
  }

  /** The canonical text of an IP literal, else null. */
  public static String literalOrNull(String text) {
    InetAddress a = parse(text);
    return a == null ? null : a.getHostAddress();
  }
}
