package io.mezzo.mesos.proto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordIOTest {

  private static final List<String> RECORDS = List.of(
      "{\"type\":\"SUBSCRIBED\",\"subscribed\":{\"framework_id\":{\"value\":\"m-0001\"}}}",
      "{\"type\":\"HEARTBEAT\"}",
      "x",
      "{\"type\":\"ERROR\",\"error\":{\"message\":\"Framework failed over — ünïcode\"}}");

  private static byte[] stream() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RECORDS.forEach(r -> out.writeBytes(RecordIO.encode(r)));
    return out.toByteArray();
  }

  private static List<String> strings(List<byte[]> records) {
    return records.stream().map(b -> new String(b, UTF_8)).toList();
  }

  @Test
  void heartbeat_encoded_matchesTheMesosDocExample() {
    assertThat(new String(RecordIO.encode("{\"type\":\"HEARTBEAT\"}"), UTF_8)).isEqualTo("20\n{\"type\":\"HEARTBEAT\"}");
  }

  @Test
  void multiByteUtf8_encoded_countsBytesNotChars() {
    assertThat(new String(RecordIO.encode("ü"), UTF_8)).isEqualTo("2\nü");
  }

  @Test
  void stream_splitIntoTwoChunksAtEveryByteBoundary_yieldsAllRecordsInOrder() {
    byte[] all = stream();
    for (int cut = 0; cut <= all.length; cut++) {
      RecordIO.Decoder d = new RecordIO.Decoder();
      List<byte[]> got = new ArrayList<>(d.feed(all, 0, cut));
      got.addAll(d.feed(all, cut, all.length - cut));

      assertThat(strings(got)).as("cut at %d", cut).isEqualTo(RECORDS);
      assertThat(d.hasPartialRecord()).isFalse();
    }
  }

  @Test
  void stream_fedOneByteAtATime_yieldsEachRecordWhenItsLastByteArrives() {
    byte[] all = stream();
    RecordIO.Decoder d = new RecordIO.Decoder();
    List<String> got = new ArrayList<>();
    for (int i = 0; i < all.length; i++) {
      List<byte[]> out = d.feed(new byte[] {all[i]});
      got.addAll(strings(out));
      assertThat(d.hasPartialRecord()).as("partial after byte %d", i).isEqualTo(out.isEmpty());
    }
    assertThat(got).isEqualTo(RECORDS);
  }

  @Test
  void truncatedStream_leavesAPartialRecordAndNothingEmitted() {
    RecordIO.Decoder d = new RecordIO.Decoder();

    assertThat(d.feed("20\n{\"type\":".getBytes(UTF_8))).isEmpty();
    assertThat(d.hasPartialRecord()).isTrue();
  }

  @Test
  void nonDigitLength_failsAndTheDecoderStaysFailed() {
    RecordIO.Decoder d = new RecordIO.Decoder();

    assertThatThrownBy(() -> d.feed("2x\n{}".getBytes(UTF_8)))
        .isInstanceOf(RecordIOException.class).hasMessageContaining("non-digit");
    assertThatThrownBy(() -> d.feed("2\n{}".getBytes(UTF_8))).isInstanceOf(RecordIOException.class);
  }

  @Test
  void badLengths_areRejected() {
    assertThatThrownBy(() -> new RecordIO.Decoder().feed("0\n".getBytes(UTF_8)))
        .isInstanceOf(RecordIOException.class).hasMessageContaining("zero");
    assertThatThrownBy(() -> new RecordIO.Decoder().feed("\n{}".getBytes(UTF_8)))
        .isInstanceOf(RecordIOException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> new RecordIO.Decoder().feed("-5\n".getBytes(UTF_8)))
        .isInstanceOf(RecordIOException.class).hasMessageContaining("non-digit");
    assertThatThrownBy(() -> new RecordIO.Decoder().feed(" 5\nhello".getBytes(UTF_8)))
        .isInstanceOf(RecordIOException.class).hasMessageContaining("non-digit");
    assertThatThrownBy(() -> new RecordIO.Decoder().feed("000000000000000000001\nx".getBytes(UTF_8)))
        .isInstanceOf(RecordIOException.class).hasMessageContaining("longer than 20 digits");
  }

  @Test
  void lengthAboveMaximum_failsBeforeAnyDataIsBuffered() {
    RecordIO.Decoder d = new RecordIO.Decoder(1024);

    assertThat(strings(d.feed("1024\n".getBytes(UTF_8)))).isEmpty();
    assertThatThrownBy(() -> new RecordIO.Decoder(1024).feed("1025".getBytes(UTF_8)))
        .isInstanceOf(RecordIOException.class).hasMessageContaining("maximum of 1024");
    assertThatThrownBy(() -> new RecordIO.Decoder().feed("99999999999999999999\n".getBytes(UTF_8)))
        .isInstanceOf(RecordIOException.class).hasMessageContaining("maximum");
  }

  @Test
  void largeRecord_inSmallChunks_isReassembledExactly() {
    byte[] big = new byte[300_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    byte[] framed = RecordIO.encode(big);
    RecordIO.Decoder d = new RecordIO.Decoder();
    List<byte[]> got = new ArrayList<>();
    for (int i = 0; i < framed.length; i += 4093) {
      got.addAll(d.feed(framed, i, Math.min(4093, framed.length - i)));
    }
    assertThat(got).hasSize(1);
    assertThat(got.get(0)).isEqualTo(big);
  }

  @Test
  void emptyRecord_cannotBeEncoded() {
    assertThatThrownBy(() -> RecordIO.encode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
  }
}
