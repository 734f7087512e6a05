package io.mezzo.l4lb.vip;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns VIP and framework names into DNS fragments the way dcos-net does: the text is split on
 * {@code .} (empty parts dropped) and every part becomes one label. Inside a label, letters are
 * lower-cased; everything before the first letter or digit is dropped; afterwards {@code - _ .}
 * become {@code -}, other characters outside {@code [a-z0-9]} (such as {@code /}) are dropped, and
 * trailing dashes are trimmed. A label stops growing at 63 characters; when it reaches that length
 * trailing dashes are trimmed and only letters and digits may fill it up again.
 */
public final class DomainFrag {
  private static final int MAX = 63;

  private DomainFrag() {
  }

  /** {@code /mygroup/myapp} gives {@code mygroupmyapp}; {@code a.B_c} gives {@code a.b-c}. */
  public static String of(String text) {
    List<String> labels = new ArrayList<>();
    for (String part : text.split("\\.")) {
      if (!part.isEmpty()) {
        String label = label(part);
        if (!label.isEmpty()) {
          labels.add(label);
        }
      }
    }
    return String.join(".", labels);
  }

  static String label(String text) {
    StringBuilder out = new StringBuilder();
    boolean started = false;
    boolean full = false; // reached the limit once: dashes are no longer taken
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c - 'A' + 'a');
      }
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (!started) {
        if (!alnum) {
          continue;
        }
        started = true;
      }
      if (!full && out.length() >= MAX) {
        trimDashes(out);
        full = true;
      }
      if (full && out.length() >= MAX) {
        break;
      }
      if (alnum) {
        out.append(c);
      } else if (!full && (c == '-' || c == '_' || c == '.')) {
        out.append('-');
      }
    }
    trimDashes(out);
    return out.toString();
  }

  private static void trimDashes(StringBuilder out) {
    while (out.length() > 0 && out.charAt(out.length() - 1) == '-') {
      out.setLength(out.length() - 1);
    }
  }
}
