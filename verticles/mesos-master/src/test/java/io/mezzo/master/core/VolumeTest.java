package io.mezzo.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.proto.Resources;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Volume;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;

/** Persistent volumes: CREATE / DESTROY in ACCEPT and from the operator, offered as Mesos shows them, kept across failover. */
class VolumeTest {
  private static Resource volume(String id, double mb, String role) {
    Resource disk = Resources.parse("disk(" + role + "):" + Resources.formatScalar(mb), "*").get(0);
    return disk.toBuilder().setDisk(Resource.DiskInfo.newBuilder()
        .setPersistence(Resource.DiskInfo.Persistence.newBuilder().setId(id))
        .setVolume(Volume.newBuilder().setContainerPath("data").setMode(Volume.Mode.RW))).build();
  }

  private static Offer.Operation create(Resource... volumes) {
    return Offer.Operation.newBuilder().setType(Offer.Operation.Type.CREATE)
        .setCreate(Offer.Operation.Create.newBuilder().addAllVolumes(List.of(volumes))).build();
  }

  private static Offer.Operation destroy(Resource... volumes) {
    return Offer.Operation.newBuilder().setType(Offer.Operation.Type.DESTROY)
        .setDestroy(Offer.Operation.Destroy.newBuilder().addAllVolumes(List.of(volumes))).build();
  }

