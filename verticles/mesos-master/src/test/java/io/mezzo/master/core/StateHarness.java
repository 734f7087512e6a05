package io.mezzo.master.core;

import com.google.protobuf.ByteString;
import io.mezzo.master.allocator.AllocatorOptions;
import io.mezzo.master.allocator.DrfAllocator;
import io.mezzo.mesos.proto.MesosJson;
import io.mezzo.mesos.proto.Resources;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.master.Protos.Response;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * In-process timing of the state answers on a master of the benchmark's shape (no HTTP, no event
 * bus): a profiling aid for {@code scripts/bench/master}, not a test.
 */
public final class StateHarness {
  private StateHarness() {
  }

  /** Times a new master taking every agent's re-registration (tasks in the compact protobuf form). */
  private static void failover(Master old, Clock clock, Outbox none, String fid, int rounds) {
    java.util.List<String[]> messages = new java.util.ArrayList<>();
    Map<String, AgentInfo> registry = new java.util.HashMap<>();
    java.util.List<FrameworkInfo> frameworks = java.util.List.of(old.frameworks.get(fid).info);
    for (AgentRecord a : old.agents.records()) {
      java.util.List<org.apache.mesos.v1.Protos.Task> tasks = new java.util.ArrayList<>();
      for (TaskRecord t : a.tasks.values()) {
        tasks.add(t.toTask().toBuilder().clearStatuses().build());
      }
      registry.put(a.id, a.info);
      messages.add(new String[] {a.id, MesosJson.print(a.info.toBuilder().clearId().build()),
          io.mezzo.mesos.protocol.AgentProtocol.encodeTasks(tasks)});
    }
    for (int r = 0; r < rounds; r++) {
      MasterInfo info = MasterInfo.newBuilder().setId("M" + (r + 2)).setIp(16777343).setPort(5050).setHostname("master.local")
          .setPid("master@127.0.0.1:5050").setVersion(Master.VERSION).build();
      Master next = new Master(clock, new DrfAllocator(clock, 7, AllocatorOptions.defaults()), none, MasterOptions.DEFAULTS, info);
      long t0 = System.nanoTime();
      next.recover(Map.of(fid, frameworks.get(0)), registry, java.util.Set.of());
      long t1 = System.nanoTime();
      long parse = 0;
      for (String[] m : messages) {
        long p0 = System.nanoTime();
        AgentInfo agentInfo = MesosJson.parse(m[1], AgentInfo.getDefaultInstance());
        java.util.List<org.apache.mesos.v1.Protos.Task> tasks = io.mezzo.mesos.protocol.AgentProtocol.decodeTasks(m[2]);
        parse += System.nanoTime() - p0;
        next.agents().reregister(m[0], "cluster", agentInfo, "1.11.0", tasks, frameworks);
      }
      long t2 = System.nanoTime();
      next.allocate();
      long t3 = System.nanoTime();
      System.out.printf("recover %d ms, %d re-registrations %d ms (parsing %d ms), first allocation %d ms; %d tasks%n",
          (t1 - t0) / 1_000_000, messages.size(), (t2 - t1) / 1_000_000, parse / 1_000_000, (t3 - t2) / 1_000_000,
          next.frameworks.get(fid).tasks.size());
    }
  }

