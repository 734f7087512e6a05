package io.mezzo.marathon.placement;

import io.mezzo.marathon.model.Constraint;
import io.mezzo.marathon.model.ConstraintOperator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Evaluates Marathon constraints against a candidate agent and the app's already placed instances.
 *
 * <p>Fields: {@code @hostname} (also {@code hostname}), {@code @region}, {@code @zone}, else an attribute name.
 * A candidate without the field fails every operator except UNLIKE, as in Marathon; placed instances without
 * it are ignored. LIKE and UNLIKE match the whole value. IS compares text exactly and scalars numerically.
 * GROUP_BY without a count spreads over the values seen so far; with a count it also waits for unseen values.
 * Constraints are assumed valid (see {@code AppValidator}); an unknown operator never matches.
 */
public final class Constraints {

  private Constraints() {
  }

  public static boolean allMatch(List<Constraint> constraints, AgentFacts candidate, List<PlacedInstance> placed) {
    return constraints.stream().allMatch(c -> matches(c, candidate, placed));
  }

  /** The first constraint the candidate breaks, or {@code null}. */
  public static Constraint firstUnmet(List<Constraint> constraints, AgentFacts candidate,
                                      List<PlacedInstance> placed) {
    return constraints.stream().filter(c -> !matches(c, candidate, placed)).findFirst().orElse(null);
  }

  public static boolean matches(Constraint c, AgentFacts candidate, List<PlacedInstance> placed) {
    ConstraintOperator op = c.op();
    if (op == null) {
      return false;
    }
    String value = fieldValue(c.field(), candidate);
    if (value == null) {
      return op == ConstraintOperator.UNLIKE;
    }
    return switch (op) {
      case UNIQUE -> placed.stream().noneMatch(p -> value.equals(fieldValue(c.field(), p)));
      case CLUSTER -> cluster(c, value, placed);
      case GROUP_BY -> groupBy(c, value, placed);
      case LIKE -> fullMatch(c.value(), value);
      case UNLIKE -> !fullMatch(c.value(), value);
      case MAX_PER -> placed.stream().filter(p -> value.equals(fieldValue(c.field(), p))).count()
          < parseCount(c.value(), Integer.MAX_VALUE);
      case IS -> is(c, candidate);
    };
  }

  static String fieldValue(String field, AgentFacts agent) {
    if (field == null) {
      return null;
    }
    return switch (field) {
      case "@hostname", "hostname" -> agent.hostname();
      case "@region" -> agent.region();
      case "@zone" -> agent.zone();
      default -> {
        AttributeValue a = agent.attributes().get(field);
        yield a == null ? null : a.asText();
      }
    };
  }

  private static boolean cluster(Constraint c, String value, List<PlacedInstance> placed) {
    if (c.value() != null && !c.value().isEmpty()) {
      return value.equals(c.value());
    }
    return placed.stream().map(p -> fieldValue(c.field(), p)).filter(Objects::nonNull).findFirst()
        .map(value::equals).orElse(true);
  }

  private static boolean groupBy(Constraint c, String value, List<PlacedInstance> placed) {
    Map<String, Integer> counts = new HashMap<>();
    for (PlacedInstance p : placed) {
      String v = fieldValue(c.field(), p);
      if (v != null) {
        counts.merge(v, 1, Integer::sum);
      }
    }
    int groups = parseCount(c.value(), 0);
    int min = counts.values().stream().mapToInt(Integer::intValue).min().orElse(0);
    if (counts.size() < groups) {
      min = 0;
    }
    return counts.getOrDefault(value, 0) <= min;
  }

  private static boolean is(Constraint c, AgentFacts candidate) {
    AttributeValue attr = candidate.attributes().get(c.field());
    if (attr instanceof AttributeValue.Scalar scalar && c.value() != null) {
      try {
        return Double.parseDouble(c.value()) == scalar.value();
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return Objects.equals(fieldValue(c.field(), candidate), c.value());
  }

  private static boolean fullMatch(String regex, String value) {
    if (regex == null) {
      return false;
    }
    try {
      return Pattern.compile(regex).matcher(value).matches();
    } catch (PatternSyntaxException e) {
      return false;
    }
  }

  private static int parseCount(String value, int fallback) {
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
