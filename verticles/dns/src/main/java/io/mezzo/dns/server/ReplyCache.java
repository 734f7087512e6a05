package io.mezzo.dns.server;

import io.mezzo.dns.records.DnsRecords;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;

/**
 * Encoded UDP replies to recent questions of our zones, for one channel (one event loop, so no
 * locking). A reply depends only on the snapshot, the question (name without letter case, type,
 * class) and the client's size limit and EDNS0 presence, so those are the key; the ID, the RD bit
 * and the question as received (its letter case) are patched into a copy for each reply.
 *
 * <p>Keys are the question's wire bytes with the name's letters lower-cased, and a lookup reads them
 * straight from the received datagram: answering from the cache allocates only the reply buffer.
 * The name bytes of a key are printable ASCII without dots inside labels (what {@link QueryParser}
 * accepts), and a lookup compares case-folded bytes against them, so only a question the parser
 * accepts can match. Each entry is one array (use count, sizes, key, encodings) in an open-addressed
 * table beside an array of the keys' hashes, so a lookup touches few cache lines.
 *
 * <p>Records change only by a new {@link DnsRecords} snapshot, and the first lookup under a new
 * snapshot empties the cache, so a reply never outlives the records it came from. TTLs in our zones
 * are fixed, so a cached reply's TTLs are still right. Replies with several answers keep
 * {@link #SHUFFLES} differently shuffled encodings and hand them out in turn; after
 * {@link #REUSES} replies the lookup misses, and the reply written then (shuffled afresh) takes the
 * entry's place. The cache holds at most {@link #MAX_BYTES} of replies; when full it starts over.
 */
final class ReplyCache {
  static final int SHUFFLES = 4;
  static final int REUSES = 64;
  static final int MAX_BYTES = 4 << 20;
  private static final int MIN_SLOTS = 1 << 10;
  private static final int MAX_SLOTS = 1 << 18;
  // an entry: [0] uses, [1] encodings, [2..3] limit | EDNS bit, [4..5] key length, key, then each
  // encoding as a 2-byte length and its bytes
  private static final int USES = 0;
  private static final int COUNT = 1;
  private static final int LIMIT = 2;
  private static final int KEY_LENGTH = 4;
  private static final int KEY = 6;
  private static final int EDNS_BIT = 0x8000;

  private int[] hashes = new int[MIN_SLOTS];
  private byte[][] entries = new byte[MIN_SLOTS][];
  private int size;
  private DnsRecords snapshot;
  private long bytes;
  /** The entry found by the last {@link #find}. */
  private byte[] found;

  /**
   * The reply to the query in {@code query} (a datagram's bytes from offset 0, its question of
   * {@code questionLength} bytes at offset 12), written into a new buffer with the query's ID, RD
   * bit and question; null when not cached.
   */
  ByteBuf reply(DnsRecords current, byte[] query, int questionLength, int limit, boolean edns, ByteBufAllocator alloc) {
    int at = find(current, query, questionLength, limit, edns);
    if (at < 0) {
      return null;
    }
    ByteBuf out = alloc.ioBuffer(u16(found, at));
    copy(query, questionLength, at, out);
    return out;
  }

  /**
   * {@link #reply}, written into {@code out} at its writer index (which must have room for
   * {@link QueryHandler#UDP_MAX} bytes); false, with nothing written, when not cached.
   */
  boolean replyTo(DnsRecords current, byte[] query, int questionLength, int limit, boolean edns, ByteBuf out) {
    int at = find(current, query, questionLength, limit, edns);
    if (at < 0) {
      return false;
    }
    copy(query, questionLength, at, out);
    return true;
  }

  /** Where in the matching entry ({@link #found}) the encoding to send starts; -1 when there is none. */
  private int find(DnsRecords current, byte[] query, int questionLength, int limit, boolean edns) {
    if (current != snapshot) {
      clear(current);
      return -1;
    }
    int sizes = limit | (edns ? EDNS_BIT : 0);
    int hash = hash(query, QueryParser.HEADER, questionLength, sizes);
    int mask = hashes.length - 1;
    for (int slot = hash & mask; hashes[slot] != 0; slot = (slot + 1) & mask) {
      byte[] e;
      if (hashes[slot] == hash && matches(e = entries[slot], query, questionLength, sizes)) {
        int at = KEY + questionLength;
        int count = e[COUNT];
        if (count > 1) {
          int use = e[USES];
          if (use >= REUSES) {
            return -1;
          }
          e[USES] = (byte) (use + 1);
          for (int skip = use % count; skip > 0; skip--) {
            at += 2 + u16(e, at);
          }
        }
        found = e;
        return at;
      }
    }
    return -1;
  }

  /** Writes the encoding at {@code at} of {@link #found} with the query's ID, RD bit and question. */
  private void copy(byte[] query, int questionLength, int at, ByteBuf out) {
    byte[] e = found;
    int length = u16(e, at);
    int base = out.writerIndex();
    out.writeBytes(e, at + 2, length);
    out.setByte(base, query[0]);
    out.setByte(base + 1, query[1]);
    out.setByte(base + 2, (e[at + 4] & 0xFE) | (query[2] & 1));
    out.setBytes(base + QueryParser.HEADER, query, QueryParser.HEADER, questionLength);
  }

