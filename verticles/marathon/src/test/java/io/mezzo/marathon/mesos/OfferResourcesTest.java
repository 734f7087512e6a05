package io.mezzo.marathon.mesos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.marathon.placement.AttributeValue;
import io.mezzo.marathon.placement.OfferView;
import io.mezzo.marathon.placement.PortRange;
import io.mezzo.mesos.proto.Resources;
import java.util.List;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.DomainInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;
import org.junit.jupiter.api.Test;

class OfferResourcesTest {

  private static Offer offer(String resources) {
    return Offer.newBuilder().setId(OfferID.newBuilder().setValue("o1"))
        .setFrameworkId(FrameworkID.newBuilder().setValue("fw")).setAgentId(AgentID.newBuilder().setValue("a1"))
        .setHostname("node-1").addAllResources(Resources.parse(resources, "*"))
        .addAttributes(Attribute.newBuilder().setName("rack").setType(Value.Type.TEXT)
            .setText(Value.Text.newBuilder().setValue("r1")))
        .addAttributes(Attribute.newBuilder().setName("level").setType(Value.Type.SCALAR)
            .setScalar(Value.Scalar.newBuilder().setValue(3)))
        .setDomain(DomainInfo.newBuilder().setFaultDomain(DomainInfo.FaultDomain.newBuilder()
            .setRegion(DomainInfo.FaultDomain.RegionInfo.newBuilder().setName("eu"))
            .setZone(DomainInfo.FaultDomain.ZoneInfo.newBuilder().setName("eu-1"))))
        .build();
  }

  @Test
  void view_sumsScalarsAndListsPortsAttributesAndDomain() {
    OfferView v = new OfferResources(offer("cpus:2;mem:1024;disk:100;ports:[31000-31002,31010-31010]")).view();
    assertThat(v.cpus()).isEqualTo(2.0);
    assertThat(v.mem()).isEqualTo(1024.0);
    assertThat(v.disk()).isEqualTo(100.0);
    assertThat(v.portRanges()).containsExactly(new PortRange(31000, 31002), new PortRange(31010, 31010));
    assertThat(v.attributes()).containsEntry("rack", AttributeValue.text("r1")).containsEntry("level", AttributeValue.scalar(3));
    assertThat(v.region()).isEqualTo("eu");
    assertThat(v.zone()).isEqualTo("eu-1");
    assertThat(v.role()).isEqualTo("*");
    assertThat(v.hostname()).isEqualTo("node-1");
  }

  @Test
  void take_removesWhatTheTaskGets_andSplitsPortRanges() {
    OfferResources r = new OfferResources(offer("cpus:1;mem:512;ports:[31000-31004]"));
    List<Resource> got = r.take(0.1, 100, 0, 0, List.of(31002, 31000));
    assertThat(Resources.format(got)).isEqualTo("cpus:0.1;mem:100;ports:[31000-31000,31002-31002]");
    OfferView left = r.view();
    assertThat(left.cpus()).isEqualTo(0.9);
    assertThat(left.mem()).isEqualTo(412.0);
    assertThat(left.portRanges()).containsExactly(new PortRange(31001, 31001), new PortRange(31003, 31004));
    // repeated small takes do not drift below what is on offer
    for (int i = 0; i < 9; i++) {
      r.take(0.1, 1, 0, 0, List.of());
    }
    assertThat(r.view().cpus()).isEqualTo(0.0);
  }

  @Test
  void take_reservedResources_keepTheirReservationAndRole() {
    OfferResources r = new OfferResources(offer("cpus(web):1;mem(web):64"));
    assertThat(r.view().role()).isEqualTo("web");
    List<Resource> got = r.take(0.5, 64, 0, 0, List.of());
    assertThat(got).allSatisfy(res -> assertThat(res.getReservationsList()).extracting(x -> x.getRole())
        .containsExactly("web"));
  }

  @Test
  void take_moreThanOffered_fails() {
    OfferResources r = new OfferResources(offer("cpus:1;mem:64;ports:[31000-31000]"));
    assertThatThrownBy(() -> r.take(2, 1, 0, 0, List.of())).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new OfferResources(offer("cpus:1;mem:64")).take(0.1, 1, 0, 0, List.of(31000)))
        .isInstanceOf(IllegalStateException.class);
  }
}
