package io.mezzo.dns.server;

import io.mezzo.dns.records.DnsRecords;
import java.util.HashMap;
import java.util.Map;

/**
 * Encoded UDP replies to recent questions of our zones, for one channel (one event loop, so no
 * locking). A reply depends only on the snapshot, the question name, type and class, and the
 * client's size limit and EDNS0 presence, so those are the key; the ID, the RD bit and the question
 * as received (its letter case) are patched into a copy for each reply.
 *
 * <p>Records change only by a new {@link DnsRecords} snapshot, and the first lookup under a new
 * snapshot empties the cache, so a reply never outlives the records it came from. TTLs in our zones
 * are fixed, so a cached reply's TTLs are still right. Replies with several answers keep
 * {@link #SHUFFLES} differently shuffled encodings and hand them out in turn; after
 * {@link #REUSES} replies the entry is dropped and the next question shuffles afresh. The cache holds
 * at most {@link #MAX_BYTES} of replies; when full it starts over.
 */
final class ReplyCache {
  static final int SHUFFLES = 4;
  static final int REUSES = 64;
  static final int MAX_BYTES = 4 << 20;

  private record Key(String name, int type, int dnsClass, int limit, boolean edns) {
  }

  private static final class Entry {
    final byte[][] variants;
    int uses;

    Entry(byte[][] variants) {
      this.variants = variants;
    }
  }

  private final Map<Key, Entry> entries = new HashMap<>();
  private DnsRecords snapshot;
  private long bytes;

  /** The encoded reply to {@code q} under {@code current} (ID and question not yet patched), or null. */
  byte[] get(DnsRecords current, Query q) {
    if (current != snapshot) {
      clear(current);
      return null;
    }
    Key key = key(q);
    Entry e = entries.get(key);
    if (e == null) {
      return null;
    }
    int use = e.uses++;
    if (e.variants.length > 1 && e.uses >= REUSES) {
      entries.remove(key);
    }
    return e.variants[use % e.variants.length];
  }

  /** Remembers the encodings of the reply to {@code q} (one, or {@link #SHUFFLES} when shuffled). */
  void put(DnsRecords current, Query q, byte[][] variants) {
    if (current != snapshot) {
      clear(current);
    }
    long size = 0;
    for (byte[] v : variants) {
      size += v.length;
    }
    if (bytes + size > MAX_BYTES) {
      clear(current);
    }
    if (entries.put(key(q), new Entry(variants)) == null) {
      bytes += size;
    }
  }

  int size() {
    return entries.size();
  }

  private void clear(DnsRecords current) {
    entries.clear();
    bytes = 0;
    snapshot = current;
  }

  private static Key key(Query q) {
    return new Key(q.name(), q.type(), q.dnsClass(), q.limit(), q.edns() >= 0);
  }

  /** Writes {@code reply} for {@code q}: its ID, its RD bit and its question as received. */
  static void patch(byte[] reply, Query q, io.netty.buffer.ByteBuf out) {
    int at = out.writerIndex();
    out.writeBytes(reply);
    out.setShort(at, q.id());
    out.setByte(at + 2, (reply[2] & 0xFE) | (q.rd() ? 1 : 0));
    out.setBytes(at + QueryParser.HEADER, q.question());
  }
}
