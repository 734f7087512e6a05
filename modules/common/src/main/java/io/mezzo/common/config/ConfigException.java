package io.mezzo.common.config;

/**
 * A configuration problem that stops startup. The message is one line naming the key and the problem,
 * e.g. {@code mesos-master.port: must be between 1 and 65535, got 70000}.
 */
public final class ConfigException extends RuntimeException {
  private final String key;
  private final String problem;

  public ConfigException(String key, String problem) {
    super(key.isEmpty() ? problem : key + ": " + problem);
    this.key = key;
    this.problem = problem;
  }

  public String key() {
    return key;
  }

  public String problem() {
    return problem;
  }
}
