package io.mezzo.master.allocator;

import io.mezzo.mesos.proto.ResourceBag;
import io.mezzo.mesos.proto.Resources;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Mesos's hierarchical weighted DRF allocator. See the package README for the cycle and the
 * differences from Mesos.
 */
public final class DrfAllocator implements Allocator {

  private final Clock clock;
  private final Random random;
  private final List<long[]> minimums = new ArrayList<>();
  private final Map<String, FrameworkBook> frameworks = new HashMap<>();
  private final Map<String, AgentBook> agents = new LinkedHashMap<>();
  /** Frameworks not (yet) subscribed that hold resources on re-registered agents. */
  private final Map<String, Set<String>> orphans = new HashMap<>();
  private final Shares shares = new Shares();
  private final QuotaLimits quota = new QuotaLimits();
  private final long[] clusterTotal = Quantities.zero();

  public DrfAllocator(Clock clock, Random random, AllocatorOptions options) {
    this.clock = clock;
    this.random = random;
    options.minAllocatable().forEach(bag -> minimums.add(Quantities.requirement(bag)));
  }

  public DrfAllocator(Clock clock, long seed, AllocatorOptions options) {
    this(clock, new Random(seed), options);
  }

  @Override
  public void addFramework(String frameworkId, Set<String> roles, Set<String> suppressedRoles) {
    if (frameworks.containsKey(frameworkId)) {
      updateFramework(frameworkId, roles, suppressedRoles);
      return;
    }
    FrameworkBook fw = new FrameworkBook(frameworkId);
    fw.subscribe(roles, suppressedRoles);
    frameworks.put(frameworkId, fw);
    for (String agentId : orphans.getOrDefault(frameworkId, Set.of())) {
      AgentBook agent = agents.get(agentId);
      agent.reattribute(frameworkId, Resources.UNRESERVED, fw.primaryRole());
      agent.heldBy(frameworkId).forEach((role, bag) -> shares.charge(role, frameworkId, Quantities.of(bag)));
      fw.agentIds.add(agentId);
    }
    orphans.remove(frameworkId);
    refresh(fw);
  }

  @Override
  public void updateFramework(String frameworkId, Set<String> roles, Set<String> suppressedRoles) {
    FrameworkBook fw = frameworks.get(frameworkId);
    if (fw != null) {
      fw.subscribe(roles, suppressedRoles);
      refresh(fw);
    }
  }

  @Override
  public void deactivateFramework(String frameworkId) {
    setActive(frameworkId, false);
  }

  @Override
  public void activateFramework(String frameworkId) {
    setActive(frameworkId, true);
  }

  private void setActive(String frameworkId, boolean active) {
    FrameworkBook fw = frameworks.get(frameworkId);
    if (fw != null) {
      fw.active = active;
      refresh(fw);
    }
  }

  @Override
  public void removeFramework(String frameworkId) {
    FrameworkBook fw = frameworks.remove(frameworkId);
    if (fw == null) {
      orphans.getOrDefault(frameworkId, Set.of()).forEach(agentId -> agents.get(agentId).removeFramework(frameworkId));
      orphans.remove(frameworkId);
      return;
    }
    for (String agentId : fw.agentIds) {
      agents.get(agentId).removeFramework(frameworkId)
          .forEach((role, bag) -> shares.credit(role, frameworkId, Quantities.of(bag)));
    }
    fw.active = false;
    refresh(fw);
  }

  @Override
  public void addAgent(String agentId, ResourceBag total, Map<String, ResourceBag> usedByFramework) {
    removeAgent(agentId);
    AgentBook agent = new AgentBook(agentId, total);
    agents.put(agentId, agent);
    Quantities.add(clusterTotal, agent.totalQ, 1);
    shares.setTotal(clusterTotal);
    usedByFramework.forEach((frameworkId, used) -> {
      FrameworkBook fw = frameworks.get(frameworkId);
      String unreservedRole = fw == null ? Resources.UNRESERVED : fw.primaryRole();
      AgentBook.byRole(AgentBook.intersect(agent.free(), used)).forEach((reservedFor, bag) -> {
        String role = Resources.UNRESERVED.equals(reservedFor) ? unreservedRole : reservedFor;
        agent.allocate(frameworkId, role, bag);
        if (fw != null) {
          shares.charge(role, frameworkId, Quantities.of(bag));
          fw.agentIds.add(agentId);
        } else {
          orphans.computeIfAbsent(frameworkId, f -> new HashSet<>()).add(agentId);
        }
      });
    });
  }

  @Override
  public void removeAgent(String agentId) {
    AgentBook agent = agents.remove(agentId);
    if (agent == null) {
      return;
    }
    agent.allocations().forEach((frameworkId, held) -> {
      FrameworkBook fw = frameworks.get(frameworkId);
      if (fw == null) {
        Set<String> where = orphans.get(frameworkId);
        where.remove(agentId);
        if (where.isEmpty()) {
          orphans.remove(frameworkId);
        }
        return;
      }
      held.forEach((role, bag) -> shares.credit(role, frameworkId, Quantities.of(bag)));
      fw.agentIds.remove(agentId);
    });
    frameworks.values().forEach(fw -> fw.filters.forgetAgent(agentId));
    Quantities.add(clusterTotal, agent.totalQ, -1);
    shares.setTotal(clusterTotal);
  }

