package io.mezzo.l4lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.l4lb.vip.VipRange;
import io.mezzo.l4lb.vip.VipTable;
import io.mezzo.mesos.client.cluster.ClusterState;
import io.mezzo.mesos.client.cluster.PortMapping;
import io.mezzo.mesos.client.cluster.StateJson;
import io.mezzo.mesos.client.cluster.Task;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The state document as the load balancer turns it into VIPs (the reading itself is tested in mesos-client). */
class StateJsonTest {
  private static final String STATE = """
      {"slaves":[{"id":"S1","pid":"slave(1)@10.0.0.5:5051","hostname":"a1"}],
       "frameworks":[{"id":"F1","name":"marathon","tasks":[
         {"id":"web.1","framework_id":"F1","slave_id":"S1","state":"TASK_RUNNING",
          "resources":{"ports":"[31000-31001]"},
          "labels":{"labels":[{"key":"VIP_PORT0","value":"tcp://10.9.0.1:80"}]},
          "container":{"docker":{"port_mappings":[{"host_port":31000,"container_port":8080,"protocol":"tcp"}]}},
          "discovery":{"name":"web","ports":{"ports":[
            {"number":8080,"protocol":"tcp","labels":{"labels":[{"key":"VIP_0","value":"/web:80"}]}}]}},
          "statuses":[
            {"state":"TASK_RUNNING","container_status":{"network_infos":[{"ip_addresses":[{"ip_address":"172.17.0.2"}]}]}},
            {"state":"TASK_RUNNING","healthy":false}]}]}]}
      """;

  @Test
  void state_endToEnd_givesNamedAndLegacyVips() {
    var vips = VipTable.build(StateJson.parse(STATE), VipRange.parse("11.0.0.0/8"));
    assertThat(vips).extracting(v -> v.key().label() + " " + v.backends())
        .containsExactly(
            "10.9.0.1:80 [Backend[address=10.0.0.5:31000, weight=0]]",
            "web.marathon.l4lb.thisdcos.directory:80 [Backend[address=10.0.0.5:31000, weight=0]]");
  }

  @Test
  void unreachableTasks_areRead_andServeOnlyAVipWithoutOtherBackends() {
    String json = "{\"slaves\":[{\"id\":\"S1\",\"hostname\":\"10.0.0.5\"}],\"frameworks\":[{\"id\":\"F1\","
        + "\"name\":\"marathon\",\"unreachable_tasks\":[{\"id\":\"u\",\"slave_id\":\"S2\",\"state\":\"TASK_UNREACHABLE\","
        + "\"statuses\":[{\"state\":\"TASK_RUNNING\",\"container_status\":{\"network_infos\":[{\"ip_addresses\":"
        + "[{\"ip_address\":\"9.0.0.7\"}]}]}}],\"discovery\":{\"ports\":{\"ports\":[{\"number\":80,\"protocol\":\"tcp\","
        + "\"labels\":{\"labels\":[{\"key\":\"VIP_0\",\"value\":\"/web:80\"}]}}]}}}]}]}";
    ClusterState s = StateJson.parse(json);
    assertThat(s.tasks()).extracting(Task::state).containsExactly(Task.UNREACHABLE);
    assertThat(VipTable.build(s, VipRange.parse("11.0.0.0/8"))).extracting(v -> v.key().label() + " " + v.backends())
        .containsExactly("web.marathon.l4lb.thisdcos.directory:80 [Backend[address=9.0.0.7:80, weight=1]]");
  }
}