  public static void main(String[] args) throws Exception {
    int agents = Integer.getInteger("bench.agents", 10_000);
    int rounds = Integer.getInteger("bench.rounds", 10);
    Clock clock = Clock.systemUTC();
    MasterInfo info = MasterInfo.newBuilder().setId("M1").setIp(16777343).setPort(5050).setHostname("master.local")
        .setPid("master@127.0.0.1:5050").setVersion(Master.VERSION).build();
    java.util.List<Event> offers = new java.util.ArrayList<>();
    Outbox none = new Outbox() {
      @Override
      public void toAgent(String agentPid, JsonObject message) {
      }

      @Override
      public void toOperators(org.apache.mesos.v1.master.Protos.Event event) {
      }

      @Override
      public void registryChanged(RegistryRecord record) {
      }
    };
    Master master = new Master(clock, new DrfAllocator(clock, 7, AllocatorOptions.defaults()), none, MasterOptions.DEFAULTS, info);
    FrameworkChannel channel = new FrameworkChannel() {
      @Override
      public String streamId() {
        return "s";
      }

      @Override
      public void send(Event event) {
        if (event.getType() == Event.Type.OFFERS) {
          offers.add(event);
        }
      }

      @Override
      public void close() {
      }
    };
    String fid = master.subscribe(Call.Subscribe.newBuilder().setFrameworkInfo(FrameworkInfo.newBuilder().setUser("root")
        .setName("bench").setFailoverTimeout(3600)).build(), channel).frameworkId();
    for (int i = 0; i < agents; i++) {
      master.agents().register("cluster", AgentInfo.newBuilder().setHostname(String.format("agent-%05d.sim", i)).setPort(5051)
          .addAllResources(Resources.parse("cpus:16;mem:65536;disk:100000;ports:[31000-32000]", "*")).build(), "1.11.0");
    }
    master.allocate();
    FrameworkRecord fw = master.frameworks.get(fid);
    for (Event e : offers) {
      for (Offer offer : e.getOffers().getOffersList()) {
        Offer.Operation.Launch.Builder launch = Offer.Operation.Launch.newBuilder();
        for (int t = 0; t < 10; t++) {
          launch.addTaskInfos(TaskInfo.newBuilder().setName("bench").setTaskId(TaskID.newBuilder().setValue(offer.getAgentId().getValue() + "-t" + t))
              .setAgentId(offer.getAgentId()).setCommand(CommandInfo.newBuilder().setValue("sleep 3600"))
              .addAllResources(Resources.parse("cpus:0.5;mem:256", "*")));
        }
        Offers.accept(master, fw, Call.Accept.newBuilder().addOfferIds(offer.getId()).addOperations(Offer.Operation.newBuilder()
            .setType(Offer.Operation.Type.LAUNCH).setLaunch(launch)).setFilters(Filters.newBuilder().setRefuseSeconds(3600)).build());
      }
    }
    for (TaskRecord t : new java.util.ArrayList<>(fw.tasks.values())) {
      UUID u = UUID.randomUUID();
      master.tasks.statusUpdate(t.agentId, fid, TaskStatus.newBuilder().setTaskId(t.info.getTaskId()).setState(TaskState.TASK_RUNNING)
          .setSource(TaskStatus.Source.SOURCE_EXECUTOR).setAgentId(AgentID.newBuilder().setValue(t.agentId))
          .setTimestamp(clock.millis() / 1000.0)
          .setUuid(ByteString.copyFrom(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array()))
          .build());
    }
    master.allocate();
    System.out.printf("%d agents, %d tasks%n", master.agents.count(), fw.tasks.size());
    if (Boolean.getBoolean("bench.failover")) {
      failover(master, clock, none, fid, rounds);
      return;
    }
    if (Boolean.getBoolean("bench.dump")) {
      System.out.println(StateJson.getStateResponse(master).toString(java.nio.charset.StandardCharsets.UTF_8));
      return;
    }
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("port", "5050");
    String what = System.getProperty("bench.what", "json,legacy,proto");
    for (String w : what.split(",")) {
      double[] ms = new double[rounds];
      long bytes = 0;
      for (int i = 0; i < rounds + 3; i++) {
        long t0 = System.nanoTime();
        bytes = switch (w) {
          case "json" -> StateJson.getStateResponse(master).length();
          case "legacy" -> LegacyState.stateJson(master, "master@x:5050", flags, "mezzo").length();
          case "proto" -> Response.newBuilder().setType(Response.Type.GET_STATE).setGetState(StateViews.state(master)).build().toByteArray().length;
          case "agents" -> MesosJson.printBytes(StateViews.agents(master)).length;
          case "frameworks" -> MesosJson.printBytes(StateViews.frameworks(master)).length;
          default -> throw new IllegalArgumentException(w);
        };
        if (i >= 3) {
          ms[i - 3] = (System.nanoTime() - t0) / 1e6;
        }
      }
      Arrays.sort(ms);
      System.out.printf("%-8s %6.1f MB  p50 %7.1f ms  p90 %7.1f ms  max %7.1f ms%n", w, bytes / 1e6, ms[rounds / 2], ms[rounds * 9 / 10], ms[rounds - 1]);
    }
  }
}
