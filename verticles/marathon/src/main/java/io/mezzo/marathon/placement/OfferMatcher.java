package io.mezzo.marathon.placement;

import io.mezzo.marathon.model.AppDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Decides whether one instance of an app fits an offer: role, resources, constraints and ports. All reasons are
 * collected (not just the first) so that the queue can show a full reject summary. Pure apart from the
 * {@link Random} used for port choice.
 */
public final class OfferMatcher {

  private OfferMatcher() {
  }

  public sealed interface Result {
  }

  /** The instance fits; these host ports were chosen for it, in port order. */
  public record Match(OfferView offer, List<Integer> hostPorts) implements Result {
  }

  public record NoMatch(OfferView offer, List<NoMatchReason> reasons) implements Result {
    public NoMatch {
      reasons = List.copyOf(reasons);
    }
  }

  public static Result match(AppDefinition app, OfferView offer, List<PlacedInstance> placed, Random random) {
    List<NoMatchReason> reasons = new ArrayList<>();
    if (!app.acceptedResourceRoles().isEmpty() && !app.acceptedResourceRoles().contains(offer.role())) {
      reasons.add(NoMatchReason.UnfulfilledRole);
    }
    if (offer.cpus() < app.cpus()) {
      reasons.add(NoMatchReason.InsufficientCpus);
    }
    if (offer.mem() < app.mem()) {
      reasons.add(NoMatchReason.InsufficientMemory);
    }
    if (offer.disk() < app.disk()) {
      reasons.add(NoMatchReason.InsufficientDisk);
    }
    if (offer.gpus() < app.gpus()) {
      reasons.add(NoMatchReason.InsufficientGpus);
    }
    if (!Constraints.allMatch(app.constraints(), offer, placed)) {
      reasons.add(NoMatchReason.UnfulfilledConstraint);
    }
    boolean mapped = app.container() != null && !app.container().portMappings().isEmpty();
    Optional<List<Integer>> ports = PortAssigner.assign(PortAssigner.requestedPorts(app),
        app.requirePorts() || mapped, offer.portRanges(), random);
    if (ports.isEmpty()) {
      reasons.add(NoMatchReason.InsufficientPorts);
    }
    return reasons.isEmpty() ? new Match(offer, ports.get()) : new NoMatch(offer, reasons);
  }
}
