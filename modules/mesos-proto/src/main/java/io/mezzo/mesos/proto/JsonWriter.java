package io.mezzo.mesos.proto;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageOrBuilder;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Streams Mesos-style JSON straight into a {@link JsonGenerator}, with the same output as
 * {@link JsonPrinter} followed by serialization, but without building a tree. What each message
 * type needs (field order, names, presence rules, defaults to print) is worked out once per
 * descriptor and kept.
 */
final class JsonWriter {

  private static final ConcurrentHashMap<Descriptor, Field[]> LAYOUTS = new ConcurrentHashMap<>();

  private static final int MAP = 0;
  private static final int REPEATED = 1;
  private static final int WITH_PRESENCE = 2;
  private static final int WITHOUT_PRESENCE = 3;

  /** One field of a message type, with everything the writer asks about it precomputed. */
  private record Field(FieldDescriptor descriptor, SerializedString name, int shape, Object printedDefault,
      FieldDescriptor mapKey, FieldDescriptor mapValue) {
  }

  private JsonWriter() {
  }

  static void write(MessageOrBuilder m, JsonGenerator g) throws IOException {
    Field[] fields = LAYOUTS.computeIfAbsent(m.getDescriptorForType(), JsonWriter::layout);
    g.writeStartObject();
    for (Field field : fields) {
      FieldDescriptor f = field.descriptor;
      switch (field.shape) {
        case MAP -> {
          int n = m.getRepeatedFieldCount(f);
          if (n > 0) {
            g.writeFieldName(field.name);
            writeMap(m, field, n, g);
          }
        }
        case REPEATED -> {
          int n = m.getRepeatedFieldCount(f);
          if (n > 0) {
            g.writeFieldName(field.name);
            g.writeStartArray();
            for (int i = 0; i < n; i++) {
              value(f, m.getRepeatedField(f, i), g);
            }
            g.writeEndArray();
          }
        }
        case WITH_PRESENCE -> {
          if (m.hasField(f)) {
            g.writeFieldName(field.name);
            value(f, m.getField(f), g);
          } else if (field.printedDefault != null) {
            g.writeFieldName(field.name);
            value(f, field.printedDefault, g);
          }
        }
        default -> {
          // proto3 scalars without presence: printed when different from the zero value
          Object v = m.getField(f);
          if (!v.equals(f.getDefaultValue())) {
            g.writeFieldName(field.name);
            value(f, v, g);
          } else if (field.printedDefault != null) {
            g.writeFieldName(field.name);
            value(f, field.printedDefault, g);
          }
        }
      }
    }
    g.writeEndObject();
  }

  private static Field[] layout(Descriptor type) {
    return type.getFields().stream().map(f -> {
      int shape = f.isMapField() ? MAP : f.isRepeated() ? REPEATED : f.hasPresence() ? WITH_PRESENCE : WITHOUT_PRESENCE;
      Object printedDefault = !f.isRepeated() && f.hasDefaultValue() && !f.getOptions().getDeprecated() ? f.getDefaultValue() : null;
      FieldDescriptor key = f.isMapField() ? f.getMessageType().findFieldByNumber(1) : null;
      FieldDescriptor value = f.isMapField() ? f.getMessageType().findFieldByNumber(2) : null;
      return new Field(f, new SerializedString(f.getName()), shape, printedDefault, key, value);
    }).toArray(Field[]::new);
  }

  private static void writeMap(MessageOrBuilder m, Field field, int n, JsonGenerator g) throws IOException {
    // a JSON object keeps the last value of a repeated key at the key's first position, like the tree printer
    java.util.LinkedHashMap<String, Object> entries = new java.util.LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      MessageOrBuilder entry = (MessageOrBuilder) m.getRepeatedField(field.descriptor, i);
      entries.put(keyText(field.mapKey, entry.getField(field.mapKey)), entry.getField(field.mapValue));
    }
    g.writeStartObject();
    for (java.util.Map.Entry<String, Object> e : entries.entrySet()) {
      g.writeFieldName(e.getKey());
      value(field.mapValue, e.getValue(), g);
    }
    g.writeEndObject();
  }

  /** A map key as the tree printer spells it (the text of the key's JSON value). */
  private static String keyText(FieldDescriptor f, Object v) {
    return switch (f.getType()) {
      case UINT32, FIXED32 -> Long.toString(Integer.toUnsignedLong((Integer) v));
      case UINT64, FIXED64 -> Long.toUnsignedString((Long) v);
      case BOOL, INT32, SINT32, SFIXED32, INT64, SINT64, SFIXED64 -> String.valueOf(v);
      default -> (String) v; // protobuf allows only integral, bool and string keys
    };
  }

  private static void value(FieldDescriptor f, Object v, JsonGenerator g) throws IOException {
    switch (f.getType()) {
      case INT32, SINT32, SFIXED32 -> g.writeNumber((Integer) v);
      case UINT32, FIXED32 -> g.writeNumber(Integer.toUnsignedLong((Integer) v));
      case INT64, SINT64, SFIXED64 -> g.writeNumber((Long) v);
      case UINT64, FIXED64 -> {
        long l = (Long) v;
        if (l >= 0) {
          g.writeNumber(l);
        } else {
          g.writeNumber(new BigInteger(Long.toUnsignedString(l)));
        }
      }
      case FLOAT -> g.writeNumber((Float) v);
      case DOUBLE -> g.writeNumber((Double) v);
      case BOOL -> g.writeBoolean((Boolean) v);
      case STRING -> g.writeString((String) v);
      case BYTES -> g.writeString(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
      case ENUM -> g.writeString(((EnumValueDescriptor) v).getName());
      case MESSAGE, GROUP -> write((MessageOrBuilder) v, g);
      default -> throw new IllegalStateException("Unsupported field type " + f.getType());
    }
  }
}
