package io.mezzo.master.core;

import io.mezzo.mesos.proto.ResourceBag;
import io.mezzo.mesos.proto.Resources;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;

/**
 * Persistent volumes: the CREATE and DESTROY offer operations and the operator's CREATE_VOLUMES and
 * DESTROY_VOLUMES. A volume turns reserved disk into disk with a persistence id that outlives the
 * tasks using it; the master offers it only to the disk's role, with its disk info, while no task
 * uses it. The registry keeps the agent's volumes, so a new leader offers them again.
 */
final class VolumeOps {
  private static final Logger LOG = Logger.getLogger(VolumeOps.class.getName());

  private VolumeOps() {
  }

  /** CREATE inside an ACCEPT: the offered reserved disk becomes the volumes. An invalid operation is dropped (logged). */
  static ResourceBag create(Master master, FrameworkRecord fw, Optional<AgentRecord> agent, ResourceBag remaining, List<Resource> volumes) {
    String problem = agent.isEmpty() ? "Agent is not registered" : validateCreate(master, agent.get(), volumes, fw.roles(),
        fw.info.hasPrincipal() ? fw.info.getPrincipal() : null);
    if (problem == null && !holds(remaining, volumes)) {
      problem = "Invalid CREATE Operation: the volumes' disk is not among the offered resources " + remaining;
    }
    if (problem != null) {
      String why = problem;
      LOG.info(() -> "Dropping CREATE of framework '" + fw.id + "': " + why);
      return remaining;
    }
    master.agents.changeVolumes(agent.get(), master.agents.volumes(agent.get().id).plus(volumes));
    return remaining;
  }

  /** DESTROY inside an ACCEPT: the volumes become plain reserved disk again (none may be in use). */
  static ResourceBag destroy(Master master, FrameworkRecord fw, Optional<AgentRecord> agent, ResourceBag remaining, List<Resource> volumes) {
    String problem = agent.isEmpty() ? "Agent is not registered" : validateDestroy(master, agent.get(), volumes);
    if (problem == null && !holds(remaining, volumes)) {
      problem = "Invalid DESTROY Operation: the volumes are not among the offered resources";
    }
    if (problem != null) {
      String why = problem;
      LOG.info(() -> "Dropping DESTROY of framework '" + fw.id + "': " + why);
      return remaining;
    }
    master.agents.changeVolumes(agent.get(), master.agents.volumes(agent.get().id).minus(ids(volumes)));
    return remaining;
  }

  /** Operator CREATE_VOLUMES: 202; 400 for an unknown agent or invalid volumes; 409 when the disk is not free. */
  static ReservationOps.Outcome createVolumes(Master master, String agentId, List<Resource> volumes) {
    Optional<AgentRecord> found = master.agents.find(agentId);
    if (found.isEmpty()) {
      return new ReservationOps.Outcome(400, "No agent found with specified ID");
    }
    AgentRecord agent = found.get();
    String problem = validateCreate(master, agent, volumes, null, null);
    if (problem != null) {
      return new ReservationOps.Outcome(400, "Invalid CREATE operation: " + problem);
    }
    rescindAll(master, agent);
    for (String role : roles(volumes)) {
      double wanted = volumes.stream().filter(v -> Resources.roleOf(v).equals(role)).mapToDouble(v -> v.getScalar().getValue()).sum();
      if (freeDisk(master, agent, role) + 1e-9 < wanted) {
        return new ReservationOps.Outcome(409, "Insufficient disk reserved for role '" + role + "' is free on agent '" + agentId + "'");
      }
    }
    master.agents.changeVolumes(agent, master.agents.volumes(agentId).plus(volumes));
    return new ReservationOps.Outcome(202, "");
  }

  /** Operator DESTROY_VOLUMES: 202; 400 for an unknown agent or invalid volumes; 409 for unknown volumes or volumes in use. */
  static ReservationOps.Outcome destroyVolumes(Master master, String agentId, List<Resource> volumes) {
    Optional<AgentRecord> found = master.agents.find(agentId);
    if (found.isEmpty()) {
      return new ReservationOps.Outcome(400, "No agent found with specified ID");
    }
    if (volumes.isEmpty() || !volumes.stream().allMatch(Volumes::isVolume)) {
      return new ReservationOps.Outcome(400, "Invalid DESTROY operation: every resource must be a persistent volume");
    }
    String problem = validateDestroy(master, found.get(), volumes);
    if (problem != null) {
      return new ReservationOps.Outcome(409, "Invalid DESTROY operation: " + problem);
    }
    rescindAll(master, found.get());
    master.agents.changeVolumes(found.get(), master.agents.volumes(agentId).minus(ids(volumes)));
    return new ReservationOps.Outcome(202, "");
  }

