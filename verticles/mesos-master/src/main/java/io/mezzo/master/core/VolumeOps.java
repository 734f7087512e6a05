package io.mezzo.master.core;

import io.mezzo.mesos.proto.ResourceBag;
import io.mezzo.mesos.proto.Resources;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;

/**
 * Persistent volumes: the CREATE, DESTROY, GROW_VOLUME and SHRINK_VOLUME offer operations and the
 * operator's CREATE_VOLUMES, DESTROY_VOLUMES, GROW_VOLUME and SHRINK_VOLUME. A volume turns reserved disk into disk with a persistence id that outlives the
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
   * GROW_VOLUME inside an ACCEPT: the offered volume takes the offered {@code addition} (plain disk of
   * the same reservation). An invalid operation is dropped (logged), as Mesos drops it.
   */
  static ResourceBag grow(Master master, FrameworkRecord fw, Optional<AgentRecord> agent, ResourceBag remaining,
                          Set<String> offeredVolumes, Offer.Operation.GrowVolume op) {
    String problem = agent.isEmpty() ? "Agent is not registered" : validateGrow(op.getVolume(), op.getAddition());
    if (problem == null) {
      problem = resizable(master, agent.get(), op.getVolume(), "GROW_VOLUME", offeredVolumes);
    }
    if (problem == null && !holds(remaining, List.of(op.getVolume(), op.getAddition()))) {
      problem = "Invalid GROW_VOLUME Operation: the volume and its addition are not among the offered resources " + remaining;
    }
    if (problem == null && freeDisk(master, agent.get(), Resources.roleOf(op.getVolume())) + 1e-9 < op.getAddition().getScalar().getValue()) {
      problem = "Invalid GROW_VOLUME Operation: the addition is not free disk of role '" + Resources.roleOf(op.getVolume()) + "'";
    }
    if (problem != null) {
      String why = problem;
      LOG.info(() -> "Dropping GROW_VOLUME of framework '" + fw.id + "': " + why);
      return remaining;
    }
    resize(master, agent.get(), op.getVolume(), op.getAddition().getScalar().getValue());
    return remaining;
  }

  /** SHRINK_VOLUME inside an ACCEPT: the offered volume gives {@code subtract} back as plain disk of its reservation. */
  static ResourceBag shrink(Master master, FrameworkRecord fw, Optional<AgentRecord> agent, ResourceBag remaining,
                            Set<String> offeredVolumes, Offer.Operation.ShrinkVolume op) {
    String problem = agent.isEmpty() ? "Agent is not registered" : validateShrink(op.getVolume(), op.getSubtract());
    if (problem == null) {
      problem = resizable(master, agent.get(), op.getVolume(), "SHRINK_VOLUME", offeredVolumes);
    }
    if (problem == null && !holds(remaining, List.of(op.getVolume()))) {
      problem = "Invalid SHRINK_VOLUME Operation: the volume is not among the offered resources " + remaining;
    }
    if (problem != null) {
      String why = problem;
      LOG.info(() -> "Dropping SHRINK_VOLUME of framework '" + fw.id + "': " + why);
      return remaining;
    }
    resize(master, agent.get(), op.getVolume(), -op.getSubtract().getValue());
    return remaining;
  }

  /** Operator GROW_VOLUME: 202; 400 for an unknown agent or an invalid call; 409 for an unknown volume, one in use, or no free disk. */
  static ReservationOps.Outcome growVolume(Master master, String agentId, Resource volume, Resource addition) {
    Optional<AgentRecord> found = master.agents.find(agentId);
    if (found.isEmpty()) {
      return new ReservationOps.Outcome(400, "No agent found with specified ID");
    }
    String problem = validateGrow(volume, addition);
    if (problem != null) {
      return new ReservationOps.Outcome(400, "Invalid GROW_VOLUME operation on agent '" + agentId + "': " + problem);
    }
    AgentRecord agent = found.get();
    problem = resizable(master, agent, volume, "GROW_VOLUME", null);
    if (problem != null) {
      return new ReservationOps.Outcome(409, problem);
    }
    rescindAll(master, agent);
    String role = Resources.roleOf(volume);
    if (freeDisk(master, agent, role) + 1e-9 < addition.getScalar().getValue()) {
      return new ReservationOps.Outcome(409, "Insufficient disk reserved for role '" + role + "' is free on agent '" + agentId + "'");
    }
    resize(master, agent, volume, addition.getScalar().getValue());
    return new ReservationOps.Outcome(202, "");
  }

  /** Operator SHRINK_VOLUME: 202; 400 for an unknown agent or an invalid call; 409 for an unknown volume or one in use. */
  static ReservationOps.Outcome shrinkVolume(Master master, String agentId, Resource volume, Value.Scalar subtract) {
    Optional<AgentRecord> found = master.agents.find(agentId);
    if (found.isEmpty()) {
      return new ReservationOps.Outcome(400, "No agent found with specified ID");
    }
    String problem = validateShrink(volume, subtract);
    if (problem != null) {
      return new ReservationOps.Outcome(400, "Invalid SHRINK_VOLUME operation on agent '" + agentId + "': " + problem);
    }
    problem = resizable(master, found.get(), volume, "SHRINK_VOLUME", null);
    if (problem != null) {
      return new ReservationOps.Outcome(409, problem);
    }
    rescindAll(master, found.get());
    resize(master, found.get(), volume, -subtract.getValue());
    return new ReservationOps.Outcome(202, "");
  }

  /** Mesos's checks of a GROW_VOLUME on its own (no agent state), in Mesos's order and words; null when valid. */
  static String validateGrow(Resource volume, Resource addition) {
    String problem = scalarDisk(volume);
    if (problem != null) {
      return "Invalid resource in the 'GrowVolume.volume' field: " + problem;
    }
    problem = scalarDisk(addition);
    if (problem != null) {
      return "Invalid resource in the 'GrowVolume.addition' field: " + problem;
    }
    if (!(fixed(addition.getScalar().getValue()) > 0)) {
      return "The size of 'GrowVolume.addition' field must be greater than zero";
    }
    if (volume.hasProviderId()) {
      return "Growing a volume from a resource provider is not supported";
    }
    if (!isVolumeWithPath(volume)) {
      return "Invalid persistent volume in the 'GrowVolume.volume' field: it needs 'disk.persistence.id' and 'disk.volume'";
    }
    if (volume.hasShared()) {
      return "Growing a shared persistent volume is not supported";
    }
    if (!addition.getName().equals(volume.getName()) || addition.hasDisk() || addition.hasShared() || addition.hasRevocable()
        || addition.hasProviderId() || !Resources.roleOf(addition).equals(Resources.roleOf(volume))) {
      return "Incompatible resources in the 'GrowVolume.volume' and 'GrowVolume.addition' fields";
    }
    return null;
  }

  /** Mesos's checks of a SHRINK_VOLUME on its own, in Mesos's order and words; null when valid. */
  static String validateShrink(Resource volume, Value.Scalar subtract) {
    String problem = scalarDisk(volume);
    if (problem != null) {
      return "Invalid resource in the 'ShrinkVolume.volume' field: " + problem;
    }
    if (!(fixed(subtract.getValue()) > 0)) {
      return "Value of 'ShrinkVolume.subtract' must be greater than zero";
    }
    if (fixed(volume.getScalar().getValue()) <= fixed(subtract.getValue())) {
      return "Value of 'ShrinkVolume.subtract' must be smaller than the size of 'ShrinkVolume.volume'";
    }
    if (volume.hasProviderId()) {
      return "Shrinking a volume from a resource provider is not supported";
    }
    if (volume.hasDisk() && volume.getDisk().getSource().getType() == Resource.DiskInfo.Source.Type.MOUNT) {
      return "Shrinking a volume on a MOUNT disk is not supported";
    }
    if (!isVolumeWithPath(volume)) {
      return "Invalid persistent volume in the 'ShrinkVolume.volume' field: it needs 'disk.persistence.id' and 'disk.volume'";
    }
    if (volume.hasShared()) {
      return "Shrinking a shared persistent volume is not supported";
    }
    return null;
  }

  /**
   * Why the agent's volume cannot be resized, or null: it must exist as given (same size and
   * reservation), not be used by a task and, in an ACCEPT ({@code offered} non-null), be offered.
   */
  private static String resizable(Master master, AgentRecord agent, Resource volume, String operation, Set<String> offered) {
    String id = Volumes.id(volume);
    Optional<Resource> existing = master.agents.volumes(agent.id).get(id);
    if (existing.isEmpty() || !Resources.roleOf(existing.get()).equals(Resources.roleOf(volume))
        || fixed(existing.get().getScalar().getValue()) != fixed(volume.getScalar().getValue())) {
      return "Invalid " + operation + " operation: persistent volume '" + id + "' of "
          + Resources.formatScalar(volume.getScalar().getValue()) + " MB does not exist on the agent";
    }
    if (usedIds(agent).contains(id)) {
      return "Invalid " + operation + " operation: persistent volume '" + id + "' is in use by a task";
    }
    if (offered != null && !offered.contains(id)) {
      return "Invalid " + operation + " Operation: persistent volume '" + id + "' is not among the offered resources";
    }
    return null;
  }

  /** The volume as kept, its size changed by {@code delta} megabytes. */
  private static void resize(Master master, AgentRecord agent, Resource volume, double delta) {
    Volumes volumes = master.agents.volumes(agent.id);
    Resource kept = volumes.get(Volumes.id(volume)).orElseThrow();
    double size = fixed(kept.getScalar().getValue() + delta);
    master.agents.changeVolumes(agent, volumes.replace(kept.toBuilder().setScalar(Value.Scalar.newBuilder().setValue(size)).build()));
  }

  /** Why {@code r} is not a positive finite scalar disk resource, or null. */
  private static String scalarDisk(Resource r) {
    if (!r.getName().equals("disk") || r.getType() != Value.Type.SCALAR || !r.hasScalar()) {
      return "it must be a scalar 'disk' resource";
    }
    double v = r.getScalar().getValue();
    if (!Double.isFinite(v) || v < 0 || v > 1e12) {
      return "invalid scalar value " + v;
    }
    return null;
  }

  private static boolean isVolumeWithPath(Resource r) {
    return Volumes.isVolume(r) && r.getDisk().hasVolume() && !r.getDisk().getVolume().getContainerPath().isEmpty();
  }

  /** A scalar at Mesos's fixed-point precision (three decimals). */
  private static double fixed(double value) {
    return Math.round(value * 1000) / 1000.0;
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
