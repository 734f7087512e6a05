package io.mezzo.metronome.model;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.FromStringDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the Metronome documents. Reading is strict: no coercion of strings to numbers, no fractions
 * into integers, no unknown fields, no trailing content. Every read failure is an {@link InvalidJsonException}
 * carrying the JSON pointer of the offending place. Instants are ISO-8601 strings. Thread-safe.
 */
public final class MetronomeJson {

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .withCoercionConfig(LogicalType.Textual, config -> config
          .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
      .addModule(new SimpleModule("mezzo-instant")
          .addSerializer(Instant.class, ToStringSerializer.instance)
          .addDeserializer(Instant.class, new FromStringDeserializer<>(Instant.class) {
            @Override
            protected Instant _deserialize(String value, com.fasterxml.jackson.databind.DeserializationContext ctxt) {
              return Instant.parse(value);
            }
          }))
      .build();

  private MetronomeJson() {
  }

  public static JobSpec readJob(String json) {
    return read(json, JobSpec.class);
  }

  public static ScheduleSpec readSchedule(String json) {
    return read(json, ScheduleSpec.class);
  }

  public static <T> T read(String json, Class<T> type) {
    try {
      if (json == null || json.isBlank()) {
        throw new InvalidJsonException(new Problem("/", List.of("error.expected.jsobject")), null);
      }
      return MAPPER.readValue(json, type);
    } catch (JsonParseException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new InvalidJsonException(new Problem("/", List.of("error.invalid.json" + where + ": "
          + e.getOriginalMessage().lines().findFirst().orElse(""))), e);
    } catch (JsonMappingException e) {
      throw new InvalidJsonException(new Problem(pointer(e), List.of(reason(e))), e);
    } catch (JsonProcessingException e) {
      throw new InvalidJsonException(new Problem("/", List.of("error.invalid.json")), e);
    }
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String pointer(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      String segment = ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex());
      path.append('/').append(segment.replace("~", "~0").replace("/", "~1"));
    }
    return path.length() == 0 ? "/" : path.toString();
  }

  private static String reason(JsonMappingException e) {
    if (e instanceof UnrecognizedPropertyException) {
      return "error.unknown.property";
    }
    if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
      Class<?> target = mismatch.getTargetType();
      if (target == Instant.class) {
        return "error.expected.date.isoformat";
      }
      if (target == String.class) {
        return "error.expected.jsstring";
      }
      if (Number.class.isAssignableFrom(target) || (target.isPrimitive() && target != boolean.class)) {
        return "error.expected.jsnumber";
      }
      if (target == Boolean.class || target == boolean.class) {
        return "error.expected.jsboolean";
      }
      if (Collection.class.isAssignableFrom(target) || target.isArray()) {
        return "error.expected.jsarray";
      }
      if (Map.class.isAssignableFrom(target) || target.isRecord()) {
        return "error.expected.jsobject";
      }
    }
    return "error.invalid.value";
  }
}