  /**
   * Why {@code volumes} cannot be created on the agent, or null. {@code roles} null: any role; {@code
   * principal} non-null: a volume's principal, when set, must be it.
   */
  private static String validateCreate(Master master, AgentRecord agent, List<Resource> volumes, Set<String> roles, String principal) {
    if (volumes.isEmpty()) {
      return "No volumes specified";
    }
    Volumes existing = master.agents.volumes(agent.id);
    Set<String> ids = new HashSet<>();
    for (Resource v : volumes) {
      if (!v.getName().equals("disk") || v.getType() != Value.Type.SCALAR || !(v.getScalar().getValue() > 0)
          || v.getScalar().getValue() > 1e12) {
        return "A persistent volume must be a positive scalar 'disk' resource";
      }
      if (!Volumes.isVolume(v)) {
        return "A persistent volume needs 'disk.persistence.id'";
      }
      if (!v.getDisk().hasVolume() || v.getDisk().getVolume().getContainerPath().isEmpty()) {
        return "Persistent volume '" + Volumes.id(v) + "' needs 'disk.volume' with a container path";
      }
      if (v.getDisk().hasSource() || v.hasShared() || v.hasRevocable()) {
        return "Persistent volume '" + Volumes.id(v) + "' has fields this master does not support (source, shared, revocable)";
      }
      String role = Resources.roleOf(v);
      if (Resources.UNRESERVED.equals(role)) {
        return "Persistent volume '" + Volumes.id(v) + "' must be made of reserved disk";
      }
      if (roles != null && !roles.contains(role)) {
        return "Role '" + role + "' of persistent volume '" + Volumes.id(v) + "' is not one of the framework's roles " + roles;
      }
      if (principal != null && v.getDisk().getPersistence().hasPrincipal() && !principal.equals(v.getDisk().getPersistence().getPrincipal())) {
        return "Principal '" + v.getDisk().getPersistence().getPrincipal() + "' of persistent volume '" + Volumes.id(v)
            + "' does not match the framework's principal '" + principal + "'";
      }
      if (!ids.add(Volumes.id(v)) || existing.has(Volumes.id(v))) {
        return "Persistent volume '" + Volumes.id(v) + "' already exists on the agent";
      }
      ResourceBag disk = agent.total.forRole(role);
      if (!holds(disk, List.of(v))) {
        return "The agent has no disk reserved for role '" + role + "' to hold persistent volume '" + Volumes.id(v) + "'";
      }
    }
    for (String role : roles(volumes)) {
      double wanted = volumes.stream().filter(v -> Resources.roleOf(v).equals(role)).mapToDouble(v -> v.getScalar().getValue()).sum();
      if (diskOf(agent.total, role) - existing.size(role) + 1e-9 < wanted) {
        return "The disk reserved for role '" + role + "' on the agent is already held by persistent volumes";
      }
    }
    return null;
  }

  private static String validateDestroy(Master master, AgentRecord agent, List<Resource> volumes) {
    if (volumes.isEmpty()) {
      return "No volumes specified";
    }
    Volumes existing = master.agents.volumes(agent.id);
    Set<String> inUse = usedIds(agent);
    for (Resource v : volumes) {
      if (!Volumes.isVolume(v)) {
        return "Resource '" + v.getName() + "' is not a persistent volume";
      }
      if (!existing.has(Volumes.id(v))) {
        return "Persistent volume '" + Volumes.id(v) + "' does not exist on the agent";
      }
      if (inUse.contains(Volumes.id(v))) {
        return "Persistent volume '" + Volumes.id(v) + "' is in use by a task";
      }
    }
    return null;
  }

