package io.mezzo.mesos.proto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResourceBagTest {

  private static ResourceBag bag(String text) {
    return ResourceBag.parse(text, "*");
  }

  @Test
  void tenthsAddedRepeatedly_stayExact() {
    ResourceBag sum = ResourceBag.EMPTY;
    for (int i = 0; i < 10; i++) {
      sum = sum.add(bag("cpus:0.1"));
    }
    assertThat(sum.scalar("cpus")).isEqualTo(1.0);
    assertThat(bag("cpus:0.1").add(bag("cpus:0.2"))).isEqualTo(bag("cpus:0.3"));
    assertThat(bag("cpus:0.3").subtract(bag("cpus:0.1")).subtract(bag("cpus:0.2")).isEmpty()).isTrue();
  }

  @Test
  void agentMinusTask_leavesTheRestAndCoversNoMore() {
    ResourceBag agent = bag("cpus:4;mem:8192;ports:[31000-32000];bugs:{a,b,c}");
    ResourceBag task = bag("cpus:1.5;mem:512.5;ports:[31005-31006];bugs:{b}");

    ResourceBag left = agent.subtract(task);

    assertThat(agent.contains(task)).isTrue();
    assertThat(left).hasToString("bugs:{a,c};cpus:2.5;mem:7679.5;ports:[31000-31004,31007-32000]");
    assertThat(left.contains(task)).isFalse();
    assertThat(left.add(task)).isEqualTo(agent);
  }

  @Test
  void reservedResources_areKeptApartFromUnreserved() {
    ResourceBag agent = ResourceBag.parse("cpus:2;cpus(web):1", "*");

    assertThat(agent.contains(ResourceBag.parse("cpus:3", "*"))).isFalse();
    assertThat(agent.contains(ResourceBag.parse("cpus(web):1", "*"))).isTrue();
    assertThat(agent.scalar("cpus")).isEqualTo(3.0);
    assertThat(agent.scalar("cpus", "web")).isEqualTo(1.0);
    assertThat(agent.forRole("web")).isEqualTo(ResourceBag.parse("cpus:1", "web"));
  }

  @Test
  void subtractingMoreThanPresent_saturatesAtEmpty() {
    ResourceBag left = bag("cpus:1;ports:[10-20]").subtract(bag("cpus:5;mem:10;ports:[0-100]"));

    assertThat(left.isEmpty()).isTrue();
  }

  @Test
  void rangesContainment_needsEveryPortPresent() {
    ResourceBag agent = bag("ports:[1-10,20-30]");

    assertThat(agent.contains(bag("ports:[2-3,25-30]"))).isTrue();
    assertThat(agent.contains(bag("ports:[9-21]"))).isFalse();
    assertThat(agent.contains(bag("cpus:0.001"))).isFalse();
    assertThat(agent.contains(ResourceBag.EMPTY)).isTrue();
  }

  @Test
  void adjacentRanges_added_coalesce() {
    assertThat(bag("ports:[1-5]").add(bag("ports:[6-9]"))).hasToString("ports:[1-9]");
  }

  @Test
  void toResources_roundTripsThroughTheBag() {
    ResourceBag b = bag("cpus:4;mem(web):128;ports:[1-2];s:{x}");

    assertThat(ResourceBag.of(b.toResources())).isEqualTo(b);
    assertThat(Resources.format(b.toResources())).isEqualTo(b.toString());
  }
}