  /** {@link #reply} for a parsed UDP query. */
  ByteBuf reply(DnsRecords current, Query q, ByteBufAllocator alloc) {
    byte[] question = q.question();
    byte[] query = new byte[QueryParser.HEADER + question.length];
    query[0] = (byte) (q.id() >> 8);
    query[1] = (byte) q.id();
    query[2] = (byte) (q.rd() ? 1 : 0);
    System.arraycopy(question, 0, query, QueryParser.HEADER, question.length);
    return reply(current, query, question.length, q.limit(), q.edns() >= 0, alloc);
  }

  /** Remembers the encodings of the reply to {@code q} (one, or {@link #SHUFFLES} when shuffled). */
  void put(DnsRecords current, Query q, byte[][] variants) {
    if (current != snapshot) {
      clear(current);
    }
    byte[] question = q.question();
    int length = KEY + question.length;
    for (byte[] v : variants) {
      length += 2 + v.length;
    }
    if (bytes + length > MAX_BYTES) {
      clear(current);
    }
    byte[] e = new byte[length];
    e[COUNT] = (byte) variants.length;
    int sizes = q.limit() | (q.edns() >= 0 ? EDNS_BIT : 0);
    e[LIMIT] = (byte) (sizes >> 8);
    e[LIMIT + 1] = (byte) sizes;
    e[KEY_LENGTH] = (byte) (question.length >> 8);
    e[KEY_LENGTH + 1] = (byte) question.length;
    int nameEnd = question.length - 4;
    for (int i = 0; i < question.length; i++) {
      e[KEY + i] = i < nameEnd ? lower(question[i]) : question[i];
    }
    int at = KEY + question.length;
    for (byte[] v : variants) {
      e[at] = (byte) (v.length >> 8);
      e[at + 1] = (byte) v.length;
      System.arraycopy(v, 0, e, at + 2, v.length);
      at += 2 + v.length;
    }
    int hash = hash(e, KEY, question.length, sizes);
    int mask = hashes.length - 1;
    int slot = hash & mask;
    while (hashes[slot] != 0) {
      if (hashes[slot] == hash && matches(entries[slot], e, KEY - QueryParser.HEADER, question.length, sizes)) {
        bytes += length - entries[slot].length;
        entries[slot] = e;
        return;
      }
      slot = (slot + 1) & mask;
    }
    hashes[slot] = hash;
    entries[slot] = e;
    bytes += length;
    if (++size > hashes.length >> 1) {
      if (hashes.length < MAX_SLOTS) {
        grow();
      } else {
        clear(current);
      }
    }
  }

  int size() {
    return size;
  }

  private void grow() {
    int[] oldHashes = hashes;
    byte[][] oldEntries = entries;
    hashes = new int[oldHashes.length << 1];
    entries = new byte[hashes.length][];
    int mask = hashes.length - 1;
    for (int i = 0; i < oldHashes.length; i++) {
      if (oldHashes[i] != 0) {
        int slot = oldHashes[i] & mask;
        while (hashes[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        hashes[slot] = oldHashes[i];
        entries[slot] = oldEntries[i];
      }
    }
  }

  private void clear(DnsRecords current) {
    if (size > 0) {
      hashes = new int[MIN_SLOTS];
      entries = new byte[MIN_SLOTS][];
    }
    size = 0;
    bytes = 0;
    snapshot = current;
  }

  /**
   * Hash of the question {@code in[from, from + length)} with the name's letters folded to lower
   * case (the last 4 bytes are type and class) and the size limits; never 0 (0 marks a free slot).
   */
  private static int hash(byte[] in, int from, int length, int sizes) {
    int h = sizes;
    int nameEnd = from + length - 4;
    for (int i = from; i < nameEnd; i++) {
      h = h * 31 + lower(in[i]);
    }
    for (int i = nameEnd; i < from + length; i++) {
      h = h * 31 + in[i];
    }
    h ^= h >>> 16;
    return h == 0 ? 1 : h;
  }

  private static boolean matches(byte[] e, byte[] query, int questionLength, int sizes) {
    return matches(e, query, 0, questionLength, sizes);
  }

  /** Whether entry {@code e} is for the question at {@code in[shift + 12]} of that length and sizes. */
  private static boolean matches(byte[] e, byte[] in, int shift, int questionLength, int sizes) {
    if (u16(e, KEY_LENGTH) != questionLength || u16(e, LIMIT) != sizes) {
      return false;
    }
    int from = shift + QueryParser.HEADER;
    int nameEnd = questionLength - 4;
    for (int i = 0; i < nameEnd; i++) {
      if (e[KEY + i] != lower(in[from + i])) {
        return false;
      }
    }
    return Arrays.equals(e, KEY + nameEnd, KEY + questionLength, in, from + nameEnd, from + questionLength);
  }

  private static int u16(byte[] b, int at) {
    return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
  }

  private static byte lower(byte b) {
    return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
  }
}