  /** Why unreserving {@code resources} would take disk that persistent volumes hold (destroy them first), or null. */
  static String unreserveProblem(Master master, AgentRecord agent, List<Resource> resources) {
    Volumes volumes = master.agents.volumes(agent.id);
    for (String role : roles(resources)) {
      double taken = resources.stream().filter(r -> r.getName().equals("disk") && Resources.roleOf(r).equals(role))
          .mapToDouble(r -> r.getScalar().getValue()).sum();
      if (taken > 0 && diskOf(agent.total, role) - taken + 1e-9 < volumes.size(role)) {
        return "Disk reserved for role '" + role + "' holds persistent volumes; destroy them first";
      }
    }
    return null;
  }

  /** Ids of the volumes the agent's live tasks use (only the tasks that use volumes are looked at). */
  static Set<String> usedIds(AgentRecord agent) {
    Set<String> ids = new HashSet<>();
    for (TaskRecord t : agent.volumeTasks()) {
      if (!t.terminal()) {
        t.info.getResourcesList().stream().filter(Volumes::isVolume).forEach(r -> ids.add(Volumes.id(r)));
        if (t.info.hasExecutor()) {
          t.info.getExecutor().getResourcesList().stream().filter(Volumes::isVolume).forEach(r -> ids.add(Volumes.id(r)));
        }
      }
    }
    return ids;
  }

  /** Ids of the agent's volumes that may be offered: not used by a task, not in another outstanding offer. */
  static Set<String> offerable(Master master, AgentRecord agent) {
    Volumes volumes = master.agents.volumes(agent.id);
    if (volumes.isEmpty()) {
      return Set.of();
    }
    Set<String> ids = new HashSet<>(volumes.ids());
    ids.removeAll(usedIds(agent));
    for (String offerId : agent.offered.keySet()) {
      OfferRecord offer = master.offers.get(offerId);
      if (offer != null) {
        offer.offer().getResourcesList().stream().filter(Volumes::isVolume).forEach(r -> ids.remove(Volumes.id(r)));
      }
    }
    return ids;
  }

  /** Why a task's volumes cannot be used, or null: each must exist on the agent and not be used by another task. */
  static String checkTaskVolumes(Master master, AgentRecord agent, List<Resource> resources) {
    if (resources.stream().noneMatch(Volumes::isVolume)) {
      return null;
    }
    Volumes volumes = master.agents.volumes(agent.id);
    Set<String> used = usedIds(agent);
    for (Resource r : resources) {
      if (Volumes.isVolume(r)) {
        if (!volumes.has(Volumes.id(r))) {
          return "Task uses persistent volume '" + Volumes.id(r) + "' that does not exist on the agent";
        }
        if (used.contains(Volumes.id(r))) {
          return "Task uses persistent volume '" + Volumes.id(r) + "' that is in use by another task";
        }
      }
    }
    return null;
  }

  /** Reserved disk of the role that is neither a volume nor used by a task as plain disk. */
  private static double freeDisk(Master master, AgentRecord agent, String role) {
    double plainUsed = 0;
    for (TaskRecord t : agent.tasks.values()) {
      if (!t.terminal()) {
        for (Resource r : t.info.getResourcesList()) {
          if (r.getName().equals("disk") && !Volumes.isVolume(r) && Resources.roleOf(r).equals(role)) {
            plainUsed += r.getScalar().getValue();
          }
        }
      }
    }
    return diskOf(agent.total, role) - master.agents.volumes(agent.id).size(role) - plainUsed;
  }

  /** Whether {@code bag} holds the disk the volumes are made of (false for values a bag refuses). */
  private static boolean holds(ResourceBag bag, List<Resource> volumes) {
    try {
      return bag.contains(ResourceBag.of(volumes.stream().map(Volumes::plain).toList()));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static double diskOf(ResourceBag total, String role) {
    return total.forRole(role).toResources().stream().filter(r -> r.getName().equals("disk") && r.getType() == Value.Type.SCALAR)
        .mapToDouble(r -> r.getScalar().getValue()).sum();
  }

  private static Set<String> roles(List<Resource> volumes) {
    Set<String> roles = new HashSet<>();
    volumes.forEach(v -> roles.add(Resources.roleOf(v)));
    return roles;
  }

  private static List<String> ids(List<Resource> volumes) {
    List<String> ids = new ArrayList<>();
    volumes.forEach(v -> ids.add(Volumes.id(v)));
    return ids;
  }

  private static void rescindAll(Master master, AgentRecord agent) {
    for (String offerId : new ArrayList<>(agent.offered.keySet())) {
      master.rescind(offerId);
    }
  }
}
