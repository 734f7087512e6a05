package io.mezzo.metronome.mesos;

import io.mezzo.metronome.model.JobRunSpec.Constraint;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Value;

/**
 * Metronome's placement constraints on an offer. The attribute {@code hostname} is the offer's host name; any
 * other is the agent attribute of that name (text as is, scalars without trailing zeros, ranges as
 * {@code [a-b,c-d]}, sets as {@code {a,b}}).
 *
 * <ul>
 *   <li>{@code IS} and {@code EQ} (its older name): the value equals the constraint's value;</li>
 *   <li>{@code LIKE}: the value matches the regular expression as a whole;</li>
 *   <li>{@code UNLIKE}: the value does not match; an agent without the attribute satisfies it.</li>
 * </ul>
 * An agent without the attribute fails IS, EQ and LIKE. Pure and thread-safe.
 */
public final class Constraints {
  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  private Constraints() {
  }

  /** Whether every constraint holds for the offer's agent. */
  public static boolean matches(Offer offer, List<Constraint> constraints) {
    for (Constraint c : constraints) {
      if (!matches(offer, c)) {
        return false;
      }
    }
    return true;
  }

  static boolean matches(Offer offer, Constraint c) {
    Optional<String> value = value(offer, c.attribute());
    String wanted = c.value() == null ? "" : c.value();
    return switch (c.operator()) {
      case "IS", "EQ" -> value.isPresent() && value.get().equals(wanted);
      case "LIKE" -> value.isPresent() && pattern(wanted).map(p -> p.matcher(value.get()).matches()).orElse(false);
      case "UNLIKE" -> value.isEmpty() || pattern(wanted).map(p -> !p.matcher(value.get()).matches()).orElse(false);
      default -> false;
    };
  }

  /** The agent's value for an attribute name, if it has one. */
  public static Optional<String> value(Offer offer, String attribute) {
    if ("hostname".equals(attribute)) {
      return Optional.of(offer.getHostname());
    }
    for (Attribute a : offer.getAttributesList()) {
      if (a.getName().equals(attribute)) {
        return Optional.of(format(a));
      }
    }
    return Optional.empty();
  }

  private static String format(Attribute a) {
    return switch (a.getType()) {
      case TEXT -> a.getText().getValue();
      case SCALAR -> new java.math.BigDecimal(Double.toString(a.getScalar().getValue())).stripTrailingZeros()
          .toPlainString();
      case RANGES -> {
        StringBuilder sb = new StringBuilder("[");
        for (Value.Range r : a.getRanges().getRangeList()) {
          sb.append(sb.length() > 1 ? "," : "").append(r.getBegin()).append('-').append(r.getEnd());
        }
        yield sb.append(']').toString();
      }
      case SET -> "{" + String.join(",", a.getSet().getItemList()) + "}";
    };
  }

  private static Optional<Pattern> pattern(String regex) {
    try {
      return Optional.of(PATTERNS.computeIfAbsent(regex, Pattern::compile));
    } catch (PatternSyntaxException e) {
      return Optional.empty();
    }
  }
}
