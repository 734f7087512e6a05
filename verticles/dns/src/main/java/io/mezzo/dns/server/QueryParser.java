package io.mezzo.dns.server;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * Reads a DNS query message strictly and without ever following a compression pointer, so no input
 * can make it loop or read outside the message.
 *
 * <ul>
 *   <li>Fewer than 12 bytes, or the QR bit set (a response, which must never be answered): dropped, null.
 *   <li>Any other flaw once the header is read gives a {@link Query#malformed()} query (FORMERR): not
 *       exactly one question; a question name that is compressed, has a label over 63 bytes or of an
 *       unknown kind, is longer than 255 bytes, or holds bytes other than printable ASCII or a dot;
 *       sections that run past the end of the message (counts larger than the packet); more than one
 *       OPT record.
 * </ul>
 * Opcodes other than QUERY are returned without their question (the server answers NOTIMP).
 */
public final class QueryParser {
  static final int HEADER = 12;
  private static final int MAX_NAME = 255;
  private static final int TYPE_OPT = 41;

  private QueryParser() {
  }

  /** Parses the readable bytes of {@code in} without moving its reader index. */
  public static Query parse(ByteBuf in, InetSocketAddress client, InetSocketAddress local) {
    int start = in.readerIndex();
    int end = in.writerIndex();
    if (end - start < HEADER) {
      return null;
    }
    int id = in.getUnsignedShort(start);
    int flags = in.getUnsignedShort(start + 2);
    if ((flags & 0x8000) != 0) {
      return null;
    }
    int opcode = (flags >> 11) & 0xF;
    boolean rd = (flags & 0x0100) != 0;
    Query bad = new Query(id, opcode, rd, null, 0, 0, -1, null, client, local);
    int qd = in.getUnsignedShort(start + 4);
    int others = in.getUnsignedShort(start + 6) + in.getUnsignedShort(start + 8);
    int ar = in.getUnsignedShort(start + 10);
    if (opcode != Query.OPCODE_QUERY || qd != 1) {
      return bad;
    }
    int pos = start + HEADER;
    StringBuilder name = new StringBuilder(48);
    while (true) {
      if (pos >= end) {
        return bad;
      }
      int len = in.getUnsignedByte(pos);
      if (len == 0) {
        pos++;
        break;
      }
      if (len > 63 || pos + 1 + len > end || pos + 1 + len - (start + HEADER) >= MAX_NAME) {
        return bad;
      }
      for (int i = pos + 1; i <= pos + len; i++) {
        int c = in.getUnsignedByte(i);
        if (c <= 0x20 || c >= 0x7F || c == '.') {
          return bad;
        }
        name.append((char) (c >= 'A' && c <= 'Z' ? c + 32 : c));
      }
      name.append('.');
      pos += 1 + len;
    }
    if (name.isEmpty()) {
      name.append('.');
    }
    if (pos + 4 > end) {
      return bad;
    }
    int type = in.getUnsignedShort(pos);
    int dnsClass = in.getUnsignedShort(pos + 2);
    pos += 4;
    byte[] question = new byte[pos - (start + HEADER)];
    in.getBytes(start + HEADER, question);
    int edns = -1;
    for (int r = 0; r < others + ar; r++) {
      int rrStart = pos;
      pos = skipName(in, pos, end);
      if (pos < 0 || pos + 10 > end) {
        return bad;
      }
      int rrType = in.getUnsignedShort(pos);
      int rrClass = in.getUnsignedShort(pos + 2);
      int rdLength = in.getUnsignedShort(pos + 8);
      pos += 10 + rdLength;
      if (pos > end) {
        return bad;
      }
      if (rrType == TYPE_OPT && r >= others) {
        if (edns >= 0 || in.getUnsignedByte(rrStart) != 0) {
          return bad;
        }
        edns = rrClass;
      }
    }
    return new Query(id, opcode, rd, name.toString(), type, dnsClass, edns, question, client, local);
  }

  /** The index after a possibly compressed name, or -1; pointers end a name and are not followed. */
  private static int skipName(ByteBuf in, int pos, int end) {
    int length = 0;
    while (pos < end) {
      int len = in.getUnsignedByte(pos);
      if ((len & 0xC0) == 0xC0) {
        return pos + 2 <= end ? pos + 2 : -1;
      }
      if (len > 63) {
        return -1;
      }
      if (len == 0) {
        return pos + 1;
      }
      length += len + 1;
      pos += len + 1;
      if (length >= MAX_NAME) {
        return -1;
      }
    }
    return -1;
  }
}
