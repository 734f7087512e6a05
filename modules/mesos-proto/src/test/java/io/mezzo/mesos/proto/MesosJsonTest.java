package io.mezzo.mesos.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TimeInfo;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;

class MesosJsonTest {

  /** The SUBSCRIBE call as docs/scheduler-http-api.md shows it. */
  static final String SUBSCRIBE = """
      {
         "type"       : "SUBSCRIBE",
         "subscribe"  : {
            "framework_info"  : {
              "user" :  "foo",
              "name" :  "Example HTTP Framework",
              "roles": ["test"],
              "capabilities" : [{"type": "MULTI_ROLE"}]
            }
        }
      }""";

  @Test
  void subscribeCall_asMesosDocumentsIt_parsesIntoTheCall() {
    Call call = MesosJson.parse(SUBSCRIBE, Call.getDefaultInstance());

    assertThat(call.getType()).isEqualTo(Call.Type.SUBSCRIBE);
    FrameworkInfo fw = call.getSubscribe().getFrameworkInfo();
    assertThat(fw.getUser()).isEqualTo("foo");
    assertThat(fw.getName()).isEqualTo("Example HTTP Framework");
    assertThat(fw.getRolesList()).containsExactly("test");
    assertThat(fw.getCapabilities(0).getType()).isEqualTo(FrameworkInfo.Capability.Type.MULTI_ROLE);
  }

  @Test
  void subscribeCall_printed_usesProtoNamesEnumNamesAndDefaults() {
    Call call = MesosJson.parse(SUBSCRIBE, Call.getDefaultInstance());

    assertThat(MesosJson.print(call)).isEqualTo(
        "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"foo\",\"name\":\"Example HTTP Framework\","
            + "\"failover_timeout\":0.0,\"checkpoint\":false,\"roles\":[\"test\"],"
            + "\"capabilities\":[{\"type\":\"MULTI_ROLE\"}]}}}");
  }

  @Test
  void frameworkInfo_unsetFieldsWithProtoDefaults_printTheDefaultsButNotDeprecatedRole() {
    ObjectNode tree = MesosJson.toTree(FrameworkInfo.newBuilder().setUser("u").setName("n"));

    assertThat(tree.get("failover_timeout").isDouble()).isTrue();
    assertThat(tree.get("failover_timeout").doubleValue()).isZero();
    assertThat(tree.get("checkpoint").booleanValue()).isFalse();
    assertThat(tree.has("role")).as("deprecated role has [default='*'] but is not printed").isFalse();
    assertThat(tree.has("roles")).as("empty repeated fields are omitted").isFalse();
    assertThat(tree.has("id")).isFalse();
  }

  @Test
  void offersEvent_withPortRanges_printsInt64AsJsonNumbers() {
    Event event = Event.newBuilder()
        .setType(Event.Type.OFFERS)
        .setOffers(Event.Offers.newBuilder().addOffers(Offer.newBuilder()
            .setId(OfferID.newBuilder().setValue("m-O1"))
            .setFrameworkId(FrameworkID.newBuilder().setValue("m-0001"))
            .setAgentId(AgentID.newBuilder().setValue("m-S1"))
            .setHostname("agent1")
            .addAllResources(Resources.parse("cpus:2;ports:[31000-32000]", "*"))))
        .build();

    JsonNode range = MesosJson.toTree(event).at("/offers/offers/0/resources/1/ranges/range/0");

    assertThat(range.get("begin").isIntegralNumber()).isTrue();
    assertThat(range.get("begin").longValue()).isEqualTo(31000);
    assertThat(MesosJson.print(event)).contains("\"range\":[{\"begin\":31000,\"end\":32000}]")
        .doesNotContain("\"31000\"");
    assertThat(MesosJson.parse(MesosJson.print(event), Event.getDefaultInstance())).isEqualTo(event);
  }

