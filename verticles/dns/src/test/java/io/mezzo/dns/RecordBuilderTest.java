package io.mezzo.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.dns.records.DnsRecords;
import io.mezzo.dns.records.Rdata;
import io.mezzo.dns.records.RecordBuilder;
import io.mezzo.dns.records.RecordType;
import io.mezzo.dns.records.RecordsOptions;
import io.mezzo.dns.records.ResourceRecord;
import io.mezzo.dns.records.ZBase32;
import io.mezzo.mesos.client.cluster.TaskEvent;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordBuilderTest {
  private static final String NGINX_ID = "nginx.8c0d9b3e-0000-11ef-a1b2-0242ac110002";
  private final DnsRecords records = Fixtures.records();

  private List<String> values(String name, RecordType type) {
    return records.records(name).stream().filter(r -> r.type() == type).map(r -> r.data().toString()).toList();
  }

  @Test
  void taskName_runningTaskWithContainerIp_answersContainerIpAndAgentIpUnderSlave() {
    assertThat(values("nginx.marathon.mesos.", RecordType.A)).containsExactly("9.0.0.5");
    assertThat(values("nginx.marathon.slave.mesos.", RecordType.A)).containsExactly("10.0.1.1");
  }

  @Test
  void canonicalName_hashOfTaskIdAndAgentSuffix_sameIps() {
    String canonical = "nginx-" + ZBase32.hash5(NGINX_ID) + "-s1";
    assertThat(values(canonical + ".marathon.mesos.", RecordType.A)).containsExactly("9.0.0.5");
    assertThat(values(canonical + ".marathon.slave.mesos.", RecordType.A)).containsExactly("10.0.1.1");
  }

  @Test
  void srv_taskWithDiscoveryInfo_discoveryPortsOnPlainNamesHostPortsOnlyOnSlaveNames() {
    String canonical = "nginx-" + ZBase32.hash5(NGINX_ID) + "-s1";
    assertThat(values("_nginx._tcp.marathon.mesos.", RecordType.SRV))
        .containsExactly(canonical + ".marathon.mesos.:80");
    assertThat(values("_nginx._udp.marathon.mesos.", RecordType.SRV))
        .containsExactly(canonical + ".marathon.mesos.:8125");
    assertThat(values("_http._nginx._tcp.marathon.mesos.", RecordType.SRV))
        .containsExactly(canonical + ".marathon.mesos.:80");
    assertThat(values("_metrics._nginx._udp.marathon.mesos.", RecordType.SRV)).hasSize(1);
    assertThat(values("_nginx._tcp.marathon.slave.mesos.", RecordType.SRV)).containsExactlyInAnyOrder(
        canonical + ".marathon.slave.mesos.:31000", canonical + ".marathon.slave.mesos.:31001");
  }

  @Test
  void srv_discoveryPortWithoutProtocol_servedForTcpAndUdp() {
    assertThat(values("_broker-0._tcp.kafka.mesos.", RecordType.SRV)).hasSize(1);
    assertThat(values("_broker-0._udp.kafka.mesos.", RecordType.SRV)).hasSize(1);
    assertThat(values("_broker._broker-0._tcp.kafka.mesos.", RecordType.SRV)).hasSize(1);
  }

  @Test
  void srv_taskWithoutDiscoveryInfo_hostPortsOnPlainAndSlaveNames() {
    assertThat(values("_web-server1canary._tcp.marathon.mesos.", RecordType.SRV)).hasSize(1);
    assertThat(values("_web-server1canary._udp.marathon.slave.mesos.", RecordType.SRV))
        .singleElement().asString().endsWith("-s3.marathon.slave.mesos.:31010");
  }

  @Test
  void taskName_needsSanitizing_servedUnderSanitizedLabelWithAgentIpAsHostSource() {
    assertThat(values("web-server1canary.marathon.mesos.", RecordType.A)).containsExactly("10.0.1.3");
  }

  @Test
  void discoveryName_dotted_servedAsDottedNameAndAsOneLabel() {
    assertThat(values("myapp.mygroup.marathon.mesos.", RecordType.A)).containsExactly("10.0.1.2");
    assertThat(values("myapp-mygroup.marathon.mesos.", RecordType.A)).containsExactly("10.0.1.2");
  }

  @Test
  void taskIps_ipv6ContainerIp_servedAsAaaa() {
    assertThat(values("broker-0.kafka.mesos.", RecordType.A)).containsExactly("9.0.1.7");
    assertThat(records.records("broker-0.kafka.mesos.")).anyMatch(r -> r.type() == RecordType.AAAA);
  }

  @Test
  void tasks_notRunningOrOnUnknownAgent_getNoRecords() {
    assertThat(records.records("gone.marathon.mesos.")).isEmpty();
    assertThat(records.records("lost.marathon.mesos.")).isEmpty();
    assertThat(records.mesos().byName().keySet()).noneMatch(n -> n.contains("gone") || n.contains("lost"));
  }

  @Test
  void frameworkName_dotted_eachLabelSanitizedAndFrameworkRecordsServed() {
    assertThat(values("job.chronos.prod.mesos.", RecordType.A)).containsExactly("10.0.1.2");
    assertThat(values("chronos.prod.mesos.", RecordType.A)).containsExactly("10.0.1.2");
    assertThat(values("_framework._tcp.chronos.prod.mesos.", RecordType.SRV))
        .containsExactly("chronos.prod.mesos.:4400");
  }

  @Test
  void masterNames_noMasterList_answerTheLeader() {
    // the operator API's SUBSCRIBED names only the leader; without configured masters it is master0
    DnsRecords leaderOnly = new RecordBuilder(RecordsOptions.defaults(), Fixtures.CLOCK).build(Fixtures.state().withMasters(List.of()));
    for (String name : List.of("master.mesos.", "master0.mesos.", "master.dcos.thisdcos.directory.")) {
      assertThat(leaderOnly.records(name).stream().filter(r -> r.type() == RecordType.A).map(r -> r.data().toString()).toList())
          .as(name).containsExactly("10.0.0.1");
    }
  }

  @Test
  void clusterNames_leaderMastersAgents_served() {
    assertThat(values("leader.mesos.", RecordType.A)).containsExactly("10.0.0.1");
    assertThat(values("master.mesos.", RecordType.A)).containsExactly("10.0.0.1");
    assertThat(values("master0.mesos.", RecordType.A)).containsExactly("10.0.0.1");
    assertThat(values("slave.mesos.", RecordType.A)).containsExactly("10.0.1.1", "10.0.1.2", "10.0.1.3");
    assertThat(values("agent.mesos.", RecordType.A)).hasSize(3);
    assertThat(values("_leader._tcp.mesos.", RecordType.SRV)).containsExactly("leader.mesos.:5050");
    assertThat(values("_slave._tcp.mesos.", RecordType.SRV)).containsExactly("slave.mesos.:5051");
  }

  @Test
  void apex_soaAndNs_serialFromClockAndNameserverAddress() {
    ResourceRecord soa = records.mesos().soa();
    assertThat(soa.ttl()).isEqualTo(60);
    Rdata.Soa data = (Rdata.Soa) soa.data();
    assertThat(data.serial()).isEqualTo(Fixtures.NOW.getEpochSecond());
    assertThat(data.mname()).isEqualTo("ns1.mesos.");
    assertThat(data.rname()).isEqualTo("root.ns1.mesos.");
    assertThat(values("mesos.", RecordType.NS)).containsExactly("ns1.mesos.");
    assertThat(values("ns1.mesos.", RecordType.A)).containsExactly("10.0.0.53");
  }

  @Test
  void dcosZone_agentipContaineripAutoip_followTheHostPortRule() {
    String base = ".dcos.thisdcos.directory.";
    assertThat(values("nginx.marathon.agentip" + base, RecordType.A)).containsExactly("10.0.1.1");
    assertThat(values("nginx.marathon.containerip" + base, RecordType.A)).containsExactly("9.0.0.5");
    assertThat(values("nginx.marathon.autoip" + base, RecordType.A)).containsExactly("10.0.1.1");
    assertThat(values("broker-0.kafka.autoip" + base, RecordType.A)).containsExactly("9.0.1.7");
    assertThat(values("myapp-mygroup.marathon.autoip" + base, RecordType.A)).containsExactly("10.0.1.2");
    assertThat(values("job.chronos-prod.agentip" + base, RecordType.A)).containsExactly("10.0.1.2");
    assertThat(values("leader" + base, RecordType.A)).containsExactly("10.0.0.1");
    assertThat(values("master" + base, RecordType.A)).containsExactly("10.0.0.1");
    assertThat(records.dcos().records("nginx.marathon.agentip" + base)).allMatch(r -> r.ttl() == 5);
  }

  @Test
  void vips_namedVipMap_servedUnderL4lb_andTheDclbAlias() throws Exception {
    DnsRecords withVips = new RecordBuilder(RecordsOptions.defaults(), Fixtures.CLOCK).build(Fixtures.state(),
        Map.of("/MyGroup/MyApp.marathon", List.of(InetAddress.getByName("11.0.0.3"))));
    assertThat(withVips.records("mygroupmyapp.marathon.l4lb.thisdcos.directory.")).singleElement()
        .extracting(r -> r.data().toString()).isEqualTo("11.0.0.3");
    assertThat(withVips.records("mygroupmyapp.marathon.dclb.thisdcos.directory.")).singleElement()
        .extracting(r -> r.data().toString()).isEqualTo("11.0.0.3");
  }

  @Test
  void events_taskKilled_recordsGoneAfterRebuild() {
    var state = Fixtures.state().apply(new TaskEvent.TaskUpdated("fw-marathon-0001", NGINX_ID, "TASK_KILLED", null, null));
    DnsRecords after = new RecordBuilder(RecordsOptions.defaults(), Fixtures.CLOCK).build(state);
    assertThat(after.records("nginx.marathon.mesos.")).isEmpty();
    assertThat(after.enumeratedTaskNames()).doesNotContain("nginx");
  }

  @Test
  void enumeration_listsEachFrameworkWithItsRunningTasksAndTheirRecords() {
    assertThat(records.frameworks()).extracting(DnsRecords.EnumeratedFramework::name)
        .containsExactly("marathon", "Chronos.Prod", "kafka");
    DnsRecords.EnumeratedTask nginx = records.frameworks().get(0).tasks().get(0);
    assertThat(nginx.name()).isEqualTo("nginx");
    assertThat(nginx.records()).anyMatch(r -> r.name().equals("nginx.marathon.mesos.") && r.type() == RecordType.A);
  }
}
