package io.mezzo.mesos.proto;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;

/**
 * The Mesos resource text syntax used by {@code --resources}, both ways:
 * {@code cpus:4;mem:8192;ports:[31000-32000];disk(role):10;bugs:{a,b}}.
 *
 * <ul>
 *   <li>Entries are separated by {@code ;} (empty entries are skipped); each is {@code name:value}
 *       or {@code name(role):value}.
 *   <li>A value is a scalar ({@code 0.5}, rounded to 3 decimals as Mesos does), ranges
 *       ({@code [1-5,7-9]}, coalesced and sorted) or a set ({@code {a,b}}, no duplicates).
 *   <li>Zero scalars and empty ranges or sets are dropped, as Mesos does; negative scalars are an
 *       error.
 *   <li>A role other than {@code *} becomes a single STATIC reservation ({@code reservations}, the
 *       post-refinement format); the deprecated {@code role} field is not set.
 * </ul>
 */
public final class Resources {

  /** The unreserved role. */
  public static final String UNRESERVED = "*";

  private Resources() {
  }

  /**
   * Parses resource text; entries without {@code (role)} get {@code defaultRole}.
   *
   * @throws IllegalArgumentException naming the bad entry on bad syntax or a bad role
   */
  public static List<Resource> parse(String text, String defaultRole) {
    if (text == null) {
      throw new IllegalArgumentException("Resource text is missing");
    }
    checkRole(defaultRole, "default role");
    List<Resource> out = new ArrayList<>();
    for (String entry : text.split(";", -1)) {
      if (entry.isBlank()) {
        continue;
      }
      Resource r = parseEntry(entry, defaultRole);
      if (!isEmpty(r)) {
        out.add(r);
      }
    }
    return out;
  }

  /** Formats resources as text that {@link #parse} reads back; entries joined by {@code ;}. */
  public static String format(List<Resource> resources) {
    StringBuilder sb = new StringBuilder();
    for (Resource r : resources) {
      if (sb.length() > 0) {
        sb.append(';');
      }
      sb.append(r.getName());
      String role = roleOf(r);
      if (!UNRESERVED.equals(role)) {
        sb.append('(').append(role).append(')');
      }
      sb.append(':').append(formatValue(r));
    }
    return sb.toString();
  }

  /** The role a resource is reserved to: the last reservation's role, else the legacy role, else {@code *}. */
  public static String roleOf(Resource r) {
    if (r.getReservationsCount() > 0) {
      return r.getReservations(r.getReservationsCount() - 1).getRole();
    }
    return r.hasRole() ? r.getRole() : UNRESERVED;
  }

  /** Scalar text with at most 3 decimals and no trailing zeros ({@code 4}, {@code 0.5}). */
  public static String formatScalar(double value) {
    return toFixed(value, "scalar").movePointLeft(3).stripTrailingZeros().toPlainString();
  }

  static String formatValue(Resource r) {
    switch (r.getType()) {
      case SCALAR:
        return formatScalar(r.getScalar().getValue());
      case RANGES: {
        StringBuilder sb = new StringBuilder("[");
        for (Value.Range range : r.getRanges().getRangeList()) {
          if (sb.length() > 1) {
            sb.append(',');
          }
          sb.append(Long.toUnsignedString(range.getBegin())).append('-').append(Long.toUnsignedString(range.getEnd()));
        }
        return sb.append(']').toString();
      }
      case SET:
        return "{" + String.join(",", r.getSet().getItemList()) + "}";
      default:
        throw new IllegalArgumentException("Resource '" + r.getName() + "' has unsupported type " + r.getType());
    }
  }

