package io.mezzo.common.config;

/**
 * One section of {@code mezzo.yaml}, bound to an immutable record. Keys are the record's
 * components in snake_case. Implementations declare their defaults as a {@code DEFAULTS} constant,
 * the only place defaults live: the loader lays the file over them.
 */
public interface ConfigSection {

  /** Checks ranges and shapes; throws {@link ConfigException} with keys relative to this section. */
  default void validate(Checks checks) {
  }
}
