package io.mezzo.master.core;

import io.mezzo.mesos.proto.ResourceBag;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Role;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.master.Protos.Response;

/** The operator API's views of the master state (GET_STATE and its parts). */
public final class StateViews {
  private StateViews() {
  }

  static Response.GetAgents.Agent agent(Master master, AgentRecord a) {
    Response.GetAgents.Agent.Builder b = Response.GetAgents.Agent.newBuilder()
        .setAgentInfo(a.info)
        .setActive(a.active)
        .setDeactivated(!a.active)
        .setPid("slave(1)@" + (a.info.getHostname()) + ":" + a.info.getPort())
        .setRegisteredTime(Master.time(a.registeredTime))
        .addAllTotalResources(master.agents.totalResources(a))
        .addAllAllocatedResources(a.used().add(a.offeredTotal()).toResources())
        .addAllOfferedResources(a.offeredTotal().toResources())
        .setVersion(a.version != null ? a.version : Master.VERSION);
    if (a.reregisteredTime != null) {
      b.setReregisteredTime(Master.time(a.reregisteredTime));
    }
    if (a.drainInfo != null) {
      b.setDrainInfo(a.drainInfo);
    }
    return b.build();
  }

  /** {@code MesosJson.printBytes(agent(master, a))}, kept until something it shows changes. */
  static byte[] agentJson(Master master, AgentRecord a) {
    Response.GetAgents.Agent message = agentView(master, a);
    if (a.operatorJson == null) {
      a.operatorJson = io.mezzo.mesos.proto.MesosJson.printBytes(message);
    }
    return a.operatorJson;
  }

  /** {@link #agent}, kept (with its JSON) until something it shows changes. */
  static Response.GetAgents.Agent agentView(Master master, AgentRecord a) {
    AgentKey key = AgentKey.of(master, a);
    if (a.operatorView == null || !key.same(a.operatorJsonKey)) {
      a.operatorView = agent(master, a);
      a.operatorJson = null;
      a.operatorJsonKey = key;
    }
    return a.operatorView;
  }

  /** What an agent's JSON is made of, compared by identity (each part is immutable and replaced on change). */
  record AgentKey(Object info, boolean active, Object total, Object used, Object offered, Object registered,
                  Object reregistered, Object drain, Object version, Object reservations, int volumes) {
    static AgentKey of(Master master, AgentRecord a) {
      return new AgentKey(a.info, a.active, a.total, a.used(), a.offeredTotal(), a.registeredTime, a.reregisteredTime,
          a.drainInfo, a.version, master.agents.reservations(a.id), a.volumesChanged);
    }

    boolean same(Object other) {
      return other instanceof AgentKey k && info == k.info && active == k.active && total == k.total && used == k.used
          && offered == k.offered && registered == k.registered && reregistered == k.reregistered && drain == k.drain
          && version == k.version && reservations == k.reservations && volumes == k.volumes;
    }
  }

  public static Response.GetAgents agents(Master master) {
    Response.GetAgents.Builder b = Response.GetAgents.newBuilder();
    for (AgentRecord a : master.agents.records()) {
      b.addAgents(agentView(master, a));
    }
    for (AgentInfo info : master.agents.recovering().values()) {
      b.addRecoveredAgents(info);
    }
    return b.build();
  }

  static Response.GetFrameworks.Framework framework(Master master, FrameworkRecord fw) {
    Response.GetFrameworks.Framework.Builder b = Response.GetFrameworks.Framework.newBuilder()
        .setFrameworkInfo(fw.info)
        .setActive(fw.active)
        .setConnected(fw.connected())
        .setRecovered(fw.recovered);
    if (fw.registeredTime != null) {
      b.setRegisteredTime(Master.time(fw.registeredTime));
    }
    if (fw.reregisteredTime != null) {
      b.setReregisteredTime(Master.time(fw.reregisteredTime));
    }
    if (fw.unregisteredTime != null) {
      b.setUnregisteredTime(Master.time(fw.unregisteredTime));
    }
    ResourceBag offered = ResourceBag.EMPTY;
    for (OfferRecord offer : fw.offers.values()) {
      b.addOffers(offer.offer());
      offered = offered.add(offer.resources());
    }
    ResourceBag used = fw.used();
    b.addAllAllocatedResources(used.add(offered).toResources());
    b.addAllOfferedResources(offered.toResources());
    return b.build();
  }

