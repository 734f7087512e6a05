package io.mezzo.marathon.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Copy helpers shared by the records; they keep insertion order, which the JSON output relies on. */
final class Defaults {

  private Defaults() {
  }

  static <T> List<T> list(List<T> in) {
    return in == null ? List.of() : List.copyOf(in);
  }

  static <K, V> Map<K, V> map(Map<K, V> in) {
    return in == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(in));
  }
}