  @Override
  public void deactivateAgent(String agentId) {
    AgentBook agent = agents.get(agentId);
    if (agent != null) {
      agent.active = false;
    }
  }

  @Override
  public void activateAgent(String agentId) {
    AgentBook agent = agents.get(agentId);
    if (agent != null) {
      agent.active = true;
    }
  }

  @Override
  public void recoverResources(String frameworkId, String agentId, ResourceBag resources, Duration refuse) {
    AgentBook agent = agents.get(agentId);
    if (agent == null) {
      return;
    }
    FrameworkBook fw = frameworks.get(frameworkId);
    Map<String, ResourceBag> freed = agent.recover(frameworkId, resources);
    boolean stillHolds = !agent.heldBy(frameworkId).isEmpty();
    if (fw == null) {
      if (!stillHolds && orphans.containsKey(frameworkId)) {
        orphans.get(frameworkId).remove(agentId);
        orphans.remove(frameworkId, Set.of());
      }
      return;
    }
    Instant until = refuse == null || refuse.isNegative() || refuse.isZero() ? null : clock.instant().plus(refuse);
    freed.forEach((role, bag) -> {
      shares.credit(role, frameworkId, Quantities.of(bag));
      if (until != null) {
        fw.filters.add(agentId, role, bag, until);
      }
    });
    if (!stillHolds) {
      fw.agentIds.remove(agentId);
    }
  }

  @Override
  public void suppress(String frameworkId, Set<String> roles) {
    FrameworkBook fw = frameworks.get(frameworkId);
    if (fw != null) {
      (roles.isEmpty() ? fw.roles : roles).stream().filter(fw.roles::contains).forEach(fw.suppressed::add);
      refresh(fw);
    }
  }

  @Override
  public void revive(String frameworkId, Set<String> roles) {
    FrameworkBook fw = frameworks.get(frameworkId);
    if (fw != null) {
      fw.filters.clear(roles);
      fw.suppressed.removeAll(roles.isEmpty() ? fw.roles : roles);
      refresh(fw);
    }
  }

  @Override
  public void updateWeights(Map<String, Double> weights) {
    weights.forEach((role, weight) -> {
      if (weight != null && weight > 0 && Double.isFinite(weight)) {
        shares.setWeight(role, weight);
      }
    });
  }

  @Override
  public void updateQuota(String role, ResourceBag limit) {
    quota.set(role, limit);
  }

  /**
   * Visits the active agents in random order; for each, walks the roles in DRF order and gives the
   * free resources the role may use (cut to its quota head-room) to the first framework of the role,
   * in DRF order, that no refuse filter keeps from this agent. Shares move at once, so the next
   * agent already sees the new order.
   */
  @Override
  public List<Grant> allocate() {
    Instant now = clock.instant();
    List<AgentBook> order = new ArrayList<>(agents.size());
    for (AgentBook agent : agents.values()) {
      if (agent.active) {
        order.add(agent);
      }
    }
    Collections.shuffle(order, random);
    List<Grant> grants = new ArrayList<>();
    for (AgentBook agent : order) {
      if (!allocatable(agent.freeQ())) {
        continue;
      }
      for (String role : shares.roleOrder()) {
        ResourceBag offer = quota.cap(role, agent.usableBy(role), shares::subtreeAllocation);
        long[] q = Quantities.of(offer);
        if (!allocatable(q)) {
          continue;
        }
        String frameworkId = shares.firstFramework(role,
            id -> !frameworks.get(id).filters.blocks(agent.id, role, offer, now));
        if (frameworkId == null) {
          continue;
        }
        agent.allocate(frameworkId, role, offer);
        frameworks.get(frameworkId).agentIds.add(agent.id);
        shares.charge(role, frameworkId, q);
        grants.add(new Grant(frameworkId, role, agent.id, offer));
        if (!allocatable(agent.freeQ())) {
          break;
        }
      }
    }
    return grants;
  }

  private boolean allocatable(long[] q) {
    if (minimums.isEmpty()) {
      return !Quantities.isZero(q);
    }
    for (long[] need : minimums) {
      if (Quantities.meets(q, need)) {
        return true;
      }
    }
    return false;
  }

  /** Brings the sorters in line with the framework's roles, suppression and activity. */
  private void refresh(FrameworkBook fw) {
    Set<String> roles = shares.rolesOf(fw.id);
    roles.addAll(fw.roles);
    boolean gone = !frameworks.containsKey(fw.id);
    for (String role : roles) {
      shares.setOfferable(role, fw.id, !gone && fw.offerable(role));
    }
  }
}
