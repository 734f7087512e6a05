package io.mezzo.master.core;

import io.mezzo.mesos.proto.ResourceBag;
import io.mezzo.mesos.proto.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Resource.ReservationInfo;

/**
 * Dynamic reservations: the RESERVE and UNRESERVE offer operations and the operator's
 * RESERVE_RESOURCES and UNRESERVE_RESOURCES. Each changes the agent's total (unreserved resources
 * become reserved for a role, or back), which the allocator and the registry learn at once.
 */
final class ReservationOps {
  private static final Logger LOG = Logger.getLogger(ReservationOps.class.getName());

  private ReservationOps() {
  }

  /** An operator call's answer: an HTTP status and a plain-text body. */
  record Outcome(int status, String message) {
    static final Outcome OK = new Outcome(200, "");
  }

  /**
   * RESERVE inside an ACCEPT: returns the offered resources left for the later operations, with the
   * reserved part in place of the unreserved one. An invalid operation is dropped (logged) and the
   * resources stay as they were.
   */
  static ResourceBag reserve(Master master, FrameworkRecord fw, Optional<AgentRecord> agent, ResourceBag remaining,
                             List<Resource> resources) {
    String problem = validate(resources, fw.roles());
    if (problem == null && fw.info.hasPrincipal()) {
      problem = resources.stream().map(r -> r.getReservations(0))
          .filter(i -> i.hasPrincipal() && !i.getPrincipal().equals(fw.info.getPrincipal())).findFirst()
          .map(i -> "Principal '" + i.getPrincipal() + "' does not match the framework's principal '" + fw.info.getPrincipal() + "'")
          .orElse(null);
    }
    ResourceBag reserved = null;
    ResourceBag from = null;
    if (problem == null) {
      try {
        reserved = ResourceBag.of(Reservations.canonical(resources));
        from = ResourceBag.of(Reservations.unreserved(resources));
      } catch (IllegalArgumentException e) {
        problem = e.getMessage();
      }
    }
    if (problem == null && !remaining.forRole(Resources.UNRESERVED).contains(from)) {
      problem = "Invalid RESERVE Operation: " + from + " is not among the offered unreserved resources " + remaining;
    }
    if (problem == null && agent.isEmpty()) {
      problem = "Agent is not registered";
    }
    if (problem != null) {
      String why = problem;
      LOG.info(() -> "Dropping RESERVE of framework '" + fw.id + "': " + why);
      return remaining;
    }
    ResourceBag after = remaining.subtract(from).add(reserved);
    AgentRecord a = agent.get();
    master.agents.changeReservations(a, master.agents.reservations(a.id).plus(resources), Map.of(fw.id, after));
    return after;
  }

  /** UNRESERVE inside an ACCEPT: the offered reserved resources become unreserved again. */
  static ResourceBag unreserve(Master master, FrameworkRecord fw, Optional<AgentRecord> agent, ResourceBag remaining,
                               List<Resource> resources) {
    String problem = validate(resources, fw.roles());
    ResourceBag reserved = null;
    ResourceBag to = null;
    if (problem == null) {
      try {
        reserved = ResourceBag.of(Reservations.canonical(resources));
        to = ResourceBag.of(Reservations.unreserved(resources));
      } catch (IllegalArgumentException e) {
        problem = e.getMessage();
      }
    }
    if (problem == null && agent.isEmpty()) {
      problem = "Agent is not registered";
    }
    if (problem == null) {
      problem = VolumeOps.unreserveProblem(master, agent.get(), resources);
    }
    if (problem == null && (!remaining.contains(reserved)
        || !master.agents.reservations(agent.get().id).contains(Reservations.canonical(resources)))) {
      problem = "Invalid UNRESERVE Operation: " + reserved + " is not among the offered dynamically reserved resources";
    }
    if (problem != null) {
      String why = problem;
      LOG.info(() -> "Dropping UNRESERVE of framework '" + fw.id + "': " + why);
      return remaining;
    }
    ResourceBag after = remaining.subtract(reserved).add(to);
    AgentRecord a = agent.get();
    master.agents.changeReservations(a, master.agents.reservations(a.id).minus(resources), Map.of(fw.id, after));
    return after;
  }

