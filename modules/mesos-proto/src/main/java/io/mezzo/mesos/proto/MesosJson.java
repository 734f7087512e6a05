package io.mezzo.mesos.proto;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import java.io.IOException;

/**
 * Protobuf messages to and from JSON the way Mesos (stout's {@code protobuf.hpp}) does it.
 *
 * <p>Printing: proto field names (snake_case); enums as their names; int64/uint64 (and all other
 * integers) as JSON numbers, never strings; bytes as standard Base64; maps as JSON objects; repeated
 * fields only when non-empty; unset optional fields that declare an explicit, non-deprecated
 * {@code [default=...]} are printed with that default.
 *
 * <p>Parsing: proto field names only; unknown JSON fields are ignored; {@code null} means "not set";
 * integers and floating-point values are accepted as JSON numbers or numeric strings; bytes as
 * standard or URL-safe Base64. Unlike stout, an unknown enum name is an error by default (stout
 * drops it unless the field is required); {@link #merge(String, Message.Builder, boolean)} offers
 * the stout behaviour. Missing required fields are an error.
 *
 * <p>All methods are stateless and thread-safe.
 */
public final class MesosJson {

  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  private MesosJson() {
  }

  /** Compact Mesos-style JSON text of {@code m}. */
  public static String print(MessageOrBuilder m) {
    java.io.StringWriter out = new java.io.StringWriter(256);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      JsonWriter.write(m, g);
    } catch (IOException e) {
      throw new IllegalStateException("Failed to write JSON for '" + m.getDescriptorForType().getFullName() + "'", e);
    }
    return out.toString();
  }

  /** {@link #print} as UTF-8 bytes. */
  public static byte[] printBytes(MessageOrBuilder m) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(256);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      JsonWriter.write(m, g);
    } catch (IOException e) {
      throw new IllegalStateException("Failed to write JSON for '" + m.getDescriptorForType().getFullName() + "'", e);
    }
    return out.toByteArray();
  }

  /**
   * Writes {@code m} as one JSON object value into {@code g} (which may be inside a larger document),
   * exactly as {@link #print} would print it. Builds no intermediate tree.
   */
  public static void write(MessageOrBuilder m, JsonGenerator g) throws IOException {
    JsonWriter.write(m, g);
  }

  /** A generator factory configured like the one behind {@link #print}. */
  public static com.fasterxml.jackson.core.JsonFactory factory() {
    return MAPPER.getFactory();
  }

  /** Mesos-style JSON tree of {@code m}; a new, mutable node on each call. */
  public static ObjectNode toTree(MessageOrBuilder m) {
    return JsonPrinter.print(m);
  }

  /**
   * Merges {@code json} into {@code builder} and returns the builder. Unknown enum names fail.
   *
   * @throws MesosJsonException on malformed JSON, a type mismatch, an unknown enum name, or required
   *     fields still unset after the merge (the message names them)
   */
  public static <B extends Message.Builder> B merge(String json, B builder) {
    return merge(json, builder, false);
  }

  /**
   * As {@link #merge(String, Message.Builder)}; with {@code dropUnknownEnums} an unknown enum name in
   * a non-required field is skipped as stout does (in a repeated field only that element is skipped).
   */
  public static <B extends Message.Builder> B merge(String json, B builder, boolean dropUnknownEnums) {
    if (json == null) {
      throw new MesosJsonException("Failed to parse JSON: no input");
    }
    JsonNode tree;
    try {
      tree = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new MesosJsonException("Failed to parse JSON: " + e.getOriginalMessage(), e);
    }
    return merge(tree, builder, dropUnknownEnums);
  }

  /** Merges an already parsed JSON tree; same rules and failures as {@link #merge(String, Message.Builder)}. */
  public static <B extends Message.Builder> B merge(JsonNode json, B builder, boolean dropUnknownEnums) {
    if (json == null || !json.isObject()) {
      throw new MesosJsonException("Failed to parse JSON: expected a JSON object for '"
          + builder.getDescriptorForType().getFullName() + "', got " + JsonParser.kind(json));
    }
    new JsonParser(dropUnknownEnums).mergeObject(json, builder, "");
    if (!builder.isInitialized()) {
      throw new MesosJsonException("Failed to parse JSON: missing required fields "
          + builder.findInitializationErrors() + " in '" + builder.getDescriptorForType().getFullName() + "'");
    }
    return builder;
  }

  /** Parses {@code json} into a new message of {@code defaultInstance}'s type. */
  @SuppressWarnings("unchecked")
  public static <M extends Message> M parse(String json, M defaultInstance) {
    return (M) merge(json, defaultInstance.newBuilderForType()).build();
  }
}
