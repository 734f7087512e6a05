package io.mezzo.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.proto.Resources;
import io.mezzo.mesos.protocol.AgentProtocol;
import java.util.List;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.DurationInfo;
import org.apache.mesos.v1.Protos.MachineID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TimeInfo;
import org.apache.mesos.v1.Protos.Unavailability;
import org.apache.mesos.v1.maintenance.Protos.ClusterStatus;
import org.apache.mesos.v1.maintenance.Protos.Schedule;
import org.apache.mesos.v1.maintenance.Protos.Window;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;

/** Maintenance: schedule (machines DRAINING), START_MAINTENANCE (DOWN), STOP_MAINTENANCE (UP), kept in the registry. */
class MaintenanceTest {
  private static final Unavailability WINDOW = Unavailability.newBuilder()
      .setStart(TimeInfo.newBuilder().setNanoseconds(1_800_000_000_000_000_000L))
      .setDuration(DurationInfo.newBuilder().setNanoseconds(3_600_000_000_000L)).build();

  private static MachineID host(String hostname) {
    return MachineID.newBuilder().setHostname(hostname).build();
  }

  private static Schedule schedule(MachineID... machines) {
    return Schedule.newBuilder().addWindows(Window.newBuilder().addAllMachineIds(List.of(machines)).setUnavailability(WINDOW)).build();
  }

  private static AgentInfo agentInfo(String hostname) {
    return AgentInfo.newBuilder().setHostname(hostname).setPort(5051).addAllResources(Resources.parse("cpus:4;mem:4096", "*")).build();
  }

  @Test
  void scheduleDrainStartStop_withMesosRulesAndErrors() {
    CoreCluster c = new CoreCluster();
    String fw = c.subscribe("web");
    String a1 = c.register("a1.local");
    String a2 = c.register("a2.local");

    // invalid schedules are refused with 400 and change nothing
    assertThat(c.master.updateMaintenanceSchedule(Schedule.newBuilder().addWindows(Window.newBuilder().setUnavailability(WINDOW)).build())
        .status()).isEqualTo(400);
    assertThat(c.master.updateMaintenanceSchedule(schedule(host("a1.local"), host("A1.LOCAL"))).message()).contains("more than once");
    assertThat(c.master.updateMaintenanceSchedule(schedule(MachineID.getDefaultInstance())).status()).isEqualTo(400);
    assertThat(c.master.startMaintenance(List.of(host("a1.local"))).message()).contains("not part of a maintenance schedule");
    assertThat(c.master.maintenanceSchedule().getWindowsCount()).isZero();

    // a scheduled machine (hostnames compare without case) is DRAINING; its agent's offers carry the window
    assertThat(c.master.updateMaintenanceSchedule(schedule(host("A1.local"))).status()).isEqualTo(200);
    assertThat(c.master.maintenanceStatus().getDrainingMachinesList()).extracting(d -> d.getId().getHostname()).containsExactly("a1.local");
    String task = c.launch(fw, a1, 1).get(0);
    List<Offer> offers = c.events.stream().filter(e -> e.getType() == Event.Type.OFFERS).flatMap(e -> e.getOffers().getOffersList().stream()).toList();
    assertThat(offers).filteredOn(o -> o.getAgentId().getValue().equals(a1)).singleElement()
        .satisfies(o -> assertThat(o.getUnavailability()).isEqualTo(WINDOW));
    assertThat(offers).filteredOn(o -> o.getAgentId().getValue().equals(a2)).singleElement()
        .satisfies(o -> assertThat(o.hasUnavailability()).isFalse());

    // START_MAINTENANCE: the machine is DOWN, its agent removed (task gone), not allowed back
    c.events.clear();
    assertThat(c.master.startMaintenance(List.of(host("a1.local"))).status()).isEqualTo(200);
    assertThat(c.master.maintenanceStatus()).isEqualTo(ClusterStatus.newBuilder().addDownMachines(host("a1.local")).build());
    assertThat(c.master.agents().pids()).containsOnlyKeys(a2);
    assertThat(c.events).filteredOn(e -> e.getType() == Event.Type.UPDATE).extracting(e -> e.getUpdate().getStatus())
        .anySatisfy(s -> {
          assertThat(s.getTaskId().getValue()).isEqualTo(task);
          assertThat(s.getState()).isEqualTo(TaskState.TASK_LOST); // the framework is not partition-aware
        });
    assertThat(c.registry).anySatisfy(r -> {
      assertThat(r.kind()).isEqualTo(RegistryRecord.Kind.AGENT);
      assertThat(r.id()).isEqualTo(a1);
      assertThat(r.json()).isNull();
    });
    assertThat(c.master.agents().register("pid", agentInfo("a1.local"), "1.11.0").failureCode()).isEqualTo(AgentProtocol.MACHINE_DOWN);
    assertThat(c.master.agents().reregister(a1, "pid", agentInfo("a1.local"), "1.11.0", List.of(), List.of()).failureCode())
        .isEqualTo(AgentProtocol.MACHINE_DOWN);
    assertThat(c.master.startMaintenance(List.of(host("a1.local"))).message()).contains("not in DRAINING mode");
    assertThat(c.master.updateMaintenanceSchedule(Schedule.getDefaultInstance()).message()).contains("cannot be removed from the schedule");
    assertThat(c.master.stopMaintenance(List.of(host("a2.local"))).message()).contains("not in DOWN mode");

    // a new leader reads the schedule and the down machine back from the registry
    String saved = c.registry.stream().filter(r -> r.kind() == RegistryRecord.Kind.MAINTENANCE).reduce((x, y) -> y).orElseThrow().json();
    CoreCluster next = new CoreCluster();
    next.master.restoreMaintenance(saved);
    assertThat(next.master.maintenanceStatus()).isEqualTo(c.master.maintenanceStatus());
    assertThat(MesosJson.print(next.master.maintenanceSchedule())).isEqualTo(MesosJson.print(c.master.maintenanceSchedule()));
    assertThat(next.master.agents().register("pid", agentInfo("a1.local"), "1.11.0").failureCode()).isEqualTo(AgentProtocol.MACHINE_DOWN);

    CoreCluster broken = new CoreCluster();
    broken.master.restoreMaintenance("{\"schedule\":[1,2]}");
    assertThat(broken.master.maintenanceStatus()).as("an unreadable record is ignored").isEqualTo(ClusterStatus.getDefaultInstance());

    // STOP_MAINTENANCE: UP again, out of the schedule; the agent registers anew
    assertThat(c.master.stopMaintenance(List.of(host("a1.local"))).status()).isEqualTo(200);
    assertThat(c.master.maintenanceSchedule().getWindowsCount()).isZero();
    assertThat(c.master.maintenanceStatus()).isEqualTo(ClusterStatus.getDefaultInstance());
    assertThat(c.master.agents().register("pid", agentInfo("a1.local"), "1.11.0").failure()).isNull();
  }
}