  @Test
  void int64_with19Digits_roundTripsExactly() {
    TimeInfo t = TimeInfo.newBuilder().setNanoseconds(1_700_000_000_123_456_789L).build();

    String json = MesosJson.print(t);

    assertThat(json).isEqualTo("{\"nanoseconds\":1700000000123456789}");
    assertThat(MesosJson.parse(json, TimeInfo.getDefaultInstance())).isEqualTo(t);
    assertThat(MesosJson.parse("{\"nanoseconds\":-9223372036854775808}", TimeInfo.getDefaultInstance())
        .getNanoseconds()).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void int64_sentAsNumericString_isAccepted() {
    TimeInfo t = MesosJson.parse("{\"nanoseconds\":\"1700000000123456789\"}", TimeInfo.getDefaultInstance());

    assertThat(t.getNanoseconds()).isEqualTo(1_700_000_000_123_456_789L);
  }

  @Test
  void uint64_aboveLongMax_printsAsUnsignedNumberAndRoundTrips() {
    Value.Range r = Value.Range.newBuilder().setBegin(0).setEnd(-1L).build();

    String json = MesosJson.print(r);

    assertThat(json).isEqualTo("{\"begin\":0,\"end\":18446744073709551615}");
    assertThat(MesosJson.parse(json, Value.Range.getDefaultInstance())).isEqualTo(r);
  }

  @Test
  void int64_outOfRangeOrFractional_isRejectedWithTheFieldPath() {
    assertThatThrownBy(() -> MesosJson.parse("{\"nanoseconds\":9223372036854775808}", TimeInfo.getDefaultInstance()))
        .isInstanceOf(MesosJsonException.class)
        .hasMessageContaining("'nanoseconds'").hasMessageContaining("out of range");
    assertThatThrownBy(() -> MesosJson.parse("{\"nanoseconds\":1.5}", TimeInfo.getDefaultInstance()))
        .isInstanceOf(MesosJsonException.class).hasMessageContaining("expected an integer");
    assertThatThrownBy(() -> MesosJson.parse("{\"nanoseconds\":1e999999999}", TimeInfo.getDefaultInstance()))
        .isInstanceOf(MesosJsonException.class).hasMessageContaining("out of range");
  }

  @Test
  void unknownFields_anywhere_areIgnored() {
    Call call = MesosJson.parse("{\"type\":\"REVIVE\",\"future_field\":{\"x\":[1,2]},"
        + "\"revive\":{\"roles\":[\"a\"],\"also_new\":true}}", Call.getDefaultInstance());

    assertThat(call.getType()).isEqualTo(Call.Type.REVIVE);
    assertThat(call.getRevive().getRolesList()).containsExactly("a");
  }

  @Test
  void acknowledgeUuid_asBase64Bytes_roundTrips() {
    byte[] uuid = {(byte) 0xfb, 0x00, 0x7f, (byte) 0x80, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, (byte) 0xfe, (byte) 0xff};
    Call call = Call.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue("m-0001"))
        .setType(Call.Type.ACKNOWLEDGE)
        .setAcknowledge(Call.Acknowledge.newBuilder()
            .setAgentId(AgentID.newBuilder().setValue("m-S1"))
            .setTaskId(TaskID.newBuilder().setValue("t1"))
            .setUuid(ByteString.copyFrom(uuid)))
        .build();

    String json = MesosJson.print(call);

    assertThat(json).contains("\"uuid\":\"+wB/gAECAwQFBgcICQr+/w==\"");
    assertThat(MesosJson.parse(json, Call.getDefaultInstance()).getAcknowledge().getUuid().toByteArray())
        .isEqualTo(uuid);
    assertThat(MesosJson.parse(json.replace("+wB/gAECAwQFBgcICQr+/w==", "-wB_gAECAwQFBgcICQr-_w"),
        Call.getDefaultInstance()).getAcknowledge().getUuid().toByteArray())
        .as("URL-safe Base64 without padding").isEqualTo(uuid);
  }

