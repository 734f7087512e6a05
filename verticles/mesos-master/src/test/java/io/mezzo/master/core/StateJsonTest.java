package io.mezzo.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.mezzo.master.allocator.AllocatorOptions;
import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.proto.Resources;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.DiscoveryInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Labels;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.mesos.v1.Protos.Port;
import org.apache.mesos.v1.Protos.Ports;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.master.Protos.Event;
import org.apache.mesos.v1.master.Protos.Response;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The streamed state answers ({@link StateJson}, {@link LegacyState#stateJson}) against the messages
 * and trees they replace, on a master with several frameworks, agents and tasks in every list.
 */
class StateJsonTest {
  private Master master;

  private static final class NoOutbox implements Outbox {
    @Override
    public void toAgent(String agentPid, JsonObject message) {
    }

    @Override
    public void toOperators(Event event) {
    }

    @Override
    public void registryChanged(RegistryRecord record) {
    }
  }

  private static final class Channel implements FrameworkChannel {
    @Override
    public String streamId() {
      return "stream";
    }

    @Override
    public void send(org.apache.mesos.v1.scheduler.Protos.Event event) {
    }

    @Override
    public void close() {
    }
  }

  @BeforeEach
  void cluster() {
    Clock clock = Clock.fixed(Instant.parse("2026-11-25T10:00:00.123456Z"), ZoneOffset.UTC);
    MasterInfo info = MasterInfo.newBuilder().setId("M1").setIp(16777343).setPort(5050).setHostname("master.local")
        .setPid("master@127.0.0.1:5050").setVersion(Master.VERSION).build();
    master = new Master(clock, new DrfAllocator(clock, 7, AllocatorOptions.defaults()), new NoOutbox(), MasterOptions.DEFAULTS, info);

    List<String> frameworkIds = new ArrayList<>();
    for (String name : List.of("marathon", "metronome", "spark")) {
      FrameworkInfo.Builder fi = FrameworkInfo.newBuilder().setUser("root").setName(name).setFailoverTimeout(600)
          .addRoles(name.equals("spark") ? "analytics" : "*")
          .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.MULTI_ROLE));
      if (!name.equals("metronome")) {
        fi.addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE));
      }
      frameworkIds.add(master.subscribe(Call.Subscribe.newBuilder().setFrameworkInfo(fi).build(), new Channel()).frameworkId());
    }
    List<FrameworkInfo> frameworks = master.frameworks.values().stream().map(f -> f.info).toList();

    for (int a = 0; a < 4; a++) {
      AgentInfo agent = AgentInfo.newBuilder().setHostname("agent-" + a + ".local").setPort(5051)
          .addAllResources(Resources.parse("cpus:8;mem:16384;disk:1000;ports:[31000-32000];cpus(analytics):4", "*"))
          .addAttributes(org.apache.mesos.v1.Protos.Attribute.newBuilder().setName("rack")
              .setType(org.apache.mesos.v1.Protos.Value.Type.TEXT)
              .setText(org.apache.mesos.v1.Protos.Value.Text.newBuilder().setValue("r" + a % 2)))
          .build();
      String agentId = master.agents().register("pid-" + a, agent, "1.11.0").body().getString("agent_id");
      List<Task> tasks = new ArrayList<>();
      for (int f = 0; f < frameworkIds.size(); f++) {
        for (int t = 0; t < 3; t++) {
          tasks.add(task(frameworkIds.get(f), agentId, "t" + a + "-" + f + "-" + t, f == 2 ? "analytics" : "*"));
        }
      }
      master.agents().reregister(agentId, "pid-" + a, agent, "1.11.0", tasks, frameworks);
    }
    master.allocate();

    // updates: one task each finished (no uuid: completed at once), failed (waiting for its acknowledgement) and killed
    String agent0 = master.agents().records().iterator().next().id;
    master.tasks.statusUpdate(agent0, frameworkIds.get(0), status("t0-0-0", agent0, TaskState.TASK_FINISHED, false));
    master.tasks.statusUpdate(agent0, frameworkIds.get(1), status("t0-1-1", agent0, TaskState.TASK_FAILED, true));
    master.tasks.statusUpdate(agent0, frameworkIds.get(2), status("t0-2-2", agent0, TaskState.TASK_KILLED, false));
    // the last agent stops answering pings: its tasks become unreachable (or lost, for metronome)
    String last = new ArrayList<>(master.agents().pids().keySet()).get(3);
    for (int i = 0; i < MasterOptions.DEFAULTS.maxAgentPingTimeouts(); i++) {
      master.agents().pingMissed(last);
    }
  }

  private static Task task(String frameworkId, String agentId, String id, String role) {
    List<Resource> resources = new ArrayList<>();
    for (Resource r : Resources.parse("cpus:0.5;mem:128;ports:[31000-31001]", "*")) {
      Resource.Builder b = r.toBuilder().setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(role));
      if (!role.equals("*")) {
        b.addReservations(Resource.ReservationInfo.newBuilder().setType(Resource.ReservationInfo.Type.STATIC).setRole(role));
      }
      resources.add(b.build());
    }
    return Task.newBuilder().setName("task " + id + " \"quoted\" é").setTaskId(TaskID.newBuilder().setValue(id))
        .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId)).setAgentId(AgentID.newBuilder().setValue(agentId))
        .setState(TaskState.TASK_RUNNING).addAllResources(resources)
        .setLabels(Labels.newBuilder().addLabels(Label.newBuilder().setKey("HAPROXY_GROUP").setValue("external"))
            .addLabels(Label.newBuilder().setKey("empty")))
        .setDiscovery(DiscoveryInfo.newBuilder().setVisibility(DiscoveryInfo.Visibility.FRAMEWORK).setName(id)
            .setPorts(Ports.newBuilder().addPorts(Port.newBuilder().setNumber(31000).setName("http").setProtocol("tcp")
                .setLabels(Labels.newBuilder().addLabels(Label.newBuilder().setKey("VIP_0").setValue("/app:80"))))))
        .addStatuses(status(id, agentId, TaskState.TASK_STARTING, true))
        .addStatuses(status(id, agentId, TaskState.TASK_RUNNING, true).toBuilder().setHealthy(true).build())
        .build();
  }

  private static TaskStatus status(String taskId, String agentId, TaskState state, boolean uuid) {
    TaskStatus.Builder s = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId)).setState(state)
        .setSource(TaskStatus.Source.SOURCE_EXECUTOR).setAgentId(AgentID.newBuilder().setValue(agentId))
        .setTimestamp(1795651200.25).setMessage("line\nbreak");
    if (uuid) {
      s.setUuid(ByteString.copyFrom(new byte[] {1, 2, 3, (byte) 0xfe, (byte) 0xff, 0, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}));
    }
    return s.build();
  }

  @Test
  void getState_streamed_isTheOldPrintedResponseByteForByte() {
    Response old = Response.newBuilder().setType(Response.Type.GET_STATE).setGetState(StateViews.state(master)).build();

    String streamed = StateJson.getStateResponse(master).toString(StandardCharsets.UTF_8);

    assertThat(old.getGetState().getGetTasks().getTasksCount()).isGreaterThan(10);
    assertThat(old.getGetState().getGetTasks().getCompletedTasksCount()).as("finished, killed, 3 lost").isEqualTo(5);
    assertThat(old.getGetState().getGetTasks().getUnreachableTasksCount()).isEqualTo(6);
    // printed defaults (e.g. checkpoint: false) come back as set fields, on either path
    assertThat(MesosJson.parse(streamed, Response.getDefaultInstance()))
        .isEqualTo(MesosJson.parse(MesosJson.print(old), Response.getDefaultInstance()));
    assertThat(streamed).isEqualTo(MesosJson.print(old));
  }

  @Test
  void getState_afterMoreUpdates_showsThemInsteadOfTheKeptTaskJson() {
    StateJson.getStateResponse(master);
    String agent = master.agents().records().iterator().next().id;
    String framework = master.frameworks.keySet().iterator().next();
    master.tasks.statusUpdate(agent, framework, status("t0-0-1", agent, TaskState.TASK_KILLING, true));

    String streamed = StateJson.getStateResponse(master).toString(StandardCharsets.UTF_8);

    assertThat(streamed).contains("TASK_KILLING");
    assertThat(streamed).isEqualTo(MesosJson.print(Response.newBuilder().setType(Response.Type.GET_STATE)
        .setGetState(StateViews.state(master))));
  }

  @Test
  void subscribed_streamed_isTheOldPrintedEvent() {
    Event old = Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed.newBuilder()
        .setGetState(StateViews.state(master)).setHeartbeatIntervalSeconds(master.heartbeatSeconds())).build();

    String streamed = StateJson.subscribedEvent(master).toString(StandardCharsets.UTF_8);

    assertThat(MesosJson.parse(streamed, Event.getDefaultInstance()))
        .isEqualTo(MesosJson.parse(MesosJson.print(old), Event.getDefaultInstance()));
    assertThat(streamed).isEqualTo(MesosJson.print(old));
  }

  @Test
  void masterState_streamed_isTheOldTreeEncoded() {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("port", "5050");
    flags.put("cluster", "mezzo");
    flags.put("zk", "zk://localhost:2181/mesos");

    JsonObject old = LegacyState.state(master, "master@127.0.0.1:5050", flags, "mezzo");
    String streamed = LegacyState.stateJson(master, "master@127.0.0.1:5050", flags, "mezzo").toString(StandardCharsets.UTF_8);

    assertThat(old.getJsonArray("frameworks").getJsonObject(0).getJsonArray("tasks")).isNotEmpty();
    assertThat(old.getJsonArray("frameworks").getJsonObject(0).getJsonArray("unreachable_tasks")).isNotEmpty();
    assertThat(old.getJsonArray("frameworks").getJsonObject(0).getJsonArray("completed_tasks")).isNotEmpty();
    assertThat(new JsonObject(streamed)).isEqualTo(old);
    assertThat(streamed).isEqualTo(old.encode());
  }
}
