package io.mezzo.marathon.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.marathon.model.Constraint;
import io.mezzo.marathon.model.ConstraintOperator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConstraintsTest {

  private static OfferView agent(String host, String rack, String region, String zone) {
    Map<String, AttributeValue> attrs = rack == null ? Map.of()
        : Map.of("rack", AttributeValue.text(rack), "cores", AttributeValue.scalar(8));
    return new OfferView("a-" + host, host, attrs, 8, 8192, 1000, 0, List.of(new PortRange(31000, 31010)), "*",
        region, zone);
  }

  private static PlacedInstance on(String host, String rack) {
    return PlacedInstance.on("i-" + host, agent(host, rack, "eu", "eu-1"));
  }

  private static boolean ok(Constraint c, OfferView candidate, PlacedInstance... placed) {
    return Constraints.matches(c, candidate, List.of(placed));
  }

  @Test
  void unique_onHostname_rejectsHostAlreadyUsed() {
    Constraint c = Constraint.of("@hostname", ConstraintOperator.UNIQUE);

    assertThat(ok(c, agent("h1", "r1", null, null), on("h1", "r1"))).isFalse();
    assertThat(ok(c, agent("h2", "r1", null, null), on("h1", "r1"))).isTrue();
    assertThat(ok(Constraint.of("hostname", ConstraintOperator.UNIQUE), agent("h1", "r1", null, null),
        on("h1", "r1"))).isFalse();
  }

  @Test
  void cluster_withValue_acceptsOnlyThatValue() {
    Constraint c = Constraint.of("rack", ConstraintOperator.CLUSTER, "r2");

    assertThat(ok(c, agent("h1", "r2", null, null))).isTrue();
    assertThat(ok(c, agent("h1", "r1", null, null))).isFalse();
  }

  @Test
  void cluster_withoutValue_followsFirstPlacedInstance() {
    Constraint c = Constraint.of("rack", ConstraintOperator.CLUSTER);

    assertThat(ok(c, agent("h1", "r1", null, null))).isTrue();
    assertThat(ok(c, agent("h2", "r1", null, null), on("h1", "r1"))).isTrue();
    assertThat(ok(c, agent("h3", "r2", null, null), on("h1", "r1"))).isFalse();
  }

  @Test
  void groupBy_withCount_waitsForUnseenValuesBeforeStacking() {
    Constraint c = Constraint.of("rack", ConstraintOperator.GROUP_BY, "3");
    PlacedInstance[] placed = {on("h1", "r1"), on("h2", "r2")};

    assertThat(ok(c, agent("h3", "r1", null, null), placed)).isFalse();
    assertThat(ok(c, agent("h4", "r3", null, null), placed)).isTrue();
    assertThat(ok(c, agent("h5", "r1", null, null), on("h1", "r1"), on("h2", "r2"), on("h4", "r3"))).isTrue();
  }

  @Test
  void groupBy_withoutCount_balancesOverSeenValues() {
    Constraint c = Constraint.of("rack", ConstraintOperator.GROUP_BY);

    assertThat(ok(c, agent("h3", "r1", null, null), on("h1", "r1"), on("h2", "r2"))).isTrue();
    assertThat(ok(c, agent("h3", "r1", null, null), on("h1", "r1"), on("h2", "r1"), on("h4", "r2"))).isFalse();
  }

  @Test
  void likeAndUnlike_matchWholeValueOnly() {
    assertThat(ok(Constraint.of("rack", ConstraintOperator.LIKE, "r[12]"), agent("h", "r1", null, null))).isTrue();
    assertThat(ok(Constraint.of("rack", ConstraintOperator.LIKE, "r"), agent("h", "r1", null, null))).isFalse();
    assertThat(ok(Constraint.of("rack", ConstraintOperator.UNLIKE, "r1"), agent("h", "r1", null, null))).isFalse();
    assertThat(ok(Constraint.of("rack", ConstraintOperator.UNLIKE, "r"), agent("h", "r1", null, null))).isTrue();
  }

  @Test
  void missingAttribute_onlyUnlikeAccepts() {
    OfferView bare = agent("h", null, null, null);

    for (ConstraintOperator op : ConstraintOperator.values()) {
      Constraint c = Constraint.of("rack", op, op == ConstraintOperator.UNIQUE ? null : "1");
      assertThat(ok(c, bare)).as(op.name()).isEqualTo(op == ConstraintOperator.UNLIKE);
    }
  }

  @Test
  void maxPer_onZone_capsInstancesPerValue() {
    Constraint c = Constraint.of("@zone", ConstraintOperator.MAX_PER, "2");
    OfferView candidate = agent("h9", "r1", "eu", "eu-1");

    assertThat(ok(c, candidate, on("h1", "r1"))).isTrue();
    assertThat(ok(c, candidate, on("h1", "r1"), on("h2", "r2"))).isFalse();
  }

  @Test
  void is_onRegionTextAndScalar_comparesExactly() {
    assertThat(ok(Constraint.of("@region", ConstraintOperator.IS, "eu"), agent("h", "r1", "eu", "eu-1"))).isTrue();
    assertThat(ok(Constraint.of("@region", ConstraintOperator.IS, "us"), agent("h", "r1", "eu", "eu-1"))).isFalse();
    assertThat(ok(Constraint.of("cores", ConstraintOperator.IS, "8.0"), agent("h", "r1", null, null))).isTrue();
    assertThat(ok(Constraint.of("cores", ConstraintOperator.IS, "8"), agent("h", "r1", null, null))).isTrue();
    assertThat(ok(Constraint.of("rack", ConstraintOperator.IS, "r"), agent("h", "r1", null, null))).isFalse();
  }

  @Test
  void unknownOperator_neverMatches() {
    assertThat(ok(new Constraint("rack", "NEAR", "r1"), agent("h", "r1", null, null))).isFalse();
  }
}