  private static Offer.Operation launch(String taskId, String agentId, List<Resource> resources) {
    return Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH).setLaunch(Offer.Operation.Launch.newBuilder()
        .addTaskInfos(TaskInfo.newBuilder().setName("db").setTaskId(TaskID.newBuilder().setValue(taskId))
            .setAgentId(org.apache.mesos.v1.Protos.AgentID.newBuilder().setValue(agentId))
            .setCommand(CommandInfo.newBuilder().setValue("sleep 100")).addAllResources(resources))).build();
  }

  private static List<String> volumeIds(List<Resource> resources) {
    return resources.stream().filter(Resource::hasDisk).map(r -> r.getDisk().getPersistence().getId() + ":"
        + Resources.formatScalar(r.getScalar().getValue())).toList();
  }

  private static double plainDisk(Offer offer) {
    return offer.getResourcesList().stream().filter(r -> r.getName().equals("disk") && !r.hasDisk())
        .mapToDouble(r -> r.getScalar().getValue()).sum();
  }

  private static Offer only(List<Offer> offers) {
    assertThat(offers).hasSize(1);
    return offers.get(0);
  }

  @Test
  void createOfferLaunchDestroy_andVolumesSurviveFailover() {
    CoreCluster c = new CoreCluster();
    String agent = c.register("a1.local", "cpus:4;mem:4096;disk(db):1000;disk:500");
    String fw = c.subscribeRole("store", "db");

    // an invalid CREATE (unreserved disk) is dropped; a valid one turns reserved disk into a volume
    Offer first = only(c.offers());
    assertThat(volumeIds(first.getResourcesList())).isEmpty();
    c.accept(first, create(volume("bad", 100, "*")), create(volume("v1", 400, "db")));
    Offer second = only(c.offers());
    assertThat(volumeIds(second.getResourcesList())).containsExactly("v1:400");
    assertThat(second.getResourcesList()).filteredOn(Resource::hasDisk).singleElement().satisfies(v -> {
      assertThat(v.getAllocationInfo().getRole()).isEqualTo("db");
      assertThat(v.getDisk().getVolume().getContainerPath()).isEqualTo("data");
    });
    assertThat(plainDisk(second)).isEqualTo(600 + 500);
    assertThat(volumeIds(StateViews.agents(c.master).getAgents(0).getTotalResourcesList())).containsExactly("v1:400");
    String registered = c.registry.stream().filter(r -> r.kind() == RegistryRecord.Kind.AGENT && r.id().equals(agent))
        .reduce((a, b) -> b).orElseThrow().json();
    assertThat(registered).contains("\"persistence\"").contains("v1");

    // a task on the volume: it is not offered while in use, and cannot be destroyed
    Resource v1 = second.getResourcesList().stream().filter(Resource::hasDisk).findFirst().orElseThrow();
    c.accept(second, launch("db-1", agent, List.of(v1, Resources.parse("cpus:1;mem:128", "*").get(0))));
    assertThat(c.master.frameworks.get(fw).tasks).containsKey("db-1");
    Offer third = only(c.offers());
    assertThat(volumeIds(third.getResourcesList())).isEmpty();
    assertThat(c.master.destroyVolumes(agent, List.of(v1)).status()).isEqualTo(409);
    assertThat(c.master.createVolumes(agent, List.of(volume("v1", 10, "db"))).status()).as("duplicate id").isEqualTo(400);
    // a second task on the same volume is refused
    c.accept(third, launch("db-2", agent, List.of(v1)));
    assertThat(c.events).filteredOn(e -> e.getType() == Event.Type.UPDATE).extracting(e -> e.getUpdate().getStatus())
        .anySatisfy(s -> {
          assertThat(s.getTaskId().getValue()).isEqualTo("db-2");
          assertThat(s.getState()).isEqualTo(TaskState.TASK_ERROR);
          assertThat(s.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_INVALID);
        });

    // failover: the registry's agent record brings the volume back; offered again once the agent re-registers
    CoreCluster next = new CoreCluster();
    next.master.recover(Map.of(fw, c.master.frameworks.get(fw).info), Map.of(agent, MesosJson.parse(registered, AgentInfo.getDefaultInstance())),
        Set.of());
    next.master.subscribe(org.apache.mesos.v1.scheduler.Protos.Call.Subscribe.newBuilder().setFrameworkInfo(c.master.frameworks.get(fw).info)
        .build(), next);
    assertThat(next.master.agents().reregister(agent, "pid", AgentInfo.newBuilder().setHostname("a1.local").setPort(5051)
        .addAllResources(Resources.parse("cpus:4;mem:4096;disk(db):1000;disk:500", "*")).build(), "1.11.0", List.of(), List.of())
        .failure()).isNull();
    Offer recovered = only(next.offers());
    assertThat(volumeIds(recovered.getResourcesList())).containsExactly("v1:400");

    // operator DESTROY_VOLUMES then CREATE_VOLUMES, with their answers
    assertThat(next.master.destroyVolumes(agent, List.of(volume("nope", 1, "db"))).status()).isEqualTo(409);
    assertThat(next.master.destroyVolumes(agent, Resources.parse("disk(db):400", "*")).status()).as("not a volume").isEqualTo(400);
    assertThat(next.master.destroyVolumes(agent, List.of(volume("v1", 400, "db"))).status()).isEqualTo(202);
    Offer plain = only(next.offers());
    assertThat(volumeIds(plain.getResourcesList())).isEmpty();
    assertThat(plainDisk(plain)).isEqualTo(1000 + 500);
    assertThat(next.master.createVolumes("unknown", List.of(volume("v2", 100, "db"))).status()).isEqualTo(400);
    Resource nan = volume("v2", 100, "db").toBuilder().setScalar(org.apache.mesos.v1.Protos.Value.Scalar.newBuilder().setValue(Double.NaN)).build();
    assertThat(next.master.createVolumes(agent, List.of(nan)).status()).as("not a number").isEqualTo(400);
    assertThat(next.master.destroyVolumes(agent, List.of(nan)).status()).isEqualTo(409);
    assertThat(next.master.createVolumes(agent, List.of(volume("v2", 2000, "db"))).status()).as("more than reserved").isEqualTo(400);
    // a task holds 500 of the reserved disk as plain disk: 600 more does not fit
    next.accept(plain, launch("scratch", agent, Resources.parse("disk(db):500;cpus:1", "*")));
    assertThat(next.master.createVolumes(agent, List.of(volume("v2", 600, "db"))).status()).isEqualTo(409);
    assertThat(next.master.createVolumes(agent, List.of(volume("v2", 500, "db"))).status()).isEqualTo(202);
    assertThat(volumeIds(next.master.agents().totalResources(next.master.agents().find(agent).orElseThrow()))).containsExactly("v2:500");
  }

  private static TaskInfo plainTask(String taskId, String agentId) {
    return TaskInfo.newBuilder().setName("web").setTaskId(TaskID.newBuilder().setValue(taskId))
        .setAgentId(org.apache.mesos.v1.Protos.AgentID.newBuilder().setValue(agentId))
        .setCommand(CommandInfo.newBuilder().setValue("sleep 100")).addAllResources(Resources.parse("cpus:0.001;mem:1", "*")).build();
  }

  @Test
  void volumeInUseAmongManyTasks_isKeptThroughReregistrationAndFreedWhenItsTaskEnds() {
    CoreCluster c = new CoreCluster();
    String agent = c.register("a1.local", "cpus:4;mem:4096;disk(db):1000");
    String fw = c.subscribeRole("store", "db");
    assertThat(c.master.createVolumes(agent, List.of(volume("v1", 400, "db"))).status()).isEqualTo(202);
    Offer offer = only(c.offers());
    Resource v1 = offer.getResourcesList().stream().filter(Resource::hasDisk).findFirst().orElseThrow();

    // one ACCEPT: 500 plain tasks, a task on the volume, then a second task on the same volume (refused)
    Offer.Operation.Launch.Builder many = Offer.Operation.Launch.newBuilder();
    for (int i = 0; i < 500; i++) {
      many.addTaskInfos(plainTask("web-" + i, agent));
    }
    c.accept(offer, Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH).setLaunch(many).build(),
        launch("db-1", agent, List.of(v1)), launch("db-2", agent, List.of(v1)));
    assertThat(c.master.frameworks.get(fw).tasks).hasSize(501).containsKey("db-1").doesNotContainKey("db-2");
    Offer inUse = only(c.offers());
    assertThat(volumeIds(inUse.getResourcesList())).as("in use, not offered").isEmpty();
    assertThat(c.master.destroyVolumes(agent, List.of(v1)).status()).isEqualTo(409);

    // a new master learns the task on the volume from the agent's re-registration: still in use
    String registered = c.registry.stream().filter(r -> r.kind() == RegistryRecord.Kind.AGENT && r.id().equals(agent))
        .reduce((a, b) -> b).orElseThrow().json();
    CoreCluster next = new CoreCluster();
    next.master.recover(Map.of(fw, c.master.frameworks.get(fw).info), Map.of(agent, MesosJson.parse(registered, AgentInfo.getDefaultInstance())),
        Set.of());
    next.master.subscribe(org.apache.mesos.v1.scheduler.Protos.Call.Subscribe.newBuilder().setFrameworkInfo(c.master.frameworks.get(fw).info)
        .build(), next);
    List<org.apache.mesos.v1.Protos.Task> running = c.master.frameworks.get(fw).tasks.values().stream().map(t -> {
      t.setState(TaskState.TASK_RUNNING);
      return t.toTask();
    }).toList();
    assertThat(next.master.agents().reregister(agent, "pid", AgentInfo.newBuilder().setHostname("a1.local").setPort(5051)
        .addAllResources(Resources.parse("cpus:4;mem:4096;disk(db):1000", "*")).build(), "1.11.0", running, List.of())
        .failure()).isNull();
    Offer afterFailover = only(next.offers());
    assertThat(volumeIds(afterFailover.getResourcesList())).as("in use after failover").isEmpty();
    next.accept(afterFailover);
    assertThat(next.master.destroyVolumes(agent, List.of(v1)).status()).isEqualTo(409);

    // the task on the volume finishes and is acknowledged: the volume is offered again and can be destroyed
    ByteString uuid = next.update(fw, agent, "db-1", TaskState.TASK_FINISHED);
    next.acknowledge(fw, agent, "db-1", uuid);
    assertThat(next.master.frameworks.get(fw).tasks).hasSize(500).doesNotContainKey("db-1");
    assertThat(volumeIds(only(next.offers()).getResourcesList())).containsExactly("v1:400");
    assertThat(next.master.destroyVolumes(agent, List.of(v1)).status()).isEqualTo(202);
  }

  private static Offer.Operation grow(Resource volume, Resource addition) {
    return Offer.Operation.newBuilder().setType(Offer.Operation.Type.GROW_VOLUME)
        .setGrowVolume(Offer.Operation.GrowVolume.newBuilder().setVolume(volume).setAddition(addition)).build();
  }

  private static Offer.Operation shrink(Resource volume, double subtract) {
    return Offer.Operation.newBuilder().setType(Offer.Operation.Type.SHRINK_VOLUME)
        .setShrinkVolume(Offer.Operation.ShrinkVolume.newBuilder().setVolume(volume)
            .setSubtract(org.apache.mesos.v1.Protos.Value.Scalar.newBuilder().setValue(subtract))).build();
  }

  private static Resource offeredVolume(Offer offer) {
    return offer.getResourcesList().stream().filter(Resource::hasDisk).findFirst().orElseThrow();
  }

  /** The one resource of {@code text}; a size of 0 (which the parser leaves out) is set afterwards. */
  private static Resource disk(String text) {
    boolean zero = text.endsWith(":0");
    Resource r = Resources.parse(zero ? text.substring(0, text.length() - 1) + "1" : text, "*").get(0);
    return zero ? r.toBuilder().setScalar(org.apache.mesos.v1.Protos.Value.Scalar.newBuilder().setValue(0)).build() : r;
  }

  @Test
  void growAndShrinkInAccept_changeTheOfferedVolume_invalidOnesAreDropped() {
    CoreCluster c = new CoreCluster();
    String agent = c.register("a1.local", "cpus:4;mem:4096;disk(db):1000;disk:500");
    c.subscribeRole("store", "db");
    assertThat(c.master.createVolumes(agent, List.of(volume("v1", 400, "db"))).status()).isEqualTo(202);
    Offer offer = only(c.offers());
    Resource v1 = offeredVolume(offer);

    // dropped: unreserved addition, zero addition, more than the offer's free reserved disk, a volume of the wrong size;
    // then a valid grow by 250 MB of the role's disk
    c.accept(offer, grow(v1, disk("disk:100")), grow(v1, disk("disk(db):0")), grow(v1, disk("disk(db):700")),
        grow(volume("v1", 300, "db"), disk("disk(db):50")), grow(v1, disk("disk(db):250")));
    Offer grown = only(c.offers());
    assertThat(volumeIds(grown.getResourcesList())).containsExactly("v1:650");
    assertThat(plainDisk(grown)).isEqualTo(350 + 500);
    assertThat(offeredVolume(grown).getDisk().getVolume().getContainerPath()).isEqualTo("data");
    assertThat(volumeIds(StateViews.agents(c.master).getAgents(0).getTotalResourcesList())).containsExactly("v1:650");
    assertThat(c.registry.stream().filter(r -> r.kind() == RegistryRecord.Kind.AGENT && r.id().equals(agent))
        .reduce((a, b) -> b).orElseThrow().json()).contains("650");

    // shrink: the subtracted disk comes back as plain reserved disk; not to zero, and not twice from the old size
    Resource v650 = offeredVolume(grown);
    c.accept(grown, shrink(v650, 650), shrink(v650, 0), shrink(v650, 600), shrink(v650, 100));
    Offer shrunk = only(c.offers());
    assertThat(volumeIds(shrunk.getResourcesList())).containsExactly("v1:50");
    assertThat(plainDisk(shrunk)).isEqualTo(950 + 500);

    // a volume in use by a task is not offered, so it cannot be resized: neither in an ACCEPT nor by the operator
    Resource v50 = offeredVolume(shrunk);
    c.accept(shrunk, launch("db-1", "" + agent, List.of(v50)), grow(v50, disk("disk(db):10")));
    Offer inUse = only(c.offers());
    assertThat(volumeIds(inUse.getResourcesList())).isEmpty();
    assertThat(volumeIds(StateViews.agents(c.master).getAgents(0).getTotalResourcesList())).containsExactly("v1:50");
    Master.OperatorResult busy = c.master.growVolume(agent, volume("v1", 50, "db"), disk("disk(db):10"));
    assertThat(busy.status()).isEqualTo(409);
    assertThat(busy.message()).isEqualTo("Invalid GROW_VOLUME operation: persistent volume 'v1' is in use by a task");
    assertThat(c.master.shrinkVolume(agent, volume("v1", 50, "db"), scalar(10)).status()).isEqualTo(409);
  }

  private static org.apache.mesos.v1.Protos.Value.Scalar scalar(double v) {
    return org.apache.mesos.v1.Protos.Value.Scalar.newBuilder().setValue(v).build();
  }

  @Test
  void operatorGrowAndShrink_answerAsMesos() {
    CoreCluster c = new CoreCluster();
    String agent = c.register("a1.local", "cpus:4;mem:4096;disk(db):1000;disk:500");
    c.subscribeRole("store", "db");
    assertThat(c.master.createVolumes(agent, List.of(volume("v1", 400, "db"), volume("v2", 100, "db"))).status()).isEqualTo(202);
    Resource v1 = volume("v1", 400, "db");

    // 400: unknown agent, and Mesos's validation messages
    assertThat(c.master.growVolume("nope", v1, disk("disk(db):10")).message()).isEqualTo("No agent found with specified ID");
    assertThat(c.master.growVolume(agent, v1, disk("disk(db):0"))).isEqualTo(new Master.OperatorResult(400,
        "Invalid GROW_VOLUME operation on agent '" + agent + "': The size of 'GrowVolume.addition' field must be greater than zero"));
    assertThat(c.master.growVolume(agent, v1, disk("disk:10"))).isEqualTo(new Master.OperatorResult(400,
        "Invalid GROW_VOLUME operation on agent '" + agent + "': Incompatible resources in the 'GrowVolume.volume' and 'GrowVolume.addition' fields"));
    assertThat(c.master.growVolume(agent, disk("disk(db):400"), disk("disk(db):10")).message())
        .startsWith("Invalid GROW_VOLUME operation on agent '" + agent + "': Invalid persistent volume in the 'GrowVolume.volume' field");
    assertThat(c.master.growVolume(agent, v1.toBuilder().setShared(Resource.SharedInfo.getDefaultInstance()).build(),
        disk("disk(db):10")).message()).endsWith("Growing a shared persistent volume is not supported");
    assertThat(c.master.growVolume(agent, v1, disk("cpus(db):1")).message())
        .contains("Invalid resource in the 'GrowVolume.addition' field");
    assertThat(c.master.shrinkVolume(agent, v1, scalar(0))).isEqualTo(new Master.OperatorResult(400,
        "Invalid SHRINK_VOLUME operation on agent '" + agent + "': Value of 'ShrinkVolume.subtract' must be greater than zero"));
    assertThat(c.master.shrinkVolume(agent, v1, scalar(400))).isEqualTo(new Master.OperatorResult(400,
        "Invalid SHRINK_VOLUME operation on agent '" + agent + "': Value of 'ShrinkVolume.subtract' must be smaller than the size of 'ShrinkVolume.volume'"));
    assertThat(c.master.shrinkVolume(agent, v1, scalar(Double.NaN)).status()).isEqualTo(400);

    // 409: a volume that does not exist (or not at that size), disk that is not free
    assertThat(c.master.growVolume(agent, volume("v9", 400, "db"), disk("disk(db):10")).status()).isEqualTo(409);
    assertThat(c.master.shrinkVolume(agent, volume("v1", 300, "db"), scalar(10)).status()).isEqualTo(409);
    assertThat(c.master.growVolume(agent, v1, disk("disk(db):501")).status()).as("500 MB of db's disk are free").isEqualTo(409);

    // 202: resized, offered as such, kept in the registry; outstanding offers of the agent were rescinded
    Offer before = only(c.offers());
    assertThat(c.master.growVolume(agent, v1, disk("disk(db):500"))).isEqualTo(new Master.OperatorResult(202, ""));
    assertThat(c.events).anyMatch(e -> e.getType() == Event.Type.RESCIND && e.getRescind().getOfferId().equals(before.getId()));
    assertThat(c.master.shrinkVolume(agent, volume("v2", 100, "db"), scalar(99.5)).status()).isEqualTo(202);
    Offer after = only(c.offers());
    assertThat(volumeIds(after.getResourcesList())).containsExactlyInAnyOrder("v1:900", "v2:0.5");
    assertThat(plainDisk(after)).isEqualTo(99.5 + 500);
  }
}
