package io.mezzo.mesos.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.mezzo.mesos.proto.MesosJson;
import java.nio.charset.StandardCharsets;

/** The wire encoding of calls and events: Mesos-style JSON (the default) or binary protobuf. */
public enum Encoding {
  JSON("application/json"),
  PROTOBUF("application/x-protobuf");

  private final String mediaType;

  Encoding(String mediaType) {
    this.mediaType = mediaType;
  }

  /** The {@code Content-Type} / {@code Accept} value. */
  public String mediaType() {
    return mediaType;
  }

  byte[] encode(Message message) {
    return this == JSON ? MesosJson.print(message).getBytes(StandardCharsets.UTF_8) : message.toByteArray();
  }

  /**
   * Decodes one record. JSON is read the way stout reads it: unknown fields and unknown enum names in
   * optional fields are skipped, so a newer master does not break an older client.
   */
  @SuppressWarnings("unchecked")
  <M extends Message> M decode(byte[] bytes, M defaultInstance) throws InvalidProtocolBufferException {
    if (this == JSON) {
      return (M) MesosJson.merge(new String(bytes, StandardCharsets.UTF_8), defaultInstance.newBuilderForType(), true).build();
    }
    return (M) defaultInstance.getParserForType().parseFrom(bytes);
  }
}
