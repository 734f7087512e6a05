package io.mezzo.master;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.mezzo.mesos.proto.MesosJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Mesos payloads of agent messages, read straight from the event bus's {@link JsonObject} with
 * {@link MesosJson}'s rules. The object is turned into a Jackson tree node by node instead of being
 * encoded to text and parsed again, which mattered when 10,000 agents re-register at once.
 */
final class AgentMessages {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AgentMessages() {
  }

  /**
   * The message of {@code prototype}'s type in {@code json}.
   *
   * @throws io.mezzo.mesos.proto.MesosJsonException as {@link MesosJson#parse} for a bad payload
   * @throws NullPointerException when {@code json} is null
   */
  @SuppressWarnings("unchecked")
  static <M extends Message> M parse(JsonObject json, M prototype) {
    return (M) MesosJson.merge(node(json.getMap()), prototype.newBuilderForType(), false).build();
  }

  /** Every object of {@code array} parsed as {@link #parse} does; an absent array is empty. */
  static <M extends Message> List<M> list(JsonArray array, M prototype) {
    List<M> out = new ArrayList<>();
    if (array != null) {
      for (Object o : array) {
        out.add(parse((JsonObject) o, prototype));
      }
    }
    return out;
  }

  private static JsonNode node(Object v) {
    if (v == null) {
      return NODES.nullNode();
    } else if (v instanceof JsonObject o) {
      return node(o.getMap());
    } else if (v instanceof Map<?, ?> map) {
      ObjectNode n = NODES.objectNode();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        n.set(String.valueOf(e.getKey()), node(e.getValue()));
      }
      return n;
    } else if (v instanceof JsonArray a) {
      return node(a.getList());
    } else if (v instanceof List<?> list) {
      ArrayNode n = NODES.arrayNode(list.size());
      for (Object o : list) {
        n.add(node(o));
      }
      return n;
    } else if (v instanceof String s) {
      return NODES.textNode(s);
    } else if (v instanceof Boolean b) {
      return NODES.booleanNode(b);
    } else if (v instanceof Integer i) {
      return NODES.numberNode(i);
    } else if (v instanceof Long l) {
      return NODES.numberNode(l);
    } else if (v instanceof Double d) {
      return NODES.numberNode(d);
    } else if (v instanceof Float f) {
      return NODES.numberNode(f);
    } else if (v instanceof BigDecimal d) {
      return NODES.numberNode(d);
    } else if (v instanceof BigInteger i) {
      return NODES.numberNode(i);
    } else if (v instanceof Number n) {
      return NODES.numberNode(n.longValue());
    }
    // anything else (byte[], Instant, enums, Buffer) as its JSON text would be
    return node(new JsonObject().put("v", v).toBuffer().toJsonObject().getValue("v"));
  }
}