  @Test
  void unknownEnumName_isRejectedNamingFieldAndValue() {
    assertThatThrownBy(() -> MesosJson.parse("{\"type\":\"SUBSCRIBEE\"}", Call.getDefaultInstance()))
        .isInstanceOf(MesosJsonException.class)
        .hasMessageStartingWith("Failed to parse 'type': unknown enum value 'SUBSCRIBEE'");
  }

  @Test
  void unknownEnumName_withDropUnknownEnums_isSkippedLikeStout() {
    FrameworkInfo.Builder b = MesosJson.merge("{\"user\":\"u\",\"name\":\"n\",\"capabilities\":"
        + "[{\"type\":\"FUTURE_CAPABILITY\"},{\"type\":\"PARTITION_AWARE\"}]}", FrameworkInfo.newBuilder(), true);

    assertThat(b.getCapabilitiesList()).extracting(FrameworkInfo.Capability::hasType).containsExactly(false, true);
  }

  @Test
  void nestedTypeMismatch_isRejectedWithTheFullPath() {
    assertThatThrownBy(() -> MesosJson.parse(
        "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"u\",\"name\":\"n\",\"roles\":[\"a\",7]}}}",
        Call.getDefaultInstance()))
        .isInstanceOf(MesosJsonException.class)
        .hasMessage("Failed to parse 'subscribe.framework_info.roles[1]': expected a string, got a number");
  }

  @Test
  void missingRequiredFields_areRejectedByName() {
    assertThatThrownBy(() -> MesosJson.parse("{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"u\"}}}",
        Call.getDefaultInstance()))
        .isInstanceOf(MesosJsonException.class)
        .hasMessageContaining("missing required fields")
        .hasMessageContaining("subscribe.framework_info.name");
  }

  @Test
  void malformedJson_isRejectedAsMesosJsonException() {
    for (String bad : new String[] {"", "{", "[]", "{\"type\":}", "{} {}", "nul", "{\"a\":1,\"a\":2}"}) {
      assertThatThrownBy(() -> MesosJson.parse(bad, Call.getDefaultInstance()))
          .as(bad).isInstanceOf(MesosJsonException.class).hasMessageStartingWith("Failed to parse");
    }
  }

  @Test
  void resourceWithRole_printsReservationsAndNoDeprecatedFields() {
    Resource r = Resources.parse("disk(web):10", "*").get(0);

    assertThat(MesosJson.print(r)).isEqualTo("{\"name\":\"disk\",\"type\":\"SCALAR\",\"scalar\":{\"value\":10.0},"
        + "\"reservations\":[{\"type\":\"STATIC\",\"role\":\"web\"}]}");
  }

  @Test
  void mapField_taskLimits_isAJsonObjectBothWays() {
    String json = "{\"name\":\"t\",\"task_id\":{\"value\":\"t1\"},\"agent_id\":{\"value\":\"a1\"},"
        + "\"limits\":{\"cpus\":{\"value\":2.5},\"mem\":{\"value\":128.0}}}";

    TaskInfo task = MesosJson.parse(json, TaskInfo.getDefaultInstance());

    assertThat(task.getLimitsMap()).containsOnlyKeys("cpus", "mem");
    assertThat(task.getLimitsMap().get("cpus").getValue()).isEqualTo(2.5);
    assertThat(MesosJson.toTree(task).get("limits").get("mem").get("value").doubleValue()).isEqualTo(128.0);
    assertThat(MesosJson.parse(MesosJson.print(task), TaskInfo.getDefaultInstance())).isEqualTo(task);
  }

  @org.junit.jupiter.api.Test
  void mapValueMissingRequiredField_isAMesosJsonException() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MesosJson.parse(
            "{\"name\":\"t\",\"task_id\":{\"value\":\"a\"},\"agent_id\":{\"value\":\"s\"},\"limits\":{\"cpus\":{}}}",
            org.apache.mesos.v1.Protos.TaskInfo.getDefaultInstance()))
        .isInstanceOf(MesosJsonException.class).hasMessageContaining("missing required fields");
  }
}