  /** Fixed-point thousandths of {@code value}, rounded half away from zero like Mesos's {@code llround}. */
  static BigDecimal toFixed(double value, String what) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("Scalar " + what + " is not finite: " + value);
    }
    return BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).movePointRight(3);
  }

  static boolean isEmpty(Resource r) {
    switch (r.getType()) {
      case SCALAR:
        return r.getScalar().getValue() == 0;
      case RANGES:
        return r.getRanges().getRangeCount() == 0;
      case SET:
        return r.getSet().getItemCount() == 0;
      default:
        return false;
    }
  }

  private static Resource parseEntry(String entry, String defaultRole) {
    int colon = entry.indexOf(':');
    if (colon < 0 || entry.indexOf(':', colon + 1) >= 0) {
      throw bad(entry, "expected exactly one ':' between name and value");
    }
    String head = entry.substring(0, colon).trim();
    String valueText = entry.substring(colon + 1).trim();
    String name = head;
    String role = defaultRole;
    int open = head.indexOf('(');
    if (open >= 0) {
      if (!head.endsWith(")") || head.indexOf('(', open + 1) >= 0 || head.indexOf(')') != head.length() - 1) {
        throw bad(entry, "expected 'name(role)'");
      }
      name = head.substring(0, open).trim();
      role = head.substring(open + 1, head.length() - 1).trim();
      try {
        checkRole(role, "role");
      } catch (IllegalArgumentException e) {
        throw bad(entry, e.getMessage());
      }
    } else if (head.indexOf(')') >= 0) {
      throw bad(entry, "expected 'name(role)'");
    }
    if (name.isEmpty()) {
      throw bad(entry, "the name is empty");
    }
    if (!name.chars().allMatch(c -> c > ' ' && c < 0x7f && "(){}[],;:".indexOf(c) < 0)) {
      throw bad(entry, "the name has a blank or reserved character");
    }
    Resource.Builder r = Resource.newBuilder().setName(name);
    if (valueText.startsWith("[")) {
      r.setType(Value.Type.RANGES).setRanges(parseRanges(entry, valueText));
    } else if (valueText.startsWith("{")) {
      r.setType(Value.Type.SET).setSet(parseSet(entry, valueText));
    } else {
      r.setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(parseScalar(entry, valueText)));
    }
    if (!UNRESERVED.equals(role)) {
      r.addReservations(Resource.ReservationInfo.newBuilder()
          .setType(Resource.ReservationInfo.Type.STATIC)
          .setRole(role));
    }
    return r.build();
  }

  private static double parseScalar(String entry, String text) {
    if (text.isEmpty() || text.length() > 40 || !text.matches("[0-9]*\\.?[0-9]*") || text.equals(".")) {
      if (text.startsWith("-")) {
        throw bad(entry, "scalar must not be negative");
      }
      throw bad(entry, "expected a scalar, '[ranges]' or '{set}'");
    }
    BigDecimal fixed = new BigDecimal(text).setScale(3, RoundingMode.HALF_UP);
    if (fixed.compareTo(ResourceBag.MAX_SCALAR) > 0) {
      throw bad(entry, "scalar is too large");
    }
    return fixed.doubleValue();
  }

  private static Value.Ranges parseRanges(String entry, String text) {
    if (!text.endsWith("]") || text.length() < 2) {
      throw bad(entry, "ranges must end with ']'");
    }
    String inner = text.substring(1, text.length() - 1).trim();
    List<long[]> ranges = new ArrayList<>();
    if (!inner.isEmpty()) {
      for (String piece : inner.split(",", -1)) {
        String[] ends = piece.split("-", -1);
        if (ends.length != 2) {
          throw bad(entry, "expected a range 'begin-end', got '" + piece.trim() + "'");
        }
        long begin = parseRangeEnd(entry, ends[0]);
        long end = parseRangeEnd(entry, ends[1]);
        if (begin > end) {
          throw bad(entry, "range '" + piece.trim() + "' begins after it ends");
        }
        ranges.add(new long[] {begin, end});
      }
    }
    Value.Ranges.Builder b = Value.Ranges.newBuilder();
    for (long[] range : ResourceBag.coalesce(ranges)) {
      b.addRange(Value.Range.newBuilder().setBegin(range[0]).setEnd(range[1]));
    }
    return b.build();
  }

  private static long parseRangeEnd(String entry, String text) {
    String t = text.trim();
    if (t.isEmpty() || t.length() > 18 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw bad(entry, "expected a range bound, got '" + t + "'");
    }
    return Long.parseLong(t);
  }

  private static Value.Set parseSet(String entry, String text) {
    if (!text.endsWith("}") || text.length() < 2) {
      throw bad(entry, "a set must end with '}'");
    }
    String inner = text.substring(1, text.length() - 1).trim();
    Set<String> items = new LinkedHashSet<>();
    if (!inner.isEmpty()) {
      for (String piece : inner.split(",", -1)) {
        String item = piece.trim();
        if (item.isEmpty() || !item.chars().allMatch(c -> c > ' ' && "(){}[],;:".indexOf(c) < 0)) {
          throw bad(entry, "bad set item '" + item + "'");
        }
        if (!items.add(item)) {
          throw bad(entry, "duplicate set item '" + item + "'");
        }
      }
    }
    return Value.Set.newBuilder().addAllItem(items).build();
  }

  /** Mesos role rules ({@code src/common/roles.cpp}); {@code *} is allowed. */
  static void checkRole(String role, String what) {
    if (role == null || role.isEmpty()) {
      throw new IllegalArgumentException("The " + what + " is empty");
    }
    if (UNRESERVED.equals(role)) {
      return;
    }
    if (role.startsWith("/") || role.endsWith("/") || role.contains("//") || role.startsWith("-")) {
      throw new IllegalArgumentException("The " + what + " '" + role + "' is not a valid role name");
    }
    for (String part : role.split("/")) {
      if (part.equals(".") || part.equals("..") || part.startsWith("-") || part.equals("*")) {
        throw new IllegalArgumentException("The " + what + " '" + role + "' has a bad component '" + part + "'");
      }
    }
    if (!role.chars().allMatch(c -> c > ' ' && c != 0x7f && "(),;:[]{}".indexOf(c) < 0)) {
      throw new IllegalArgumentException("The " + what + " '" + role + "' has a blank or reserved character");
    }
  }

  private static IllegalArgumentException bad(String entry, String why) {
    String shown = entry.length() > 80 ? entry.substring(0, 80) + "..." : entry;
    return new IllegalArgumentException("Bad resource '" + shown.trim() + "': " + why);
  }
}
