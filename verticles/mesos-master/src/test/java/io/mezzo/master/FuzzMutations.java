package io.mezzo.master;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Body mutations for {@link ApiFuzzTest}: on the JSON tree, on raw bytes, RecordIO framing and huge bodies. */
final class FuzzMutations {
  private static final String[] ENUM_NAMES = {"LAUNCH_ROCKETS", "TASK_EXPLODED", "", "subscribe", "SUBSCRIBE ", "UNKNOWN", "ACCEPT",
      "KILL", "MULTI_ROLE", "SCALAR", "RANGES", "GET_STATE", "TEARDOWN"};

  private FuzzMutations() {
  }

  /** One to three changes somewhere in the tree: values of other types, removed and added keys, unknown enum names, deep nesting. */
  static String mutateTree(Random random, JsonObject root) {
    int changes = 1 + random.nextInt(3);
    for (int i = 0; i < changes; i++) {
      List<Object[]> slots = new ArrayList<>();
      collect(root, slots);
      if (slots.isEmpty()) {
        break;
      }
      Object[] slot = slots.get(random.nextInt(slots.size()));
      Object container = slot[0];
      Object key = slot[1];
      int op = random.nextInt(5);
      if (op == 0 && container instanceof JsonObject o) {
        o.remove((String) key);
      } else if (op == 1 && container instanceof JsonObject o) {
        o.put(random.nextBoolean() ? "unknown_" + random.nextInt(100) : "type", value(random, 0));
      } else if (op == 2) {
        set(container, key, ENUM_NAMES[random.nextInt(ENUM_NAMES.length)]);
      } else {
        set(container, key, value(random, 0));
      }
    }
    String text = root.encode();
    if (random.nextInt(40) == 0) {
      int depth = 50 + random.nextInt(5000);
      text = "{\"type\":\"SUBSCRIBE\",\"subscribe\":" + "{\"x\":".repeat(depth) + "1" + "}".repeat(depth) + "}";
    }
    return text;
  }

  private static void collect(Object node, List<Object[]> slots) {
    if (node instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) {
        slots.add(new Object[] {o, e.getKey()});
        collect(e.getValue(), slots);
      }
    } else if (node instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        slots.add(new Object[] {a, i});
        collect(a.getValue(i), slots);
      }
    }
  }

  private static void set(Object container, Object key, Object value) {
    if (container instanceof JsonObject o) {
      o.put((String) key, value);
    } else {
      ((JsonArray) container).set((Integer) key, value);
    }
  }

  private static Object value(Random random, int depth) {
    return switch (random.nextInt(depth > 2 ? 8 : 10)) {
      case 0 -> null;
      case 1 -> random.nextBoolean();
      case 2 -> random.nextLong();
      case 3 -> -random.nextDouble() * 1e300;
      case 4 -> "x".repeat(random.nextInt(5000));
      case 5 -> "9".repeat(40);
      case 6 -> ENUM_NAMES[random.nextInt(ENUM_NAMES.length)];
      case 7 -> "\u0000\ud800\uffff";
      case 8 -> new JsonArray().add(value(random, depth + 1)).add(value(random, depth + 1));
      default -> new JsonObject().put("value", value(random, depth + 1));
    };
  }

  /** Flips, inserts, deletes, duplicates or truncates bytes. */
  static byte[] mutateBytes(Random random, byte[] original) {
    byte[] b = original.clone();
    int changes = 1 + random.nextInt(4);
    for (int i = 0; i < changes && b.length > 0; i++) {
      int at = random.nextInt(b.length);
      switch (random.nextInt(5)) {
        case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
        case 1 -> b[at] = (byte) random.nextInt(256);
        case 2 -> b = Arrays.copyOf(b, at);
        case 3 -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          out.write(b, 0, at);
          byte[] junk = new byte[1 + random.nextInt(16)];
          random.nextBytes(junk);
          out.writeBytes(junk);
          out.write(b, at, b.length - at);
          b = out.toByteArray();
        }
        default -> {
          int len = Math.min(b.length - at, 1 + random.nextInt(64));
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          out.write(b, 0, at + len);
          out.write(b, at, b.length - at);
          b = out.toByteArray();
        }
      }
    }
    return b;
  }

  /** The body framed as RecordIO records (right, wrong or absurd lengths), sometimes truncated. */
  static byte[] recordIo(Random random, byte[] record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int records = 1 + random.nextInt(3);
    for (int i = 0; i < records; i++) {
      String length = switch (random.nextInt(4)) {
        case 0 -> Integer.toString(record.length);
        case 1 -> Integer.toString(record.length + random.nextInt(100) - 50);
        case 2 -> "99999999999999999999999";
        default -> "-1";
      };
      out.writeBytes((length + "\n").getBytes(UTF_8));
      out.writeBytes(record);
    }
    byte[] b = out.toByteArray();
    return random.nextBoolean() ? Arrays.copyOf(b, random.nextInt(b.length + 1)) : b;
  }

  /** A body somewhat above the limit: a long JSON document or plain garbage. */
  static byte[] huge(Random random, int limit) {
    int size = limit + 1 + random.nextInt(limit * 3);
    byte[] b = new byte[size];
    if (random.nextBoolean()) {
      random.nextBytes(b);
    } else {
      byte[] head = "{\"type\":\"SUBSCRIBE\",\"padding\":\"".getBytes(UTF_8);
      Arrays.fill(b, (byte) 'a');
      System.arraycopy(head, 0, b, 0, head.length);
      b[size - 2] = '"';
      b[size - 1] = '}';
    }
    return b;
  }
}
