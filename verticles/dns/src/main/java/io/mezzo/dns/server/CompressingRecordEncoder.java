package io.mezzo.dns.server;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.dns.DefaultDnsRecordEncoder;
import java.util.HashMap;
import java.util.Map;

/**
 * Netty's record encoder with name compression (RFC 1035 4.1.4), which Netty's own encoder does
 * not do. Names in the question and in record owners point back at earlier copies of the same
 * suffix; record data is written as prepared (uncompressed).
 *
 * <p>Netty's message encoders write the 12-byte header and then every name of a message into one
 * buffer, so the first name of a message always starts at {@code prefix + 12}, where the prefix is
 * 0 for UDP and 2 (the length field) for TCP. That is where the table of suffix offsets is reset.
 * One instance per channel pipeline: it keeps per-message state.
 */
final class CompressingRecordEncoder extends DefaultDnsRecordEncoder {
  private static final int HEADER = 12;
  private static final int MAX_POINTER = 0x3FFF;

  private final int prefix;
  private final Map<String, Integer> offsets = new HashMap<>();

  CompressingRecordEncoder(int prefix) {
    this.prefix = prefix;
  }

  @Override
  protected void encodeName(String name, ByteBuf out) {
    if (out.writerIndex() == prefix + HEADER) {
      offsets.clear();
    }
    if (name.isEmpty() || name.equals(".")) {
      out.writeByte(0);
      return;
    }
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    String[] labels = n.split("\\.", -1);
    for (int i = 0; i < labels.length; i++) {
      String suffix = i == 0 ? n : String.join(".", java.util.Arrays.copyOfRange(labels, i, labels.length));
      Integer at = offsets.get(suffix);
      if (at != null) {
        out.writeShort(0xC000 | at);
        return;
      }
      int here = out.writerIndex() - prefix;
      if (here <= MAX_POINTER) {
        offsets.put(suffix, here);
      }
      Wire.writeLabel(labels[i], out);
    }
    out.writeByte(0);
  }
}
