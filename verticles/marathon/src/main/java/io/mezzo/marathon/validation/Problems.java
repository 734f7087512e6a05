package io.mezzo.marathon.validation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects messages per path, keeping first-seen order, and renders them as {@link Violation}s. */
final class Problems {

  private final Map<String, List<String>> byPath = new LinkedHashMap<>();

  void add(String path, String message) {
    byPath.computeIfAbsent(path.isEmpty() ? "/" : path, p -> new ArrayList<>()).add(message);
  }

  void addAll(String prefix, List<Violation> violations) {
    for (Violation v : violations) {
      String path = v.path().equals("/") ? (prefix.isEmpty() ? "/" : prefix) : prefix + v.path();
      for (String e : v.errors()) {
        add(path, e);
      }
    }
  }

  void min(String path, Number value, double min) {
    if (value != null && value.doubleValue() < min) {
      add(path, "is less than " + format(min));
    }
  }

  void max(String path, Number value, double max) {
    if (value != null && value.doubleValue() > max) {
      add(path, "is greater than " + format(max));
    }
  }

  void between(String path, Number value, double min, double max) {
    min(path, value, min);
    max(path, value, max);
  }

  void notBlank(String path, String value) {
    if (value == null || value.isBlank()) {
      add(path, "must not be empty");
    }
  }

  static String format(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  List<Violation> toList() {
    List<Violation> out = new ArrayList<>();
    byPath.forEach((path, errors) -> out.add(new Violation(path, errors)));
    return out;
  }
}
