package io.mezzo.marathon.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.Constraint;
import io.mezzo.marathon.model.ConstraintOperator;
import io.mezzo.marathon.model.PortDefinition;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OfferMatcherTest {

  private final Random random = new Random(7);

  private static OfferView offer(double cpus, double mem, List<PortRange> ports, String role) {
    return new OfferView("agent-1", "h1", Map.of(), cpus, mem, 100, 0, ports, role);
  }

  @Test
  void dynamicPorts_fromRanges_areDistinctAndInsideOffer() {
    List<PortRange> ranges = List.of(new PortRange(31000, 31002), new PortRange(32000, 32001));

    Optional<List<Integer>> ports = PortAssigner.assign(List.of(0, 0, 0, 0, 0), false, ranges, random);

    assertThat(ports).get().satisfies(p -> {
      assertThat(new HashSet<>(p)).hasSize(5);
      assertThat(p).allMatch(x -> ranges.stream().anyMatch(r -> r.contains(x)));
    });
    assertThat(PortAssigner.assign(List.of(0, 0, 0, 0, 0, 0), false, ranges, random)).isEmpty();
  }

  @Test
  void requirePorts_takesExactPortsOrNothing() {
    List<PortRange> ranges = List.of(new PortRange(8000, 8100));

    assertThat(PortAssigner.assign(List.of(8080, 0), true, ranges, random)).get()
        .satisfies(p -> assertThat(p.get(0)).isEqualTo(8080));
    assertThat(PortAssigner.assign(List.of(9090), true, ranges, random)).isEmpty();
    assertThat(PortAssigner.assign(List.of(8080, 8080), true, ranges, random)).isEmpty();
    assertThat(PortAssigner.assign(List.of(9090), false, ranges, random)).get()
        .satisfies(p -> assertThat(p.get(0)).isBetween(8000, 8100));
  }

  @Test
  void dynamicPorts_manyRuns_spreadOverTheRange() {
    List<PortRange> ranges = List.of(new PortRange(31000, 31999));
    HashSet<Integer> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      seen.add(PortAssigner.assign(List.of(0), false, ranges, random).orElseThrow().get(0));
    }
    assertThat(seen.size()).isGreaterThan(40);
  }

  @Test
  void fittingOffer_matched_returnsPorts() {
    AppDefinition app = AppDefinition.builder("/a").cmd("x").cpus(0.5).mem(256.0).build();

    OfferMatcher.Result r = OfferMatcher.match(app, offer(1, 512, List.of(new PortRange(31000, 31000)), "*"),
        List.of(), random);

    assertThat(r).isEqualTo(new OfferMatcher.Match(offer(1, 512, List.of(new PortRange(31000, 31000)), "*"),
        List.of(31000)));
  }

  @Test
  void smallOffer_wrongRoleAndConstraint_reportsEveryReason() {
    AppDefinition app = AppDefinition.builder("/a").cmd("x").cpus(2.0).mem(1024.0).gpus(1)
        .acceptedResourceRoles(List.of("public"))
        .constraints(List.of(Constraint.of("@hostname", ConstraintOperator.IS, "h2")))
        .portDefinitions(List.of(PortDefinition.of(0), PortDefinition.of(0))).build();

    OfferMatcher.Result r = OfferMatcher.match(app, offer(1, 512, List.of(new PortRange(31000, 31000)), "*"),
        List.of(), random);

    assertThat(r).isInstanceOfSatisfying(OfferMatcher.NoMatch.class, n -> assertThat(n.reasons()).containsExactly(
        NoMatchReason.UnfulfilledRole, NoMatchReason.InsufficientCpus, NoMatchReason.InsufficientMemory,
        NoMatchReason.InsufficientGpus, NoMatchReason.UnfulfilledConstraint, NoMatchReason.InsufficientPorts));
  }
}
