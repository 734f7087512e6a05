package io.mezzo.dns.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DnsRecordType;
import java.nio.charset.StandardCharsets;

/** Wire-format helpers for the queries sent upstream. Names here are never compressed. */
public final class Wire {
  public static final int CLASS_IN = 1;

  private Wire() {
  }

  /** Writes a name label by label, without compression. */
  public static void writeName(String name, ByteBuf out) {
    if (name.isEmpty() || name.equals(".")) {
      out.writeByte(0);
      return;
    }
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    for (String label : n.split("\\.", -1)) {
      writeLabel(label, out);
    }
    out.writeByte(0);
  }

  static void writeLabel(String label, ByteBuf out) {
    byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
    if (bytes.length == 0 || bytes.length > 63) {
      throw new IllegalArgumentException("Label '" + label + "' is empty or longer than 63 bytes");
    }
    out.writeByte(bytes.length).writeBytes(bytes);
  }

  /**
   * A one-question query for an upstream.
   *
   * @param optPayload the client's EDNS0 UDP size to pass on, or -1 to send no OPT record
   */
  public static byte[] query(int id, boolean recursionDesired, String name, int type, int dnsClass, int optPayload) {
    ByteBuf buf = Unpooled.buffer(64);
    buf.writeShort(id).writeShort(recursionDesired ? 0x0100 : 0).writeShort(1).writeShort(0).writeShort(0)
        .writeShort(optPayload >= 0 ? 1 : 0);
    writeName(name, buf);
    buf.writeShort(type).writeShort(dnsClass);
    if (optPayload >= 0) {
      buf.writeByte(0).writeShort(DnsRecordType.OPT.intValue()).writeShort(Math.max(512, optPayload)).writeInt(0)
          .writeShort(0);
    }
    byte[] bytes = new byte[buf.readableBytes()];
    buf.readBytes(bytes);
    return bytes;
  }
}
