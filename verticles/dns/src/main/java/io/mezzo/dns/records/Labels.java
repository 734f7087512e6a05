package io.mezzo.dns.records;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns task and framework names into DNS labels the way Mesos-DNS does. RFC 1123 mode (the
 * default): lower-case, keep {@code [a-z0-9]}, map {@code - . _} to {@code -}, drop everything
 * else, trim leading hyphens, cut to 63 characters, trim trailing hyphens. RFC 952 mode cuts to 24
 * and also trims leading digits.
 */
public final class Labels {
  public static final int RFC1123_MAX = 63;
  public static final int RFC952_MAX = 24;

  private final boolean rfc952;

  public Labels(boolean rfc952) {
    this.rfc952 = rfc952;
  }

  /** One label; may be empty when nothing usable is left. */
  public String label(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (char c : name.toLowerCase(Locale.ROOT).toCharArray()) {
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        out.append(c);
      } else if (c == '-' || c == '.' || c == '_') {
        out.append('-');
      }
    }
    int start = 0;
    while (start < out.length() && (out.charAt(start) == '-' || (rfc952 && Character.isDigit(out.charAt(start))))) {
      start++;
    }
    String s = out.substring(start);
    int max = rfc952 ? RFC952_MAX : RFC1123_MAX;
    if (s.length() > max) {
      s = s.substring(0, max);
    }
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '-') {
      end--;
    }
    return s.substring(0, end);
  }

  /** A dotted name: each label sanitized, empty labels dropped. */
  public String domainFrag(String name) {
    List<String> parts = new ArrayList<>();
    for (String part : name.split("\\.")) {
      String l = label(part);
      if (!l.isEmpty()) {
        parts.add(l);
      }
    }
    return String.join(".", parts);
  }
}
