package io.mezzo.marathon.placement;

/** A Mesos agent attribute: text or scalar. Set and range attributes are not used by constraints. */
public sealed interface AttributeValue {

  /** The text constraints compare against; a whole scalar prints without a fraction ({@code 3.0} as {@code 3}). */
  String asText();

  record Text(String value) implements AttributeValue {
    @Override
    public String asText() {
      return value;
    }
  }

  record Scalar(double value) implements AttributeValue {
    @Override
    public String asText() {
      return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
          : Double.toString(value);
    }
  }

  static AttributeValue text(String value) {
    return new Text(value);
  }

  static AttributeValue scalar(double value) {
    return new Scalar(value);
  }
}
