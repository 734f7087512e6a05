package io.mezzo.dns.server;

import io.mezzo.dns.records.Answer;
import io.mezzo.dns.records.Rcode;
import io.mezzo.dns.records.Rdata;
import io.mezzo.dns.records.ResourceRecord;
import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a reply in wire format straight into a buffer, cutting it to the client's size limit.
 *
 * <p>The question is echoed as received at offset 12. Every name we write is compressed
 * (RFC 1035 4.1.4) against it: owners equal to the question name become {@code C0 0C}, a zone
 * origin that ends the question name points into it. SRV targets are written in full (RFC 2782
 * forbids compressing them), and later names equal to a target (the additional A/AAAA records)
 * point at that copy; SOA and NS data names are compressed. When an answer or authority record
 * does not fit, it and everything after it go and TC is set; additional records that do not fit are
 * just left out. Not thread-safe: one instance per channel.
 */
final class ResponseWriter {
  private static final int CLASS_IN = 1;
  private static final int OPT_SIZE = 11;
  private static final int TYPE_OPT = 41;
  private static final int MAX_POINTER = 0x3FFF;

  private final Map<String, Integer> names = new HashMap<>();
  private ByteBuf out;
  private int base;
  private Query query;

  /** A reply with the question (when readable) and no records: FORMERR, NOTIMP, REFUSED, SERVFAIL. */
  void error(Query q, Rcode rcode, boolean recursionAvailable, ByteBuf buf) {
    begin(q, buf, rcode, false, false, recursionAvailable);
    int ar = 0;
    if (q.edns() >= 0) {
      writeOpt();
      ar = 1;
    }
    counts(0, 0, ar);
    out = null;
  }

  /** The reply to a question in our zones. */
  void answer(Query q, Answer answer, boolean recursionAvailable, boolean setTc, ByteBuf buf) {
    try {
      begin(q, buf, answer.rcode(), true, false, recursionAvailable);
      int limit = base + q.limit() - (q.edns() >= 0 ? OPT_SIZE : 0);
      int an = write(answer.answers(), limit);
      boolean cut = an < answer.answers().size();
      int ns = cut ? 0 : write(answer.authority(), limit);
      cut |= ns < answer.authority().size();
      int ar = cut ? 0 : write(answer.additional(), limit);
      if (q.edns() >= 0) {
        writeOpt();
        ar++;
      }
      if (cut && setTc) {
        out.setByte(base + 2, out.getByte(base + 2) | 0x02);
      }
      counts(an, ns, ar);
    } finally {
      names.clear();
      out = null;
    }
  }

  private void begin(Query q, ByteBuf buf, Rcode rcode, boolean aa, boolean tc, boolean ra) {
    out = buf;
    base = buf.writerIndex();
    query = q;
    int flags = 0x8000 | (q.opcode() << 11) | (aa ? 0x0400 : 0) | (tc ? 0x0200 : 0) | (q.rd() ? 0x0100 : 0)
        | (ra ? 0x0080 : 0) | rcode.code();
    buf.writeShort(q.id()).writeShort(flags).writeShort(q.malformed() ? 0 : 1).writeZero(6);
    if (!q.malformed()) {
      buf.writeBytes(q.question());
    }
  }

  private void counts(int an, int ns, int ar) {
    out.setShort(base + 6, an).setShort(base + 8, ns).setShort(base + 10, ar);
  }

  private int write(List<ResourceRecord> records, int limit) {
    int n = 0;
    for (ResourceRecord rr : records) {
      int mark = out.writerIndex();
      writeRecord(rr);
      if (out.writerIndex() > limit) {
        out.writerIndex(mark);
        int gone = mark - base;
        names.values().removeIf(offset -> offset >= gone);
        return n;
      }
      n++;
    }
    return n;
  }

  private void writeRecord(ResourceRecord rr) {
    writeName(rr.name(), true);
    out.writeShort(rr.type().code()).writeShort(CLASS_IN).writeInt((int) rr.ttl());
    int lengthAt = out.writerIndex();
    out.writeShort(0);
    Rdata data = rr.data();
    if (data instanceof Rdata.Address a) {
      out.writeBytes(a.ip().getAddress());
    } else if (data instanceof Rdata.Srv s) {
      out.writeShort(s.priority()).writeShort(s.weight()).writeShort(s.port());
      writeName(s.target(), false);
    } else if (data instanceof Rdata.Soa s) {
      writeName(s.mname(), true);
      writeName(s.rname(), true);
      out.writeInt((int) s.serial()).writeInt((int) s.refresh()).writeInt((int) s.retry())
          .writeInt((int) s.expire()).writeInt((int) s.minimum());
    } else if (data instanceof Rdata.Ns ns) {
      writeName(ns.host(), true);
    }
    out.setShort(lengthAt, out.writerIndex() - lengthAt - 2);
  }

  /**
   * Writes a fully qualified name (ending in a dot). With {@code compress}, the longest suffix seen
   * before (in the question or an earlier name) becomes a pointer; every name written remembers its
   * own suffixes, so later names can point at them.
   */
  private void writeName(String name, boolean compress) {
    String qname = query.name();
    int at = 0;
    while (at < name.length() && !name.equals(".")) {
      if (compress) {
        int pointer = pointerTo(name, at, qname);
        if (pointer >= 0) {
          out.writeShort(0xC000 | pointer);
          return;
        }
      }
      int offset = out.writerIndex() - base;
      if (offset <= MAX_POINTER) {
        names.putIfAbsent(name.substring(at), offset);
      }
      int dot = name.indexOf('.', at);
      int end = dot < 0 ? name.length() : dot;
      int len = end - at;
      if (len == 0 || len > 63) {
        throw new IllegalArgumentException("Name '" + name + "' has an empty label or one over 63 bytes");
      }
      out.writeByte(len);
      for (int i = at; i < end; i++) {
        out.writeByte(name.charAt(i));
      }
      at = end + 1;
    }
    out.writeByte(0);
  }

  /** Where the suffix of {@code name} from {@code at} already is in the message, or -1. */
  private int pointerTo(String name, int at, String qname) {
    int suffix = name.length() - at;
    if (suffix <= qname.length() && qname.regionMatches(qname.length() - suffix, name, at, suffix)
        && (suffix == qname.length() || qname.charAt(qname.length() - suffix - 1) == '.')) {
      // the question name is echoed from offset 12; text position i is wire offset 12 + i
      return QueryParser.HEADER + qname.length() - suffix;
    }
    if (names.isEmpty()) {
      return -1;
    }
    Integer seen = names.get(at == 0 ? name : name.substring(at));
    return seen == null ? -1 : seen;
  }

  private void writeOpt() {
    out.writeByte(0).writeShort(TYPE_OPT).writeShort(QueryHandler.OUR_EDNS_SIZE).writeInt(0).writeShort(0);
  }
}
