package io.mezzo.marathon.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.IOException;

/**
 * Codecs for the three places where Marathon's JSON is not a plain object: constraints are arrays, env values
 * are a string or a secret reference, and the unreachable strategy may be the string {@code "disabled"}.
 * Failures carry Play-style error keys (for example {@code error.expected.jsstring}) as their message.
 */
final class JsonCodecs {

  private JsonCodecs() {
  }

  static MismatchedInputException mismatch(JsonParser p, Class<?> type, String key) {
    return MismatchedInputException.from(p, type, key);
  }

  static final class ConstraintDeserializer extends JsonDeserializer<Constraint> {
    @Override
    public Constraint deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.START_ARRAY) {
        throw mismatch(p, Constraint.class, "error.expected.jsarray");
      }
      String[] parts = new String[3];
      int n = 0;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
          throw mismatch(p, Constraint.class, "error.expected.jsstring");
        }
        if (n == 3) {
          throw mismatch(p, Constraint.class, "error.constraint.arity");
        }
        parts[n++] = p.getText();
      }
      if (n < 2) {
        throw mismatch(p, Constraint.class, "error.constraint.arity");
      }
      return new Constraint(parts[0], parts[1], parts[2]);
    }
  }

  static final class ConstraintSerializer extends JsonSerializer<Constraint> {
    @Override
    public void serialize(Constraint value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
      gen.writeStartArray();
      gen.writeString(value.field());
      gen.writeString(value.operator());
      if (value.value() != null) {
        gen.writeString(value.value());
      }
      gen.writeEndArray();
    }
  }

  static final class EnvDeserializer extends JsonDeserializer<EnvVarValue> {
    @Override
    public EnvVarValue deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        return new EnvVarValue.Literal(p.getText());
      }
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw mismatch(p, EnvVarValue.class, "error.expected.jsstring");
      }
      JsonNode node = ctxt.readTree(p);
      JsonNode secret = node.get("secret");
      if (secret == null || !secret.isTextual() || node.size() != 1) {
        throw mismatch(p, EnvVarValue.class, "error.expected.secretref");
      }
      return new EnvVarValue.SecretRef(secret.textValue());
    }
  }

  static final class EnvSerializer extends JsonSerializer<EnvVarValue> {
    @Override
    public void serialize(EnvVarValue value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
      if (value instanceof EnvVarValue.Literal literal) {
        gen.writeString(literal.value());
      } else if (value instanceof EnvVarValue.SecretRef ref) {
        gen.writeStartObject();
        gen.writeStringField("secret", ref.secret());
        gen.writeEndObject();
      }
    }
  }

  static final class UnreachableDeserializer extends JsonDeserializer<UnreachableStrategy> {
    @Override
    public UnreachableStrategy deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        if ("disabled".equals(p.getText())) {
          return new UnreachableStrategy.Disabled();
        }
        throw mismatch(p, UnreachableStrategy.class, "error.expected.validenumvalue");
      }
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw mismatch(p, UnreachableStrategy.class, "error.expected.jsobject");
      }
      return ctxt.readValue(p, UnreachableStrategy.Enabled.class);
    }
  }

  static final class UnreachableSerializer extends JsonSerializer<UnreachableStrategy> {
    @Override
    public void serialize(UnreachableStrategy value, JsonGenerator gen, SerializerProvider serializers)
        throws IOException {
      if (value instanceof UnreachableStrategy.Enabled enabled) {
        gen.writeStartObject();
        gen.writeNumberField("inactiveAfterSeconds", enabled.inactiveAfterSeconds());
        gen.writeNumberField("expungeAfterSeconds", enabled.expungeAfterSeconds());
        gen.writeEndObject();
      } else {
        gen.writeString("disabled");
      }
    }
  }
}