  /** Operator RESERVE_RESOURCES: outstanding offers on the agent are rescinded; the resources must be free. */
  static Outcome reserveResources(Master master, String agentId, List<Resource> resources) {
    Optional<AgentRecord> agent = master.agents.find(agentId);
    if (agent.isEmpty()) {
      return new Outcome(400, "No agent found with specified ID");
    }
    String problem = validate(resources, null);
    ResourceBag from = null;
    if (problem == null) {
      try {
        ResourceBag.of(resources);
        from = ResourceBag.of(Reservations.unreserved(resources));
      } catch (IllegalArgumentException e) {
        problem = e.getMessage();
      }
    }
    if (problem != null) {
      return new Outcome(400, "Invalid RESERVE operation: " + problem);
    }
    AgentRecord a = agent.get();
    rescindAll(master, a);
    ResourceBag free = a.total.subtract(a.used());
    if (!free.forRole(Resources.UNRESERVED).contains(from)) {
      return new Outcome(409, "Insufficient resources: " + from + " are not free on agent '" + agentId + "'");
    }
    master.agents.changeReservations(a, master.agents.reservations(a.id).plus(resources), Map.of());
    return Outcome.OK;
  }

  /** Operator UNRESERVE_RESOURCES: the resources must be dynamically reserved on the agent and unused. */
  static Outcome unreserveResources(Master master, String agentId, List<Resource> resources) {
    Optional<AgentRecord> agent = master.agents.find(agentId);
    if (agent.isEmpty()) {
      return new Outcome(400, "No agent found with specified ID");
    }
    String problem = validate(resources, null);
    ResourceBag reserved = null;
    if (problem == null) {
      try {
        reserved = ResourceBag.of(Reservations.canonical(resources));
      } catch (IllegalArgumentException e) {
        problem = e.getMessage();
      }
    }
    if (problem != null) {
      return new Outcome(400, "Invalid UNRESERVE operation: " + problem);
    }
    AgentRecord a = agent.get();
    if (!master.agents.reservations(a.id).contains(Reservations.canonical(resources))) {
      return new Outcome(409, "Resources " + reserved + " are not dynamically reserved on agent '" + agentId + "'");
    }
    String volumes = VolumeOps.unreserveProblem(master, a, resources);
    if (volumes != null) {
      return new Outcome(409, volumes);
    }
    rescindAll(master, a);
    if (!a.total.subtract(a.used()).contains(reserved)) {
      return new Outcome(409, "Resources " + reserved + " are in use on agent '" + agentId + "'");
    }
    master.agents.changeReservations(a, master.agents.reservations(a.id).minus(resources), Map.of());
    return Outcome.OK;
  }

  private static void rescindAll(Master master, AgentRecord agent) {
    for (String offerId : new ArrayList<>(agent.offered.keySet())) {
      master.rescind(offerId);
    }
  }

  /**
   * Each resource carries one DYNAMIC reservation for a role other than {@code *}; for a framework
   * the role must be one of its roles ({@code roles} null: any role).
   */
  private static String validate(List<Resource> resources, Set<String> roles) {
    if (resources.isEmpty()) {
      return "No resources specified";
    }
    for (Resource r : resources) {
      if (r.getReservationsCount() != 1) {
        return "Resource '" + r.getName() + "' must carry exactly one reservation (refinement is not supported)";
      }
      ReservationInfo info = r.getReservations(0);
      if (info.getType() != ReservationInfo.Type.DYNAMIC) {
        return "Resource '" + r.getName() + "' must have a DYNAMIC reservation";
      }
      String problem = Validation.role(info.getRole());
      if (problem != null) {
        return problem;
      }
      if (Resources.UNRESERVED.equals(info.getRole())) {
        return "Resource '" + r.getName() + "' cannot be reserved for role '*'";
      }
      if (roles != null && !roles.contains(info.getRole())) {
        return "Role '" + info.getRole() + "' is not one of the framework's roles " + roles;
      }
      if ((r.hasRole() && !Resources.UNRESERVED.equals(r.getRole())) || r.hasDisk() || r.hasRevocable() || r.hasShared()) {
        return "Resource '" + r.getName() + "' has fields a reservation does not support here";
      }
    }
    return null;
  }
}
