package io.mezzo.marathon.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.mezzo.marathon.validation.Violation;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes Marathon's v2 JSON. Unknown fields are ignored, as Marathon does (its RAML types leave
 * {@code additionalProperties} open); JSON types are strict (no string-to-number or number-to-string coercion),
 * as Play JSON is. Every read failure becomes an {@link InvalidJsonException} whose details use Marathon's paths
 * ({@code /portDefinitions(0)/port}) and Play error keys. Thread-safe.
 */
public final class MarathonJson {

  private static final ObjectMapper MAPPER = build();

  private MarathonJson() {
  }

  /** Doubles as Jackson reads them, except that numbers too large for a double (such as 1e400) are refused. */
  private static final class FiniteDouble extends com.fasterxml.jackson.databind.deser.std.StdDeserializer<Double> {
    private final com.fasterxml.jackson.databind.JsonDeserializer<?> plain;

    FiniteDouble(Class<?> type) {
      super(type);
      plain = com.fasterxml.jackson.databind.deser.std.NumberDeserializers.find(type, type.getName());
    }

    @Override
    public Double deserialize(com.fasterxml.jackson.core.JsonParser p,
                              com.fasterxml.jackson.databind.DeserializationContext ctxt) throws java.io.IOException {
      if (p.currentToken() != null && p.currentToken().isNumeric()) {
        double value = p.getDoubleValue();
        if (!Double.isFinite(value)) {
          return (Double) ctxt.handleWeirdNumberValue(Double.class, value, "not a finite number");
        }
        return value;
      }
      return (Double) plain.deserialize(p, ctxt);
    }

    @Override
    public Double getNullValue(com.fasterxml.jackson.databind.DeserializationContext ctxt)
        throws com.fasterxml.jackson.databind.JsonMappingException {
      return (Double) plain.getNullValue(ctxt);
    }
  }

  private static ObjectMapper build() {
    JsonMapper mapper = JsonMapper.builder()
        .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .defaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL))
        .serializationInclusion(JsonInclude.Include.NON_NULL)
        .addModule(new com.fasterxml.jackson.databind.module.SimpleModule("finite-numbers")
            .addDeserializer(Double.class, new FiniteDouble(Double.class))
            .addDeserializer(double.class, new FiniteDouble(double.class)))
        .build();
    for (LogicalType type : new LogicalType[] {LogicalType.Textual, LogicalType.Boolean}) {
      mapper.coercionConfigFor(type)
          .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    }
    for (LogicalType type : new LogicalType[] {LogicalType.Integer, LogicalType.Float}) {
      mapper.coercionConfigFor(type)
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    }
    for (LogicalType type : new LogicalType[] {LogicalType.POJO, LogicalType.Map, LogicalType.Collection}) {
      mapper.coercionConfigFor(type)
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    }
    return mapper;
  }

  /** The shared mapper, configured as described above. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Reads an app for create or replace; {@code id} is required. */
  public static AppDefinition readApp(String json) throws InvalidJsonException {
    AppDefinition app = read(json, AppDefinition.class);
    if (app.id() == null) {
      throw missing("/id");
    }
    return app;
  }

  public static Group readGroup(String json) throws InvalidJsonException {
    return read(json, Group.class);
  }

  public static PodDefinition readPod(String json) throws InvalidJsonException {
    PodDefinition pod = read(json, PodDefinition.class);
    if (pod.id() == null) {
      throw missing("/id");
    }
    return pod;
  }

  public static JsonNode readTree(String json) throws InvalidJsonException {
    return read(json, JsonNode.class);
  }

  public static <T> T read(String json, Class<T> type) throws InvalidJsonException {
    try {
      T value = MAPPER.readValue(json, type);
      if (value == null) {
        throw new InvalidJsonException(List.of(new Violation("/", List.of("error.expected.jsobject"))), null);
      }
      return value;
    } catch (JacksonException e) {
      throw translate(e);
    }
  }

  /**
   * Applies a PATCH-style update: every top-level field present in {@code patchJson} replaces the current
   * value, {@code null} resets a field to its default, and absent fields stay. {@code id}, {@code version} and
   * {@code versionInfo} are not taken from the patch. A patch that changes {@code networks} or {@code container}
   * without giving {@code portDefinitions} lets the default port definitions follow the new networking.
   */
  public static AppDefinition applyUpdate(AppDefinition current, String patchJson) throws InvalidJsonException {
    JsonNode patch = readTree(patchJson);
    if (!patch.isObject()) {
      throw new InvalidJsonException(List.of(new Violation("/", List.of("error.expected.jsobject"))), null);
    }
    ObjectNode merged = MAPPER.valueToTree(current);
    merged.remove(List.of("version", "versionInfo"));
    AppDefinition defaults = current.toBuilder().portDefinitions(null).build();
    boolean defaultPorts = current.portDefinitions().equals(defaults.portDefinitions());
    if (defaultPorts && !patch.has("portDefinitions") && (patch.has("networks") || patch.has("container"))) {
      merged.remove("portDefinitions");
    }
    for (Map.Entry<String, JsonNode> field : patch.properties()) {
      String name = field.getKey();
      if (name.equals("id") || name.equals("version") || name.equals("versionInfo")) {
        continue;
      }
      if (field.getValue().isNull()) {
        merged.remove(name);
      } else {
        merged.set(name, field.getValue());
      }
    }
    try {
      return MAPPER.treeToValue(merged, AppDefinition.class);
    } catch (JacksonException e) {
      throw translate(e);
    }
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  public static JsonNode toTree(Object value) {
    return MAPPER.valueToTree(value);
  }

  private static InvalidJsonException missing(String path) {
    return new InvalidJsonException(List.of(new Violation(path, List.of("error.path.missing"))), null);
  }

  static InvalidJsonException translate(JacksonException e) {
    if (!(e instanceof JsonMappingException mapping)) {
      return new InvalidJsonException(List.of(new Violation("/", List.of(e.getOriginalMessage()))), e);
    }
    return new InvalidJsonException(List.of(new Violation(path(mapping), List.of(errorKey(mapping)))), e);
  }

  static String path(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        out.append('/').append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        out.append('(').append(ref.getIndex()).append(')');
      }
    }
    return out.length() == 0 ? "/" : out.toString();
  }

  private static String errorKey(JsonMappingException e) {
    String original = e.getOriginalMessage();
    if (original != null && original.startsWith("error.")) {
      return original;
    }
    if (e instanceof ValueInstantiationException v && v.getType() != null && v.getType().isEnumType()) {
      return "error.expected.validenumvalue";
    }
    Class<?> target = e instanceof MismatchedInputException m ? m.getTargetType() : null;
    if (target == null) {
      return "error.invalid";
    }
    if (target == String.class) {
      return "error.expected.jsstring";
    }
    if (target == Integer.class || target == Long.class || target == int.class || target == long.class) {
      return e instanceof InvalidFormatException f && f.getValue() instanceof Number
          ? "error.expected.int" : "error.expected.jsnumber";
    }
    if (Number.class.isAssignableFrom(target) || target == double.class) {
      return "error.expected.jsnumber";
    }
    if (target == Boolean.class || target == boolean.class) {
      return "error.expected.jsboolean";
    }
    if (target.isEnum()) {
      return "error.expected.validenumvalue";
    }
    if (Collection.class.isAssignableFrom(target) || target.isArray()) {
      return "error.expected.jsarray";
    }
    return "error.expected.jsobject";
  }
}
