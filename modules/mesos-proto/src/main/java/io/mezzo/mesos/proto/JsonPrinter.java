package io.mezzo.mesos.proto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageOrBuilder;
import java.math.BigInteger;
import java.util.Base64;

/** Descriptor-driven printer behind {@link MesosJson#toTree}. */
final class JsonPrinter {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonPrinter() {
  }

  static ObjectNode print(MessageOrBuilder m) {
    ObjectNode out = NODES.objectNode();
    for (FieldDescriptor f : m.getDescriptorForType().getFields()) {
      if (f.isMapField()) {
        int n = m.getRepeatedFieldCount(f);
        if (n > 0) {
          out.set(f.getName(), printMap(m, f, n));
        }
      } else if (f.isRepeated()) {
        int n = m.getRepeatedFieldCount(f);
        if (n > 0) {
          ArrayNode array = out.putArray(f.getName());
          for (int i = 0; i < n; i++) {
            array.add(value(f, m.getRepeatedField(f, i)));
          }
        }
      } else if (isPresent(m, f)) {
        out.set(f.getName(), value(f, m.getField(f)));
      } else if (f.hasDefaultValue() && !f.getOptions().getDeprecated()) {
        out.set(f.getName(), value(f, f.getDefaultValue()));
      }
    }
    return out;
  }

  private static boolean isPresent(MessageOrBuilder m, FieldDescriptor f) {
    if (f.hasPresence()) {
      return m.hasField(f);
    }
    // proto3 scalars without presence: print when different from the zero value
    return !m.getField(f).equals(f.getDefaultValue());
  }

  private static ObjectNode printMap(MessageOrBuilder m, FieldDescriptor f, int n) {
    FieldDescriptor keyField = f.getMessageType().findFieldByNumber(1);
    FieldDescriptor valueField = f.getMessageType().findFieldByNumber(2);
    ObjectNode map = NODES.objectNode();
    for (int i = 0; i < n; i++) {
      MessageOrBuilder entry = (MessageOrBuilder) m.getRepeatedField(f, i);
      map.set(String.valueOf(value(keyField, entry.getField(keyField)).asText()),
          value(valueField, entry.getField(valueField)));
    }
    return map;
  }

  private static JsonNode value(FieldDescriptor f, Object v) {
    switch (f.getType()) {
      case INT32:
      case SINT32:
      case SFIXED32:
        return NODES.numberNode((Integer) v);
      case UINT32:
      case FIXED32:
        return NODES.numberNode(Integer.toUnsignedLong((Integer) v));
      case INT64:
      case SINT64:
      case SFIXED64:
        return NODES.numberNode((Long) v);
      case UINT64:
      case FIXED64: {
        long l = (Long) v;
        return l >= 0 ? NODES.numberNode(l) : NODES.numberNode(new BigInteger(Long.toUnsignedString(l)));
      }
      case FLOAT:
        return NODES.numberNode((Float) v);
      case DOUBLE:
        return NODES.numberNode((Double) v);
      case BOOL:
        return NODES.booleanNode((Boolean) v);
      case STRING:
        return NODES.textNode((String) v);
      case BYTES:
        return NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
      case ENUM:
        return NODES.textNode(((EnumValueDescriptor) v).getName());
      case MESSAGE:
      case GROUP:
        return print((MessageOrBuilder) v);
      default:
        throw new IllegalStateException("Unsupported field type " + f.getType());
    }
  }
}
