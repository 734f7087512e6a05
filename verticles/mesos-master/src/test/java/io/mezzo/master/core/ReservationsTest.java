package io.mezzo.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.mesos.proto.ResourceBag;
import io.mezzo.mesos.proto.Resources;
import java.util.List;
import org.apache.mesos.v1.Protos.Resource;
import org.junit.jupiter.api.Test;

class ReservationsTest {
  private static List<Resource> dynamic(String text, String role, String principal) {
    return Resources.parse(text, "*").stream().map(r -> r.toBuilder().addReservations(Resource.ReservationInfo.newBuilder()
        .setType(Resource.ReservationInfo.Type.DYNAMIC).setRole(role).setPrincipal(principal)).build()).toList();
  }

  @Test
  void plus_movesUnreservedIntoTheRole_andDecoratesWithTheDynamicReservation() {
    Reservations r = Reservations.NONE.plus(dynamic("cpus:1;mem:128", "web", "ops"));
    ResourceBag total = r.applyTo(ResourceBag.parse("cpus:4;mem:1024;disk(db):10", "*"));
    assertThat(total).isEqualTo(ResourceBag.parse("cpus:3;cpus(web):1;mem:896;mem(web):128;disk(db):10", "*"));
    List<Resource> shown = r.decorate(total.toResources());
    assertThat(shown).filteredOn(x -> Resources.roleOf(x).equals("web"))
        .allSatisfy(x -> assertThat(x.getReservations(0).getPrincipal()).isEqualTo("ops"));
    assertThat(shown).filteredOn(x -> Resources.roleOf(x).equals("db"))
        .allSatisfy(x -> assertThat(x.getReservations(0).getType()).isEqualTo(Resource.ReservationInfo.Type.STATIC));
  }

  @Test
  void minus_ofEverything_leavesNoReservation_andAgentTotalUnchanged() {
    Reservations r = Reservations.NONE.plus(dynamic("cpus:1", "web", "ops")).minus(dynamic("cpus:1", "web", "ops"));
    assertThat(r.isEmpty()).isTrue();
    assertThat(r.applyTo(ResourceBag.parse("cpus:4", "*"))).isEqualTo(ResourceBag.parse("cpus:4", "*"));
  }

  @Test
  void from_registryResources_keepsOnlyDynamicReservations() {
    List<Resource> stored = new java.util.ArrayList<>(Resources.parse("cpus:3;disk(db):10", "*"));
    stored.addAll(dynamic("cpus:1", "web", "ops"));
    Reservations r = Reservations.from(stored);
    assertThat(r.reserved()).isEqualTo(ResourceBag.parse("cpus(web):1", "*"));
    assertThat(r.applyTo(ResourceBag.parse("cpus:4;disk(db):10", "*"))).isEqualTo(ResourceBag.parse("cpus:3;cpus(web):1;disk(db):10", "*"));
  }

  @Test
  void applyTo_agentThatShrank_leavesTheReservationOut() {
    Reservations r = Reservations.NONE.plus(dynamic("cpus:8", "web", "ops"));
    assertThat(r.applyTo(ResourceBag.parse("cpus:4", "*"))).isEqualTo(ResourceBag.parse("cpus:4", "*"));
  }
}
