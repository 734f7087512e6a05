package io.mezzo.mesos.proto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.protobuf.Message;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;

/**
 * Mutation fuzzing with a fixed seed: mutated inputs may be rejected only with the declared
 * exception, never anything else and never a hang; accepted inputs must round-trip.
 */
class FuzzTest {

  private static final long SEED = 0x5EED_2025L;
  private static final Duration BUDGET = Duration.ofMillis(600);
  private static final String NOISE = "{}[]:,\"\\-+.0123456789eE \n\tnulltruefalseSUBSCRIBE;()*/=_aé\u0000";

  private static final List<String> JSON_SEEDS = List.of(
      MesosJsonTest.SUBSCRIBE,
      "{\"type\":\"ACKNOWLEDGE\",\"framework_id\":{\"value\":\"f\"},\"acknowledge\":{\"agent_id\":{\"value\":\"a\"},"
          + "\"task_id\":{\"value\":\"t\"},\"uuid\":\"+wB/gAECAwQFBgcICQr+/w==\"}}",
      "{\"type\":\"DECLINE\",\"decline\":{\"offer_ids\":[{\"value\":\"o1\"}],\"filters\":{\"refuse_seconds\":5.0}}}",
      "{\"type\":\"OFFERS\",\"offers\":{\"offers\":[{\"id\":{\"value\":\"o\"},\"framework_id\":{\"value\":\"f\"},"
          + "\"agent_id\":{\"value\":\"a\"},\"hostname\":\"h\",\"resources\":[{\"name\":\"ports\",\"type\":\"RANGES\","
          + "\"ranges\":{\"range\":[{\"begin\":31000,\"end\":\"32000\"}]}}],"
          + "\"unavailability\":{\"start\":{\"nanoseconds\":1700000000123456789}}}]}}");

  private static final List<String> RESOURCE_SEEDS = List.of(
      "cpus:4;mem:8192;ports:[31000-32000];disk(role):10",
      "cpus:0.5;gpus:2;bugs(debug_role):{a,b,c};ports:[21000-24000,30000-34000]");

  @Test
  void mutatedJson_parsed_throwsOnlyMesosJsonExceptionAndAcceptedInputRoundTrips() {
    fuzz(1, JSON_SEEDS, text -> {
      Message m;
      try {
        m = text.contains("OFFERS")
            ? MesosJson.parse(text, Event.getDefaultInstance())
            : MesosJson.parse(text, Call.getDefaultInstance());
      } catch (MesosJsonException expected) {
        assertThat(expected.getMessage()).startsWith("Failed to parse");
        return false;
      }
      // printing fills in proto defaults, so compare printed forms: printing is a fixed point
      String printed = MesosJson.print(m);
      assertThat(MesosJson.print(MesosJson.parse(printed, m.getDefaultInstanceForType()))).isEqualTo(printed);
      return true;
    });
  }

  @Test
  void mutatedRecordIoStream_decodedInRandomChunks_throwsOnlyRecordIOException() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JSON_SEEDS.forEach(s -> out.writeBytes(RecordIO.encode(s)));
    String stream = new String(out.toByteArray(), UTF_8);
    Random chunking = new Random(SEED);
    fuzz(2, List.of(stream), text -> {
      byte[] bytes = text.getBytes(UTF_8);
      RecordIO.Decoder d = new RecordIO.Decoder(4096);
      int records = 0;
      try {
        int i = 0;
        while (i < bytes.length) {
          int n = Math.min(bytes.length - i, 1 + chunking.nextInt(64));
          for (byte[] record : d.feed(bytes, i, n)) {
            assertThat(record.length).isBetween(1, 4096);
            records++;
          }
          i += n;
        }
      } catch (RecordIOException expected) {
        assertThat(expected.getMessage()).startsWith("RecordIO");
        return false;
      }
      return records > 0;
    });
  }

  @Test
  void mutatedResourceText_parsed_throwsOnlyIllegalArgumentAndAcceptedTextRoundTrips() {
    fuzz(3, RESOURCE_SEEDS, text -> {
      List<Resource> parsed;
      try {
        parsed = Resources.parse(text, "*");
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).isNotBlank();
        return false;
      }
      String formatted = Resources.format(parsed);
      assertThat(Resources.parse(formatted, "*")).isEqualTo(parsed);
      ResourceBag bag = ResourceBag.of(parsed);
      assertThat(bag.contains(bag)).isTrue();
      assertThat(bag.subtract(bag).isEmpty()).isTrue();
      assertThat(bag.add(bag).contains(bag)).isTrue();
      return true;
    });
  }

  /** Runs {@code check} (true = input accepted) on mutated seeds; both outcomes must occur. */
  private static void fuzz(long salt, List<String> seeds, Predicate<String> check) {
    Random random = new Random(SEED + salt);
    int[] counts = {0, 0};
    assertTimeoutPreemptively(BUDGET.multipliedBy(5), () -> {
      long deadline = System.nanoTime() + BUDGET.toNanos();
      while (System.nanoTime() < deadline) {
        String input = mutate(random, seeds.get(random.nextInt(seeds.size())));
        try {
          counts[check.test(input) ? 0 : 1]++;
        } catch (AssertionError | RuntimeException e) {
          fail("Input " + input + " gave " + e, e);
        }
      }
    });
    assertThat(counts[0]).as("accepted inputs").isGreaterThan(20);
    assertThat(counts[1]).as("rejected inputs").isGreaterThan(20);
  }

  private static String mutate(Random r, String seed) {
    StringBuilder s = new StringBuilder(seed);
    int edits = 1 + r.nextInt(4);
    for (int e = 0; e < edits; e++) {
      int at = s.length() == 0 ? 0 : r.nextInt(s.length());
      switch (r.nextInt(6)) {
        case 0 -> s.insert(at, NOISE.charAt(r.nextInt(NOISE.length())));
        case 1 -> { if (s.length() > 0) s.deleteCharAt(at); }
        case 2 -> { if (s.length() > 0) s.setCharAt(at, NOISE.charAt(r.nextInt(NOISE.length()))); }
        case 3 -> s.setLength(at);
        case 4 -> {
          int end = Math.min(s.length(), at + r.nextInt(20));
          s.insert(at, s.substring(at, end));
        }
        default -> s.insert(at, String.valueOf(r.nextLong()).substring(0, 1 + r.nextInt(10)));
      }
    }
    return s.toString();
  }
}