  public static Response.GetFrameworks frameworks(Master master) {
    Response.GetFrameworks.Builder b = Response.GetFrameworks.newBuilder();
    for (FrameworkRecord fw : master.frameworks.values()) {
      b.addFrameworks(framework(master, fw));
    }
    for (FrameworkRecord fw : master.completedFrameworks) {
      b.addCompletedFrameworks(framework(master, fw));
    }
    return b.build();
  }

  public static Response.GetTasks tasks(Master master) {
    return master.tasksView().build();
  }

  public static Response.GetExecutors executors(Master master) {
    Response.GetExecutors.Builder b = Response.GetExecutors.newBuilder();
    Set<String> seen = new TreeSet<>();
    for (AgentRecord a : master.agents.records()) {
      for (TaskRecord t : a.tasks.values()) {
        if (t.info.hasExecutor() && !t.terminal()) {
          ExecutorInfo e = t.info.getExecutor();
          if (seen.add(a.id + "/" + t.frameworkId + "/" + e.getExecutorId().getValue())) {
            b.addExecutors(Response.GetExecutors.Executor.newBuilder().setExecutorInfo(e)
                .setAgentId(org.apache.mesos.v1.Protos.AgentID.newBuilder().setValue(a.id)));
          }
        }
      }
    }
    return b.build();
  }

  public static Response.GetState state(Master master) {
    return Response.GetState.newBuilder()
        .setGetTasks(tasks(master))
        .setGetExecutors(executors(master))
        .setGetFrameworks(frameworks(master))
        .setGetAgents(agents(master))
        .build();
  }

  /** GET_ROLES: every role with a framework or a weight, with its weight and allocated resources. */
  public static Response.GetRoles roles(Master master) {
    Map<String, ResourceBag> allocated = new HashMap<>();
    Map<String, Set<String>> frameworksByRole = new HashMap<>();
    for (FrameworkRecord fw : master.frameworks.values()) {
      for (String role : fw.roles()) {
        frameworksByRole.computeIfAbsent(role, k -> new TreeSet<>()).add(fw.id);
        allocated.putIfAbsent(role, ResourceBag.EMPTY);
      }
      for (TaskRecord t : fw.tasks.values()) {
        if (!t.terminal() && t.state != TaskState.TASK_UNREACHABLE) {
          String role = fw.roles().iterator().next();
          for (Resource r : t.info.getResourcesList()) {
            if (r.hasAllocationInfo()) {
              role = r.getAllocationInfo().getRole();
            }
          }
          allocated.merge(role, ResourceBag.of(t.info.getResourcesList()), ResourceBag::add);
        }
      }
    }
    master.weights.keySet().forEach(r -> allocated.putIfAbsent(r, ResourceBag.EMPTY));
    Response.GetRoles.Builder b = Response.GetRoles.newBuilder();
    new TreeSet<>(allocated.keySet()).forEach(role -> {
      Role.Builder rb = Role.newBuilder().setName(role).setWeight(master.weights.getOrDefault(role, 1.0))
          .addAllResources(allocated.get(role).toResources());
      frameworksByRole.getOrDefault(role, Set.of()).forEach(id ->
          rb.addFrameworks(org.apache.mesos.v1.Protos.FrameworkID.newBuilder().setValue(id)));
      b.addRoles(rb);
    });
    return b.build();
  }

  /** Counts for the metrics snapshot. */
  static Map<TaskState, Integer> taskCounts(Master master) {
    Map<TaskState, Integer> counts = new HashMap<>();
    for (FrameworkRecord fw : master.frameworks.values()) {
      for (TaskRecord t : fw.tasks.values()) {
        counts.merge(t.state, 1, Integer::sum);
      }
    }
    for (Deque<TaskRecord> done : master.completedTasks.values()) {
      for (TaskRecord t : done) {
        counts.merge(t.state, 1, Integer::sum);
      }
    }
    return counts;
  }
}
