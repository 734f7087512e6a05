package io.mezzo.common.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Binds config trees to section records, strictly: unknown keys, wrong types, floats for integers
 * and quoted numbers are all errors naming the key.
 */
public final class ConfigBinder {

  /** The mapper for config records: snake_case keys, no coercion between scalar types. */
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .build();

  private ConfigBinder() {
  }

  /** The record as a config tree (what a section looks like with nothing overridden). */
  public static ObjectNode tree(ConfigSection section) {
    return MAPPER.valueToTree(section);
  }

  /** Binds a component's deployment config (its merged section) and validates it. */
  public static <T extends ConfigSection> T bind(JsonObject json, Class<T> type, String section) {
    return bind(MAPPER.valueToTree(json.getMap()), type, section);
  }

  /**
   * Binds a deployment config laid key by key over the section's defaults, so a caller (a test, an
   * embedding) may pass only the keys it changes; the launcher passes whole sections anyway.
   */
  public static <T extends ConfigSection> T bindOverDefaults(JsonObject json, T defaults, Class<T> type, String section) {
    ObjectNode tree = tree(defaults);
    try {
      // through text, so JsonArray/JsonObject values inside the deployment config become plain JSON
      tree.setAll((ObjectNode) MAPPER.readTree(json.encode()));
    } catch (JsonProcessingException e) {
      throw new ConfigException(section, firstLine(e.getOriginalMessage()));
    }
    return bind(tree, type, section);
  }

  /** Binds one section and validates it; throws {@link ConfigException} naming {@code section.key}. */
  public static <T extends ConfigSection> T bind(JsonNode node, Class<T> type, String section) {
    T value;
    try {
      value = MAPPER.treeToValue(node, type);
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(key(section, e), "unknown key (known: " + known(e.getKnownPropertyIds()) + ")");
    } catch (InvalidFormatException e) {
      throw new ConfigException(key(section, e), "expected " + describe(e.getTargetType()) + ", got " + render(e.getValue()));
    } catch (MismatchedInputException e) {
      JsonNode given = at(node, e);
      throw new ConfigException(key(section, e), "expected " + describe(e.getTargetType())
          + (given == null ? "" : ", got " + (given.isTextual() ? "'" + given.asText() + "'" : given.toString())));
    } catch (JsonMappingException e) {
      throw new ConfigException(key(section, e), firstLine(e.getOriginalMessage()));
    } catch (JsonProcessingException e) {
      throw new ConfigException(section, firstLine(e.getOriginalMessage()));
    }
    value.validate(new Checks(section));
    return value;
  }

  /** The section as the JSON a verticle receives. */
  @SuppressWarnings("unchecked")
  public static JsonObject json(JsonNode node) {
    return new JsonObject(MAPPER.convertValue(node, Map.class));
  }

  private static String key(String section, JsonMappingException e) {
    String path = e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."));
    if (path.isEmpty()) {
      return section;
    }
    return section.isEmpty() ? path : section + "." + path.replace(".[", "[");
  }

  /** The value the exception's path points at, or null. */
  private static JsonNode at(JsonNode root, JsonMappingException e) {
    JsonNode current = root;
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (current == null) {
        return null;
      }
      current = ref.getFieldName() != null ? current.get(ref.getFieldName()) : current.get(ref.getIndex());
    }
    return current == root ? null : current;
  }

  private static String known(Collection<Object> ids) {
    return ids == null ? "" : ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "another type";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "an integer";
    }
    if (type == double.class || type == Double.class || type == float.class) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    return "a mapping";
  }

  private static String render(Object value) {
    return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
  }

  static String firstLine(String message) {
    if (message == null) {
      return "invalid value";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).strip();
  }
}
