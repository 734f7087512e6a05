package io.mezzo.l4lb.vip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Gives each named VIP an address in the range, the same on every node that sees the same names.
 *
 * <p>The rule: names are taken in ascending string order. A name's first candidate is
 * {@code usable[h mod n]}, where {@code h} is the first 8 bytes of the SHA-1 of the name's UTF-8
 * bytes read as an unsigned big-endian number and {@code n} the count of usable addresses. When the
 * candidate is already taken (by an IP VIP inside the range or by a name earlier in the order), the
 * next address is tried, wrapping at the end of the range. The result depends only on the set of
 * names and reserved addresses, so nodes agree without talking to each other. A name whose hash
 * collides may move when a name that sorts before it appears; with a /8 and a few thousand names
 * that is rare.
 */
public final class NamedVipAllocator {

  private NamedVipAllocator() {
  }

  /**
   * Addresses for the names; names left over once the range is full are missing from the result.
   *
   * @param reserved addresses that must not be handed out (IP VIPs)
   */
  public static Map<String, String> allocate(VipRange range, Collection<String> names, Set<String> reserved) {
    long n = range.usable();
    Set<String> taken = new HashSet<>(reserved);
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : new TreeSet<>(names)) {
      long start = Long.remainderUnsigned(hash(name), n);
      for (long probe = 0; probe < n; probe++) {
        String candidate = range.address((start + probe) % n);
        if (taken.add(candidate)) {
          out.put(name, candidate);
          break;
        }
      }
    }
    return out;
  }

  static long hash(String name) {
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-1").digest(name.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long h = 0;
    for (int i = 0; i < 8; i++) {
      h = (h << 8) | (digest[i] & 0xFF);
    }
    return h;
  }
}
