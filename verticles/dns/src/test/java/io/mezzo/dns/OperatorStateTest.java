package io.mezzo.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.dns.records.DnsRecords;
import io.mezzo.dns.records.RecordBuilder;
import io.mezzo.dns.records.RecordType;
import io.mezzo.dns.records.RecordsOptions;
import io.mezzo.mesos.client.cluster.ClusterState;
import io.mezzo.mesos.client.cluster.OperatorState;
import io.mezzo.mesos.proto.Resources;
import java.util.List;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.master.Protos.Event;
import org.apache.mesos.v1.master.Protos.Response;
import org.junit.jupiter.api.Test;

class OperatorStateTest {

  private static Protos.Task task(String id, String name, Protos.TaskState state, String ip) {
    return Protos.Task.newBuilder().setTaskId(Protos.TaskID.newBuilder().setValue(id)).setName(name)
        .setFrameworkId(Protos.FrameworkID.newBuilder().setValue("fw-1")).setAgentId(Protos.AgentID.newBuilder().setValue("m-S0"))
        .setState(state).addAllResources(Resources.parse("cpus:1;mem:32;ports:[31000-31001]", "*"))
        .setDiscovery(Protos.DiscoveryInfo.newBuilder().setVisibility(Protos.DiscoveryInfo.Visibility.FRAMEWORK).setName("web")
            .setPorts(Protos.Ports.newBuilder().addPorts(Protos.Port.newBuilder().setNumber(8080).setName("http").setProtocol("tcp")
                .setLabels(Protos.Labels.newBuilder().addLabels(Protos.Label.newBuilder().setKey("VIP_0").setValue("/web:80"))))))
        .addStatuses(Protos.TaskStatus.newBuilder().setTaskId(Protos.TaskID.newBuilder().setValue(id)).setState(Protos.TaskState.TASK_RUNNING)
            .setContainerStatus(Protos.ContainerStatus.newBuilder().addNetworkInfos(Protos.NetworkInfo.newBuilder()
                .addIpAddresses(Protos.NetworkInfo.IPAddress.newBuilder().setIpAddress(ip)))))
        .build();
  }

  private static Response.GetState snapshot() {
    return Response.GetState.newBuilder()
        .setGetAgents(Response.GetAgents.newBuilder().addAgents(Response.GetAgents.Agent.newBuilder()
            .setAgentInfo(Protos.AgentInfo.newBuilder().setId(Protos.AgentID.newBuilder().setValue("m-S0"))
                .setHostname("10.0.0.21").setPort(5051)).setActive(true).setVersion("1.11.0")))
        .setGetFrameworks(Response.GetFrameworks.newBuilder().addFrameworks(Response.GetFrameworks.Framework.newBuilder()
            .setFrameworkInfo(Protos.FrameworkInfo.newBuilder().setUser("root").setName("marathon")
                .setId(Protos.FrameworkID.newBuilder().setValue("fw-1"))).setActive(true).setConnected(true).setRecovered(false)))
        .setGetTasks(Response.GetTasks.newBuilder().addTasks(task("web.1", "web", Protos.TaskState.TASK_RUNNING, "9.0.0.7")))
        .build();
  }

  private static final Protos.MasterInfo LEADER = Protos.MasterInfo.newBuilder().setId("m").setIp(0).setPort(5050)
      .setHostname("10.0.0.11").setAddress(Protos.Address.newBuilder().setIp("10.0.0.11").setPort(5050)).build();

  private static List<String> a(DnsRecords records, String name) {
    return records.records(name).stream().filter(r -> r.type() == RecordType.A).map(r -> r.data().toString()).toList();
  }

  @Test
  void snapshot_givesTaskAgentAndLeaderNames() {
    ClusterState state = OperatorState.fromSnapshot(snapshot(), LEADER);
    DnsRecords records = new RecordBuilder(RecordsOptions.defaults(), Fixtures.CLOCK).build(state);
    assertThat(a(records, "web.marathon.mesos.")).containsExactly("9.0.0.7");
    assertThat(a(records, "web.marathon.slave.mesos.")).containsExactly("10.0.0.21");
    assertThat(a(records, "leader.mesos.")).containsExactly("10.0.0.11");
    assertThat(records.records("_web._tcp.marathon.mesos.")).hasSize(1);
  }

  @Test
  void events_addAndEndTasks() {
    ClusterState state = OperatorState.fromSnapshot(snapshot(), LEADER);
    Event added = Event.newBuilder().setType(Event.Type.TASK_ADDED).setTaskAdded(Event.TaskAdded.newBuilder()
        .setTask(task("api.1", "api", Protos.TaskState.TASK_RUNNING, "9.0.0.8"))).build();
    state = state.apply(OperatorState.fromEvent(added).orElseThrow());
    DnsRecords records = new RecordBuilder(RecordsOptions.defaults(), Fixtures.CLOCK).build(state);
    assertThat(a(records, "web.marathon.mesos.")).hasSize(2);

    Event killed = Event.newBuilder().setType(Event.Type.TASK_UPDATED).setTaskUpdated(Event.TaskUpdated.newBuilder()
        .setFrameworkId(Protos.FrameworkID.newBuilder().setValue("fw-1")).setState(Protos.TaskState.TASK_KILLED)
        .setStatus(Protos.TaskStatus.newBuilder().setTaskId(Protos.TaskID.newBuilder().setValue("web.1")).setState(Protos.TaskState.TASK_KILLED)))
        .build();
    state = state.apply(OperatorState.fromEvent(killed).orElseThrow());
    records = new RecordBuilder(RecordsOptions.defaults(), Fixtures.CLOCK).build(state);
    assertThat(a(records, "web.marathon.mesos.")).containsExactly("9.0.0.8");
    assertThat(OperatorState.fromEvent(Event.newBuilder().setType(Event.Type.HEARTBEAT).build())).isEmpty();
  }
}
