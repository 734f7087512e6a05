package io.mezzo.master.core;

import com.google.protobuf.ByteString;
import io.mezzo.master.allocator.AllocatorOptions;
import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.mesos.proto.Resources;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * A master driven directly on the test's thread (no HTTP, no event bus): what it sends to agents,
 * frameworks and the registry is recorded. For tests of the master's rules.
 */
final class CoreCluster implements Outbox, FrameworkChannel {
  final List<JsonObject> toAgents = new ArrayList<>();
  final List<Event> events = new ArrayList<>();
  final List<RegistryRecord> registry = new ArrayList<>();
  final Master master;
  private int nextUuid;

  CoreCluster() {
    Clock clock = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    MasterInfo info = MasterInfo.newBuilder().setId("M1").setIp(16777343).setPort(5050).setHostname("master.local")
        .setPid("master@127.0.0.1:5050").setVersion(Master.VERSION).build();
    master = new Master(clock, new DrfAllocator(clock, 7, AllocatorOptions.defaults()), this, MasterOptions.DEFAULTS, info);
  }

  @Override
  public void toAgent(String agentPid, JsonObject message) {
    toAgents.add(message);
  }

  @Override
  public void toOperators(org.apache.mesos.v1.master.Protos.Event event) {
  }

  @Override
  public void registryChanged(RegistryRecord record) {
    registry.add(record);
  }

  @Override
  public String streamId() {
    return "stream";
  }

  @Override
  public void send(Event event) {
    events.add(event);
  }

  @Override
  public void close() {
  }

  String subscribe(String name) {
    return subscribe(name, false);
  }

  String subscribe(String name, boolean partitionAware) {
    FrameworkInfo.Builder fi = FrameworkInfo.newBuilder().setUser("root").setName(name).setFailoverTimeout(600);
    if (partitionAware) {
      fi.addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE));
    }
    return master.subscribe(Call.Subscribe.newBuilder().setFrameworkInfo(fi).build(), this).frameworkId();
  }

  String register(String hostname) {
    return register(hostname, "cpus:4;mem:4096");
  }

  String register(String hostname, String resources) {
    return master.agents().register("pid-" + hostname, AgentInfo.newBuilder().setHostname(hostname).setPort(5051)
        .addAllResources(Resources.parse(resources, "*")).build(), "1.11.0").body().getString("agent_id");
  }

  /** A framework of one role (MULTI_ROLE). */
  String subscribeRole(String name, String role) {
    return master.subscribe(Call.Subscribe.newBuilder().setFrameworkInfo(FrameworkInfo.newBuilder().setUser("root").setName(name)
        .setFailoverTimeout(600).addRoles(role)
        .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.MULTI_ROLE))).build(), this)
        .frameworkId();
  }

  /** Runs an allocation and returns the offers it made. */
  List<Offer> offers() {
    events.clear();
    master.allocate();
    return events.stream().filter(e -> e.getType() == Event.Type.OFFERS).flatMap(e -> e.getOffers().getOffersList().stream()).toList();
  }

  /** ACCEPT of one offer with the operations, unused resources back at once (refuse 0 s). */
  void accept(Offer offer, Offer.Operation... operations) {
    master.call(Call.newBuilder().setType(Call.Type.ACCEPT).setFrameworkId(offer.getFrameworkId())
        .setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId()).addAllOperations(List.of(operations))
            .setFilters(org.apache.mesos.v1.Protos.Filters.newBuilder().setRefuseSeconds(0))).build(), "stream");
  }

  /** Launches {@code count} tasks on the agent from the framework's next offer there, and reports them running. */
  List<String> launch(String frameworkId, String agentId, int count) {
    events.clear();
    master.allocate();
    Offer offer = events.stream().filter(e -> e.getType() == Event.Type.OFFERS).flatMap(e -> e.getOffers().getOffersList().stream())
        .filter(o -> o.getAgentId().getValue().equals(agentId)).findFirst().orElseThrow();
    Offer.Operation.Launch.Builder launch = Offer.Operation.Launch.newBuilder();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = agentId + "-task-" + i;
      ids.add(id);
      launch.addTaskInfos(TaskInfo.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue(id)).setAgentId(offer.getAgentId())
          .setCommand(CommandInfo.newBuilder().setValue("sleep 100")).addAllResources(Resources.parse("cpus:0.5;mem:64", "*")));
    }
    master.call(Call.newBuilder().setType(Call.Type.ACCEPT).setFrameworkId(offer.getFrameworkId())
        .setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId()).addOperations(Offer.Operation.newBuilder()
            .setType(Offer.Operation.Type.LAUNCH).setLaunch(launch))).build(), "stream");
    for (String id : ids) {
      update(frameworkId, agentId, id, TaskState.TASK_RUNNING);
    }
    return ids;
  }

  /** The agent's status update (with a uuid, so it waits for the acknowledgement); returns the uuid. */
  ByteString update(String frameworkId, String agentId, String taskId, TaskState state) {
    ByteString uuid = ByteString.copyFrom(new byte[] {(byte) nextUuid++, 1, 2, 3});
    master.tasks().statusUpdate(agentId, frameworkId, TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId))
        .setState(state).setSource(TaskStatus.Source.SOURCE_EXECUTOR).setAgentId(AgentID.newBuilder().setValue(agentId))
        .setUuid(uuid).build());
    return uuid;
  }

  /** The framework acknowledges an update. */
  void acknowledge(String frameworkId, String agentId, String taskId, ByteString uuid) {
    master.call(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setFrameworkId(org.apache.mesos.v1.Protos.FrameworkID.newBuilder()
        .setValue(frameworkId)).setAcknowledge(Call.Acknowledge.newBuilder().setAgentId(AgentID.newBuilder().setValue(agentId))
        .setTaskId(TaskID.newBuilder().setValue(taskId)).setUuid(uuid)).build(), "stream");
  }
}
