package io.mezzo.mesos.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResourcesTest {

  @Test
  void agentFlag_parsed_givesTypedResources() {
    List<Resource> rs = Resources.parse("cpus:4;mem:8192;ports:[31000-32000];disk(role):10;bugs:{a,b,c}", "*");

    assertThat(rs).extracting(Resource::getName).containsExactly("cpus", "mem", "ports", "disk", "bugs");
    assertThat(rs.get(0).getScalar().getValue()).isEqualTo(4.0);
    assertThat(rs.get(0).getReservationsCount()).as("'*' means unreserved").isZero();
    assertThat(rs.get(0).hasRole()).isFalse();
    assertThat(rs.get(2).getRanges().getRange(0)).isEqualTo(Value.Range.newBuilder().setBegin(31000).setEnd(32000).build());
    assertThat(rs.get(3).getReservations(0).getRole()).isEqualTo("role");
    assertThat(rs.get(3).getReservations(0).getType()).isEqualTo(Resource.ReservationInfo.Type.STATIC);
    assertThat(rs.get(4).getSet().getItemList()).containsExactly("a", "b", "c");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "cpus:4;mem:8192;ports:[31000-32000];disk(role):10",
      "cpus:0.5;gpus:2;bugs(debug_role):{a,b,c}",
      "ports:[21000-24000,30000-34000];mem(eng/web):24576.125",
      "cpus(a.b-c):0.001"})
  void canonicalText_parsedAndFormatted_isUnchanged(String text) {
    assertThat(Resources.format(Resources.parse(text, "*"))).isEqualTo(text);
  }

  @Test
  void defaultRole_appliesOnlyToEntriesWithoutARole() {
    List<Resource> rs = Resources.parse("cpus:1;mem(other):2", "web");

    assertThat(rs).extracting(Resources::roleOf).containsExactly("web", "other");
    assertThat(Resources.format(rs)).isEqualTo("cpus(web):1;mem(other):2");
  }

  @Test
  void looseText_isNormalised() {
    List<Resource> rs = Resources.parse(" cpus : 1.50 ; ; ports:[5-9, 1-3,4-4];gpus:0;bugs:{};mem:0.0004;", "*");

    assertThat(Resources.format(rs)).isEqualTo("cpus:1.5;ports:[1-9]");
  }

  @Test
  void scalars_areRoundedToThreeDecimalsLikeMesos() {
    assertThat(Resources.parse("cpus:0.12345", "*").get(0).getScalar().getValue()).isEqualTo(0.123);
    assertThat(Resources.parse("cpus:0.0005", "*").get(0).getScalar().getValue()).isEqualTo(0.001);
    assertThat(Resources.formatScalar(0.1 + 0.2)).isEqualTo("0.3");
  }

  @Test
  void badSyntax_isRejectedNamingTheBadPiece() {
    assertThatThrownBy(() -> Resources.parse("cpus:4;mem:lots", "*"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Bad resource 'mem:lots'");
    assertThatThrownBy(() -> Resources.parse("cpus:4;ports:[10-5]", "*"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'10-5' begins after it ends");
    assertThatThrownBy(() -> Resources.parse("ports:[1-2", "*"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ports:[1-2");
    assertThatThrownBy(() -> Resources.parse("ports:[1-2-3]", "*"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'1-2-3'");
    assertThatThrownBy(() -> Resources.parse("cpus:-1", "*"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    assertThatThrownBy(() -> Resources.parse("cpus", "*"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'cpus'");
    assertThatThrownBy(() -> Resources.parse("cpus(..):1", "*"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'..'");
    assertThatThrownBy(() -> Resources.parse("bugs:{a,a}", "*"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate set item 'a'");
    assertThatThrownBy(() -> Resources.parse("cpus:1", "/bad"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'/bad'");
  }
}
