package io.mezzo.mesos.proto;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/** Descriptor-driven JSON reader behind {@link MesosJson#merge}. Paths in errors look like {@code a.b[2].c}. */
final class JsonParser {

  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  /** Integers longer than this (digits before the point) cannot fit any proto integer type. */
  private static final int MAX_INTEGER_DIGITS = 20;

  /** Marks a value to leave out (unknown enum name with dropping on). */
  private static final Object SKIP = new Object();

  private final boolean dropUnknownEnums;

  JsonParser(boolean dropUnknownEnums) {
    this.dropUnknownEnums = dropUnknownEnums;
  }

  void mergeObject(JsonNode json, Message.Builder builder, String path) {
    Descriptor type = builder.getDescriptorForType();
    Iterator<Map.Entry<String, JsonNode>> fields = json.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      FieldDescriptor f = type.findFieldByName(e.getKey());
      JsonNode v = e.getValue();
      if (f == null || v.isNull()) {
        continue; // unknown fields are ignored, null means unset
      }
      String fieldPath = path.isEmpty() ? f.getName() : path + "." + f.getName();
      if (f.isMapField()) {
        mergeMap(v, builder, f, fieldPath);
      } else if (f.isRepeated()) {
        if (!v.isArray()) {
          throw fail(fieldPath, "expected a JSON array, got " + kind(v));
        }
        for (int i = 0; i < v.size(); i++) {
          String elementPath = fieldPath + "[" + i + "]";
          if (v.get(i).isNull()) {
            throw fail(elementPath, "null is not allowed in a repeated field");
          }
          Object value = value(f, v.get(i), builder, elementPath);
          if (value != SKIP) {
            builder.addRepeatedField(f, value);
          }
        }
      } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (!v.isObject()) {
          throw fail(fieldPath, "expected a JSON object, got " + kind(v));
        }
        mergeObject(v, builder.getFieldBuilder(f), fieldPath);
      } else {
        Object value = value(f, v, builder, fieldPath);
        if (value != SKIP) {
          builder.setField(f, value);
        }
      }
    }
  }

  private void mergeMap(JsonNode v, Message.Builder builder, FieldDescriptor f, String path) {
    if (!v.isObject()) {
      throw fail(path, "expected a JSON object, got " + kind(v));
    }
    Descriptor entryType = f.getMessageType();
    FieldDescriptor keyField = entryType.findFieldByNumber(1);
    FieldDescriptor valueField = entryType.findFieldByNumber(2);
    Iterator<Map.Entry<String, JsonNode>> entries = v.fields();
    while (entries.hasNext()) {
      Map.Entry<String, JsonNode> e = entries.next();
      String entryPath = path + "[" + e.getKey() + "]";
      Message.Builder entry = builder.newBuilderForField(f);
      Object key = value(keyField, com.fasterxml.jackson.databind.node.TextNode.valueOf(e.getKey()), entry, entryPath);
      if (e.getValue().isNull()) {
        throw fail(entryPath, "null is not allowed as a map value");
      }
      Object value = value(valueField, e.getValue(), entry, entryPath);
      if (key == SKIP || value == SKIP) {
        continue;
      }
      entry.setField(keyField, key);
      entry.setField(valueField, value);
      builder.addRepeatedField(f, entry.buildPartial()); // required fields are checked once, at the top
    }
  }

  private Object value(FieldDescriptor f, JsonNode v, Message.Builder parent, String path) {
    switch (f.getType()) {
      case INT32:
      case SINT32:
      case SFIXED32:
        return integer(v, path, BigInteger.valueOf(Integer.MIN_VALUE), BigInteger.valueOf(Integer.MAX_VALUE)).intValue();
      case UINT32:
      case FIXED32:
        return integer(v, path, BigInteger.ZERO, BigInteger.valueOf(0xFFFF_FFFFL)).intValue();
      case INT64:
      case SINT64:
      case SFIXED64:
        return integer(v, path, BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE)).longValue();
      case UINT64:
      case FIXED64:
        return integer(v, path, BigInteger.ZERO, UINT64_MAX).longValue();
      case FLOAT:
        return (float) floating(v, path);
      case DOUBLE:
        return floating(v, path);
      case BOOL:
        return bool(v, path);
      case STRING:
        return text(v, path);
      case BYTES:
        return bytes(v, path);
      case ENUM:
        return enumValue(f, v, path);
      case MESSAGE:
      case GROUP: {
        if (!v.isObject()) {
          throw fail(path, "expected a JSON object, got " + kind(v));
        }
        Message.Builder b = parent.newBuilderForField(f);
        mergeObject(v, b, path);
        return b.buildPartial(); // required fields are checked once, at the top
      }
      default:
        throw fail(path, "unsupported field type " + f.getType());
    }
  }

  private static BigInteger integer(JsonNode v, String path, BigInteger min, BigInteger max) {
    BigDecimal d;
    if (v.isNumber()) {
      d = v.decimalValue();
    } else if (v.isTextual()) {
      d = decimal(v.textValue(), path);
    } else {
      throw fail(path, "expected an integer, got " + kind(v));
    }
    // stay on cheap operations: '1e999999999' or '1e-999999999' must not expand into huge numbers
    d = d.stripTrailingZeros();
    if (d.scale() > 0) {
      throw fail(path, "expected an integer, got " + abbreviate(v));
    }
    if (d.precision() - d.scale() > MAX_INTEGER_DIGITS) {
      throw fail(path, "integer out of range: " + abbreviate(v));
    }
    BigInteger i = d.toBigInteger();
    if (i.compareTo(min) < 0 || i.compareTo(max) > 0) {
      throw fail(path, "integer out of range: " + abbreviate(v));
    }
    return i;
  }

  private static BigDecimal decimal(String s, String path) {
    String t = s.trim();
    if (t.isEmpty() || t.length() > 400 || !t.matches("[-+]?[0-9]*\\.?[0-9]*([eE][-+]?[0-9]{1,9})?")) {
      throw fail(path, "expected a number, got " + abbreviate(s));
    }
    try {
      return new BigDecimal(t);
    } catch (NumberFormatException e) {
      throw fail(path, "expected a number, got " + abbreviate(s));
    }
  }

  private static double floating(JsonNode v, String path) {
    if (v.isNumber()) {
      return v.doubleValue();
    }
    if (v.isTextual()) {
      switch (v.textValue().trim()) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          return decimal(v.textValue(), path).doubleValue();
      }
    }
    throw fail(path, "expected a number, got " + kind(v));
  }

  private static boolean bool(JsonNode v, String path) {
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isTextual() && ("true".equals(v.textValue()) || "false".equals(v.textValue()))) {
      return Boolean.parseBoolean(v.textValue());
    }
    throw fail(path, "expected a boolean, got " + kind(v));
  }

  private static String text(JsonNode v, String path) {
    if (!v.isTextual()) {
      throw fail(path, "expected a string, got " + kind(v));
    }
    return v.textValue();
  }

  private static ByteString bytes(JsonNode v, String path) {
    String s = text(v, path).trim();
    try {
      boolean urlSafe = s.indexOf('-') >= 0 || s.indexOf('_') >= 0;
      return ByteString.copyFrom((urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(s));
    } catch (IllegalArgumentException e) {
      throw fail(path, "invalid Base64: " + e.getMessage());
    }
  }

  private Object enumValue(FieldDescriptor f, JsonNode v, String path) {
    EnumValueDescriptor value;
    if (v.isTextual()) {
      value = f.getEnumType().findValueByName(v.textValue());
    } else if (v.isIntegralNumber() && v.canConvertToInt()) {
      value = f.getEnumType().findValueByNumber(v.intValue());
    } else {
      throw fail(path, "expected an enum name, got " + kind(v));
    }
    if (value != null) {
      return value;
    }
    if (dropUnknownEnums && !f.isRequired()) {
      return SKIP;
    }
    throw fail(path, "unknown enum value " + abbreviate(v) + " for " + f.getEnumType().getFullName());
  }

  private static MesosJsonException fail(String path, String what) {
    return new MesosJsonException("Failed to parse '" + path + "': " + what);
  }

  private static String abbreviate(JsonNode v) {
    return v.isTextual() ? abbreviate(v.textValue()) : abbreviate(v.toString());
  }

  private static String abbreviate(String s) {
    return "'" + (s.length() > 64 ? s.substring(0, 64) + "..." : s) + "'";
  }

  static String kind(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    return switch (v.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
