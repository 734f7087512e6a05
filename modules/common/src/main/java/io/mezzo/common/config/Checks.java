package io.mezzo.common.config;

import java.util.Collection;

/**
 * Range and shape checks for a config section. Every check throws {@link ConfigException} naming
 * the key, relative to the section being validated; the loader prefixes the section name.
 */
public final class Checks {
  private final String prefix;

  public Checks(String prefix) {
    this.prefix = prefix;
  }

  private String key(String name) {
    return prefix.isEmpty() ? name : prefix + "." + name;
  }

  public Checks range(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new ConfigException(key(name), "must be between " + min + " and " + max + ", got " + value);
    }
    return this;
  }

  public Checks range(String name, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      throw new ConfigException(key(name), "must be between " + min + " and " + max + ", got " + value);
    }
    return this;
  }

  /** A TCP/UDP port to listen on; 0 means any free port. */
  public Checks port(String name, int value) {
    return range(name, value, 0, 65535);
  }

  public Checks notBlank(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new ConfigException(key(name), "must not be empty");
    }
    return this;
  }

  public Checks oneOf(String name, String value, Collection<String> allowed) {
    if (!allowed.contains(value)) {
      throw new ConfigException(key(name), "must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
    }
    return this;
  }

  /** Fails with the given problem unless the condition holds. */
  public Checks that(String name, boolean condition, String problem) {
    if (!condition) {
      throw new ConfigException(key(name), problem);
    }
    return this;
  }
}
