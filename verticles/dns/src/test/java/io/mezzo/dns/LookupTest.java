package io.mezzo.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.dns.records.Answer;
import io.mezzo.dns.records.DnsRecords;
import io.mezzo.dns.records.Lookup;
import io.mezzo.dns.records.Rcode;
import io.mezzo.dns.records.RecordType;
import io.mezzo.dns.records.ResourceRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LookupTest {
  private final DnsRecords records = Fixtures.records();
  private final Lookup lookup = new Lookup(new Random(7));

  private Answer ask(String name, RecordType type) {
    return lookup.answer(records, name, type.code());
  }

  @Test
  void a_existingName_noErrorWithAnswers() {
    Answer a = ask("NGINX.Marathon.Mesos", RecordType.A);
    assertThat(a.authoritative()).isTrue();
    assertThat(a.rcode()).isEqualTo(Rcode.NOERROR);
    assertThat(a.answers()).extracting(r -> r.data().toString()).containsExactly("9.0.0.5");
  }

  @Test
  void a_unknownNameInMesos_nxdomainWithSoaInAuthority() {
    Answer a = ask("nope.marathon.mesos.", RecordType.A);
    assertThat(a.rcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(a.answers()).isEmpty();
    assertThat(a.authority()).singleElement().extracting(ResourceRecord::type).isEqualTo(RecordType.SOA);
  }

  @Test
  void aaaa_nameWithOnlyA_nodataWithSoa() {
    Answer a = ask("nginx.marathon.mesos.", RecordType.AAAA);
    assertThat(a.rcode()).isEqualTo(Rcode.NOERROR);
    assertThat(a.answers()).isEmpty();
    assertThat(a.authority()).singleElement().extracting(ResourceRecord::type).isEqualTo(RecordType.SOA);
  }

  @Test
  void a_emptyNonTerminal_nodataNotNxdomain() {
    assertThat(ask("marathon.slave.mesos.", RecordType.A).rcode()).isEqualTo(Rcode.NOERROR);
    assertThat(ask("_tcp.marathon.mesos.", RecordType.A).rcode()).isEqualTo(Rcode.NOERROR);
  }

  @Test
  void srv_unknownNameInMesos_noErrorWithEmptyAuthority() {
    Answer a = ask("_nope._tcp.marathon.mesos.", RecordType.SRV);
    assertThat(a.rcode()).isEqualTo(Rcode.NOERROR);
    assertThat(a.answers()).isEmpty();
    assertThat(a.authority()).isEmpty();
  }

  @Test
  void soaAndNs_unknownNameInMesos_noErrorWithSoa() {
    assertThat(ask("nope.mesos.", RecordType.SOA).rcode()).isEqualTo(Rcode.NOERROR);
    assertThat(ask("nope.mesos.", RecordType.NS).authority()).hasSize(1);
  }

  @Test
  void srv_unknownNameInThisdcos_nxdomainByTheRfcRule() {
    Answer a = ask("_nope._tcp.dcos.thisdcos.directory.", RecordType.SRV);
    assertThat(a.rcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(a.authority()).hasSize(1);
  }

  @Test
  void unsupportedType_existingName_nodata() {
    Answer a = lookup.answer(records, "nginx.marathon.mesos.", 16);
    assertThat(a.rcode()).isEqualTo(Rcode.NOERROR);
    assertThat(a.answers()).isEmpty();
  }

  @Test
  void srv_answer_additionalHoldsTargetAddresses() {
    Answer a = ask("_nginx._tcp.marathon.mesos.", RecordType.SRV);
    assertThat(a.answers()).hasSize(1);
    assertThat(a.additional()).extracting(r -> r.data().toString()).containsExactly("9.0.0.5");
  }

  @Test
  void any_apex_soaAndNs() {
    Answer a = ask("mesos.", RecordType.ANY);
    assertThat(a.answers()).extracting(ResourceRecord::type).containsExactlyInAnyOrder(RecordType.SOA, RecordType.NS);
  }

  @Test
  void foreignName_notOurs_notAuthoritative() {
    assertThat(ask("example.com.", RecordType.A).authoritative()).isFalse();
    assertThat(ask("mesos.example.com.", RecordType.A).authoritative()).isFalse();
  }

  @Test
  void a_severalRecords_orderShuffledAcrossReplies() {
    Set<List<String>> orders = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      orders.add(ask("slave.mesos.", RecordType.A).answers().stream().map(r -> r.data().toString()).toList());
    }
    assertThat(orders).hasSizeGreaterThan(1);
    assertThat(orders).allMatch(o -> o.size() == 3);
  }
}
