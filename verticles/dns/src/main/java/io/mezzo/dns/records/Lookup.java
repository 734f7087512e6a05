package io.mezzo.dns.records;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Answers a question from a {@link DnsRecords} snapshot.
 *
 * <p>Empty answers follow Mesos-DNS in the Mesos zone: SRV, SOA and NS questions give NOERROR (SRV
 * without authority, SOA/NS with the SOA); other types give NODATA (NOERROR with the SOA) when the
 * name exists with another type and NXDOMAIN (with the SOA) otherwise. In {@code thisdcos.directory}
 * the plain rule applies to every type. A name "exists" when it owns records or lies above names
 * that do (an empty non-terminal). Answers are shuffled on every call; SRV answers carry the A/AAAA
 * records of their targets in the additional section. Safe for concurrent use when the random is.
 */
public final class Lookup {
  private static final Set<RecordType> ANY = EnumSet.of(RecordType.A, RecordType.AAAA, RecordType.SRV,
      RecordType.SOA, RecordType.NS);

  private final Random random;

  public Lookup(Random random) {
    this.random = random;
  }

  /**
   * @param qtype the wire type code; types we hold no records of (MX, TXT...) are answered as empty
   */
  public Answer answer(DnsRecords records, String qname, int qtype) {
    String name = normalize(qname);
    Zone zone = records.zoneFor(name);
    if (zone == null) {
      return Answer.NOT_OURS;
    }
    RecordType type = RecordType.of(qtype);
    List<ResourceRecord> owned = zone.records(name);
    if (owned.size() == 1 && owned.get(0).type() == type && type != RecordType.SRV) {
      // the common case (one A record): nothing to shuffle and no targets to add
      return new Answer(true, Rcode.NOERROR, owned, List.of(), List.of());
    }
    List<ResourceRecord> answers = new ArrayList<>();
    for (ResourceRecord rr : owned) {
      if (type == RecordType.ANY ? ANY.contains(rr.type()) : rr.type() == type) {
        answers.add(rr);
      }
    }
    if (!answers.isEmpty()) {
      Collections.shuffle(answers, random);
      return new Answer(true, Rcode.NOERROR, answers, List.of(),
          type == RecordType.SRV || type == RecordType.ANY ? additional(records, answers) : List.of());
    }
    boolean special = type == RecordType.SRV || type == RecordType.SOA || type == RecordType.NS;
    if (zone.mesosDnsEmpty() && special) {
      return new Answer(true, Rcode.NOERROR, List.of(), type == RecordType.SRV ? List.of() : List.of(zone.soa()),
          List.of());
    }
    Rcode rcode = zone.exists(name) ? Rcode.NOERROR : Rcode.NXDOMAIN;
    return new Answer(true, rcode, List.of(), List.of(zone.soa()), List.of());
  }

  private static List<ResourceRecord> additional(DnsRecords records, List<ResourceRecord> answers) {
    Set<String> targets = new LinkedHashSet<>();
    for (ResourceRecord rr : answers) {
      if (rr.data() instanceof Rdata.Srv srv) {
        targets.add(srv.target());
      }
    }
    List<ResourceRecord> extra = new ArrayList<>();
    for (String target : targets) {
      for (ResourceRecord rr : records.records(target)) {
        if (rr.type() == RecordType.A || rr.type() == RecordType.AAAA) {
          extra.add(rr);
        }
      }
    }
    return extra;
  }

  /** Lower-case with exactly one trailing dot. */
  public static String normalize(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n : n + ".";
  }
}
