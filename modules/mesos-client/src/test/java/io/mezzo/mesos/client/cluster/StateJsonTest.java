package io.mezzo.mesos.client.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateJsonTest {
  private static final String STATE = """
      {"slaves":[{"id":"S7","pid":"slave(1)@10.0.0.7:5052","hostname":"b7","port":5052}],
       "frameworks":[{"id":"F9","name":"marathon","tasks":[
         {"id":"db.1","name":"db","slave_id":"S7","state":"TASK_RUNNING",
          "resources":{"ports":"[32000-32001]"},
          "labels":{"labels":[{"key":"tier","value":"back"}]},
          "container":{"network_infos":[{"port_mappings":[{"host_port":32000,"container_port":5432}]}]},
          "discovery":{"name":"pg","ports":{"ports":[{"number":5432,"name":"sql","protocol":"tcp",
            "labels":{"labels":[{"key":"VIP_0","value":"/db:5432"}]}}]}},
          "statuses":[
            {"state":"TASK_STAGING","container_status":{"network_infos":[{"ip_addresses":[{"ip_address":"9.9.9.9"}]}]}},
            {"state":"TASK_RUNNING","container_status":{"network_infos":[{"ip_addresses":[
              {"ip_address":"172.18.0.3"},{"ip_address":"fd00::3"},{"ip_address":"not-an-ip"}]}]}},
            {"state":"TASK_RUNNING","healthy":true}]}]}]}
      """;

  @Test
  void state_parsesAgentsFrameworksAndEveryTaskField() {
    ClusterState s = StateJson.parse(STATE);
    assertThat(s.agent("S7").orElseThrow()).isEqualTo(new Agent("S7", "b7", "10.0.0.7", 5052));
    assertThat(s.framework("F9").orElseThrow().name()).isEqualTo("marathon");
    Task t = s.tasks().get(0);
    assertThat(t.name()).isEqualTo("db");
    assertThat(t.frameworkId()).as("from the framework when the task does not say").isEqualTo("F9");
    assertThat(t.running()).isTrue();
    assertThat(t.healthy()).isTrue();
    assertThat(t.containerIps()).containsExactly("172.18.0.3", "fd00:0:0:0:0:0:0:3");
    assertThat(t.hostPorts()).containsExactly(32000, 32001);
    assertThat(t.portMappings()).containsExactly(new PortMapping(5432, 32000, "tcp"));
    assertThat(t.discovery().name()).isEqualTo("pg");
    assertThat(t.discoveryPorts()).containsExactly(new DiscoveryInfo.Port(5432, "sql", "tcp", Map.of("VIP_0", "/db:5432")));
    assertThat(t.labels()).isEqualTo(Map.of("tier", "back"));
  }

  @Test
  void labels_asAPlainArray_areReadToo() {
    ClusterState s = StateJson.parse("""
        {"frameworks":[{"id":"F1","tasks":[{"id":"t","labels":[{"key":"a","value":"1"},{"key":"b"}]}]}]}
        """);
    assertThat(s.tasks().get(0).labels()).containsEntry("a", "1").containsEntry("b", "");
  }

  @Test
  void leader_fromLeaderInfo_orFromTheLeaderPid() {
    ClusterState info = StateJson.parse("""
        {"leader":"master@10.0.0.1:5050","leader_info":{"id":"m1","hostname":"m1.local",
         "address":{"ip":"10.0.0.2","port":5051}}}
        """);
    assertThat(info.leader()).isEqualTo(new Master("m1", "m1.local", "10.0.0.2", 5051));
    assertThat(info.masters()).containsExactly(info.leader());

    ClusterState pid = StateJson.parse("{\"leader\":\"master@10.0.0.1:5050\",\"hostname\":\"m\"}");
    assertThat(pid.leader()).isEqualTo(new Master("", "m", "10.0.0.1", 5050));
    assertThat(StateJson.parse("{\"leader\":\"master@m.local:5050\"}").leader()).isNull();
  }

  @Test
  void frameworkAddress_comesFromItsPid_agentWithoutPid_fromAnIpHostname() {
    ClusterState s = StateJson.parse("""
        {"slaves":[{"id":"S1","hostname":"10.0.1.1","port":5051},{"id":"S2","hostname":"a2"}],
         "frameworks":[{"id":"F1","name":"m","pid":"scheduler-1@10.0.0.9:41234","hostname":"h"}]}
        """);
    assertThat(s.agents()).extracting(Agent::ip).containsExactly("10.0.1.1", null);
    assertThat(s.framework("F1").orElseThrow()).isEqualTo(new Framework("F1", "m", "h", "10.0.0.9", 41234));
  }

  @Test
  void unreachableTasks_areRead_withTheirState() {
    ClusterState s = StateJson.parse("""
        {"frameworks":[{"id":"F1","tasks":[{"id":"a","state":"TASK_RUNNING"}],
          "unreachable_tasks":[{"id":"u","slave_id":"S2","state":"TASK_UNREACHABLE"}]}]}
        """);
    assertThat(s.tasks()).extracting(Task::state).containsExactly(Task.RUNNING, Task.UNREACHABLE);
    assertThat(s.tasks().get(1).frameworkId()).isEqualTo("F1");
    assertThat(s.tasks().get(1).discovery()).isNull();
    assertThat(s.tasks().get(1).discoveryPorts()).isEmpty();
  }

  @Test
  void portsResource_rangesArrayAndMalformedText() {
    ClusterState s = StateJson.parse("""
        {"frameworks":[{"id":"F1","tasks":[
          {"id":"a","resources":{"ports":[{"begin":31000,"end":31002}]}},
          {"id":"b","resources":{"ports":{"range":[{"begin":80,"end":80}]}}},
          {"id":"c","resources":{"ports":"[x-y, 31005-31005]"}}]}]}
        """);
    assertThat(s.tasks()).extracting(Task::hostPorts)
        .containsExactly(List.of(31000, 31001, 31002), List.of(80), List.of(31005));
  }

  @Test
  void notJson_isRejected_emptyObjectIsAnEmptyState() {
    assertThatThrownBy(() -> StateJson.parse("[1]")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StateJson.parse("{")).isInstanceOf(IllegalArgumentException.class);
    assertThat(StateJson.parse("{}")).isEqualTo(ClusterState.EMPTY);
  }
}
