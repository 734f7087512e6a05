package io.mezzo.agent;

import io.mezzo.mesos.proto.Resources;
import java.util.ArrayList;
import java.util.List;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;

/**
 * Mesos's attribute text, {@code rack:a;zone:west;level:10;keys:[1000-1500]}: a number is a scalar,
 * {@code [a-b]} is ranges, {@code {x,y}} a set, anything else text.
 */
final class Attributes {
  private Attributes() {
  }

  static List<Attribute> parse(String text) {
    List<Attribute> out = new ArrayList<>();
    for (String entry : text.split(";")) {
      if (entry.isBlank()) {
        continue;
      }
      int colon = entry.indexOf(':');
      if (colon <= 0 || colon == entry.length() - 1) {
        throw new IllegalArgumentException("Bad attribute '" + entry + "': expected name:value");
      }
      String name = entry.substring(0, colon).trim();
      String value = entry.substring(colon + 1).trim();
      Attribute.Builder a = Attribute.newBuilder().setName(name);
      if (value.matches("-?[0-9]+(\\.[0-9]+)?")) {
        a.setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(Double.parseDouble(value)));
      } else if (value.startsWith("[") || value.startsWith("{")) {
        Resource r = Resources.parse(name + ":" + value, Resources.UNRESERVED).stream().findFirst()
            .orElseThrow(() -> new IllegalArgumentException("Bad attribute '" + entry + "': empty value"));
        a.setType(r.getType());
        if (r.hasRanges()) {
          a.setRanges(r.getRanges());
        } else {
          a.setSet(r.getSet());
        }
      } else {
        a.setType(Value.Type.TEXT).setText(Value.Text.newBuilder().setValue(value));
      }
      out.add(a.build());
    }
    return out;
  }

  /** Why the text does not parse, or null. */
  static String problem(String text) {
    try {
      parse(text);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }
}
