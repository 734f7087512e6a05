package io.mezzo.master.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.InverseOffer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TimeInfo;
import org.apache.mesos.v1.Protos.Unavailability;
import org.apache.mesos.v1.allocator.Protos.InverseOfferStatus;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * Inverse offers, as Mesos makes them for maintenance: each framework with live tasks on an agent
 * whose machine is scheduled for maintenance (DRAINING) gets an inverse offer for that agent (the
 * whole agent, with the window's unavailability) in an INVERSE_OFFERS event. The framework answers
 * with ACCEPT_INVERSE_OFFERS (it will be off the agent in time) or DECLINE_INVERSE_OFFERS; the answer
 * shows in the machine's statuses in the maintenance status, and the framework gets no new inverse
 * offer for the agent until its filter's {@code refuse_seconds} (5 by default) have passed. An
 * inverse offer is rescinded (RESCIND_INVERSE_OFFER) when it no longer applies: the machine left the
 * schedule, went down, or got another window, or the agent went away.
 */
final class InverseOffers {
  private static final Duration DEFAULT_REFUSE = Duration.ofSeconds(5);

  private record Outstanding(String id, String frameworkId, String agentId, Maintenance.Machine machine, Unavailability unavailability) {
  }

  private final Master master;
  private final Map<String, Outstanding> outstanding = new LinkedHashMap<>();
  /** Until when a framework gets no inverse offer for an agent, by {@code agentId frameworkId}. */
  private final Map<String, Instant> refusedUntil = new HashMap<>();
  /** The frameworks' last answers per draining machine, by framework id. */
  private final Map<Maintenance.Machine, Map<String, InverseOfferStatus>> statuses = new HashMap<>();

  InverseOffers(Master master) {
    this.master = master;
  }

  /** Rescinds the inverse offers that no longer apply and sends those that are due (after each allocation). */
  void update() {
    Instant now = master.clock.instant();
    for (Iterator<Outstanding> it = outstanding.values().iterator(); it.hasNext(); ) {
      Outstanding o = it.next();
      FrameworkRecord fw = master.frameworks.get(o.frameworkId());
      Optional<AgentRecord> agent = master.agents.find(o.agentId());
      boolean applies = fw != null && fw.channel != null && agent.isPresent()
          && agent.get().info != null && o.machine().equals(master.maintenance.drainingMachine(agent.get().info).orElse(null))
          && o.unavailability().equals(master.maintenance.unavailability(agent.get().info).orElse(null));
      if (!applies) {
        it.remove();
        if (fw != null && fw.channel != null) {
          fw.channel.send(Event.newBuilder().setType(Event.Type.RESCIND_INVERSE_OFFER)
              .setRescindInverseOffer(Event.RescindInverseOffer.newBuilder().setInverseOfferId(OfferID.newBuilder().setValue(o.id())))
              .build());
        }
      }
    }
    statuses.keySet().removeIf(m -> !master.maintenance.isDraining(m));
    refusedUntil.values().removeIf(until -> !until.isAfter(now));
    if (!master.maintenance.hasDraining()) {
      return;
    }
    Set<String> offered = new HashSet<>();
    outstanding.values().forEach(o -> offered.add(o.agentId() + " " + o.frameworkId()));
    Map<String, List<InverseOffer>> byFramework = new LinkedHashMap<>();
    for (AgentRecord agent : master.agents.records()) {
      Optional<Maintenance.Machine> machine = master.maintenance.drainingMachine(agent.info);
      if (machine.isEmpty()) {
        continue;
      }
      Unavailability unavailability = master.maintenance.unavailability(agent.info).orElseThrow();
      Set<String> frameworkIds = new HashSet<>();
      for (TaskRecord task : agent.tasks.values()) {
        if (!task.terminal()) {
          frameworkIds.add(task.frameworkId);
        }
      }
      for (String frameworkId : frameworkIds) {
        FrameworkRecord fw = master.frameworks.get(frameworkId);
        String key = agent.id + " " + frameworkId;
        if (fw == null || fw.channel == null || offered.contains(key) || refusedUntil.containsKey(key)) {
          continue;
        }
        Outstanding o = new Outstanding(master.newOfferId(), frameworkId, agent.id, machine.get(), unavailability);
        outstanding.put(o.id(), o);
        byFramework.computeIfAbsent(frameworkId, f -> new ArrayList<>()).add(InverseOffer.newBuilder()
            .setId(OfferID.newBuilder().setValue(o.id())).setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
            .setAgentId(AgentID.newBuilder().setValue(agent.id)).setUnavailability(unavailability).build());
      }
    }
    byFramework.forEach((frameworkId, offers) -> master.frameworks.get(frameworkId).channel.send(Event.newBuilder()
        .setType(Event.Type.INVERSE_OFFERS).setInverseOffers(Event.InverseOffers.newBuilder().addAllInverseOffers(offers)).build()));
  }

  /** ACCEPT_INVERSE_OFFERS ({@code accept}) or DECLINE_INVERSE_OFFERS; ids that are not the framework's outstanding inverse offers are ignored. */
  void answer(FrameworkRecord fw, List<OfferID> ids, Filters filters, boolean accept) {
    Instant now = master.clock.instant();
    Duration refuse = filters != null && filters.hasRefuseSeconds()
        ? Duration.ofMillis((long) (Math.max(0, filters.getRefuseSeconds()) * 1000)) : DEFAULT_REFUSE;
    for (OfferID id : ids) {
      Outstanding o = outstanding.get(id.getValue());
      if (o == null || !o.frameworkId().equals(fw.id)) {
        continue;
      }
      outstanding.remove(o.id());
      statuses.computeIfAbsent(o.machine(), m -> new LinkedHashMap<>()).put(fw.id, InverseOfferStatus.newBuilder()
          .setStatus(accept ? InverseOfferStatus.Status.ACCEPT : InverseOfferStatus.Status.DECLINE)
          .setFrameworkId(FrameworkID.newBuilder().setValue(fw.id))
          .setTimestamp(TimeInfo.newBuilder().setNanoseconds(now.getEpochSecond() * 1_000_000_000L + now.getNano())).build());
      refusedUntil.put(o.agentId() + " " + fw.id, now.plus(refuse));
    }
  }

  /** Drops a framework's unanswered inverse offers (its stream closed, failed over or was torn down). */
  void forget(String frameworkId) {
    outstanding.values().removeIf(o -> o.frameworkId().equals(frameworkId));
  }

  /** The frameworks' answers for a draining machine. */
  List<InverseOfferStatus> statuses(Maintenance.Machine machine) {
    return List.copyOf(statuses.getOrDefault(machine, Map.of()).values());
  }
}
