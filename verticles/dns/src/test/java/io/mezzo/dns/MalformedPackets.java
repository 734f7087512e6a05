package io.mezzo.dns;

import io.mezzo.dns.server.Wire;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Malformed DNS messages for the fuzz tests, each kind with the answer a careful server gives:
 * FORMERR when the 12-byte header is readable, silence when it is not or when the message claims to
 * be a response.
 */
final class MalformedPackets {
  static final List<String> NAMES = List.of("nginx.marathon.mesos.", "_nginx._tcp.marathon.mesos.", "mesos.",
      "big.marathon.mesos.", "www.example.test.", "nope.mesos.", "leader.dcos.thisdcos.directory.");
  private static final int[] TYPES = {1, 28, 33, 6, 2, 255, 16};

  enum Kind {
    ZERO_LENGTH(false), TRUNCATED_HEADER(false), RESPONSE_BIT(false), TRUNCATED_QUESTION(true),
    POINTER_LOOP(true), TWO_POINTER_LOOP(true), COUNTS_PAST_END(true), OVERSIZED_NAME(true), LABEL_OVER_63(true),
    BINARY_LABEL(true);

    /** True when the server answers FORMERR, false when it stays silent. */
    final boolean formerr;

    Kind(boolean formerr) {
      this.formerr = formerr;
    }
  }

  private MalformedPackets() {
  }

  static byte[] valid(Random rnd, int id) {
    return Wire.query(id, rnd.nextBoolean(), NAMES.get(rnd.nextInt(NAMES.size())), TYPES[rnd.nextInt(TYPES.length)], 1,
        rnd.nextBoolean() ? 1232 : -1);
  }

  /** A message of the given kind with the given ID (where it has a header). */
  static byte[] of(Kind kind, Random rnd, int id) {
    byte[] q = valid(rnd, id);
    return switch (kind) {
      case ZERO_LENGTH -> new byte[0];
      case TRUNCATED_HEADER -> Arrays.copyOf(q, 1 + rnd.nextInt(11));
      case RESPONSE_BIT -> {
        q[2] |= (byte) 0x80;
        yield q;
      }
      case TRUNCATED_QUESTION -> Arrays.copyOf(Wire.query(id, false, "leader.mesos.", 1, 1, -1), 12 + rnd.nextInt(17));
      case POINTER_LOOP -> header(id, 0, (byte) 0xC0, 12, 0, 1, 0, 1);
      case TWO_POINTER_LOOP -> header(id, 0, (byte) 1, (byte) 'a', (byte) 0xC0, 16, (byte) 1, (byte) 'b', (byte) 0xC0, 12,
          0, 1, 0, 1);
      case COUNTS_PAST_END -> {
        int field = 6 + 2 * rnd.nextInt(3);
        q[field] = (byte) (1 + rnd.nextInt(255));
        q[field + 1] = (byte) rnd.nextInt(256);
        yield q;
      }
      case OVERSIZED_NAME -> {
        String label = "x".repeat(63);
        yield Wire.query(id, true, String.join(".", label, label, label, label, label) + ".", 1, 1, -1);
      }
      case LABEL_OVER_63 -> {
        int len = 64 + rnd.nextInt(128);
        byte[] body = new byte[1 + len + 1 + 4];
        body[0] = (byte) len;
        Arrays.fill(body, 1, 1 + len, (byte) 'a');
        body[body.length - 3] = 1;
        body[body.length - 1] = 1;
        yield header(id, 0, body);
      }
      case BINARY_LABEL -> header(id, 0, (byte) 3, (byte) 'a', (byte) 0, (byte) 'b', 5, (byte) 'm', (byte) 'e',
          (byte) 's', (byte) 'o', (byte) 's', 0, 0, 1, 0, 1);
    };
  }

  /** Anything: random bytes, valid queries with random bytes changed, or one of the kinds above. */
  static byte[] any(Random rnd) {
    int pick = rnd.nextInt(4);
    if (pick == 0) {
      byte[] b = new byte[rnd.nextInt(700)];
      rnd.nextBytes(b);
      return b;
    }
    if (pick == 1) {
      byte[] q = valid(rnd, rnd.nextInt(0x10000));
      for (int m = 1 + rnd.nextInt(4); m > 0; m--) {
        q[rnd.nextInt(q.length)] = (byte) rnd.nextInt(256);
      }
      return q;
    }
    Kind[] kinds = Kind.values();
    return of(kinds[rnd.nextInt(kinds.length)], rnd, rnd.nextInt(0x10000));
  }

  /** A one-question header (no RD) followed by {@code body}. */
  private static byte[] header(int id, int ar, byte... body) {
    byte[] m = new byte[12 + body.length];
    m[0] = (byte) (id >> 8);
    m[1] = (byte) id;
    m[5] = 1;
    m[11] = (byte) ar;
    System.arraycopy(body, 0, m, 12, body.length);
    return m;
  }

  private static byte[] header(int id, int ar, int... body) {
    byte[] b = new byte[body.length];
    for (int i = 0; i < body.length; i++) {
      b[i] = (byte) body[i];
    }
    return header(id, ar, b);
  }
}
