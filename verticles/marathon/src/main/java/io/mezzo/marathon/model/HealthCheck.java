package io.mezzo.marathon.model;

/**
 * A health check. Marathon defaults: grace 300 s, interval 60 s, timeout 20 s, 3 consecutive failures, delay 15 s;
 * {@code portIndex} 0 when neither a port nor an index is given for a network check; {@code path} "/" for HTTP kinds.
 */
public record HealthCheck(Protocol protocol, String path, Integer portIndex, Integer port, Command command,
                          Integer gracePeriodSeconds, Integer intervalSeconds, Integer timeoutSeconds,
                          Integer maxConsecutiveFailures, Integer delaySeconds, Boolean ignoreHttp1xx) {

  public enum Protocol {
    HTTP, HTTPS, TCP, COMMAND, MESOS_HTTP, MESOS_HTTPS, MESOS_TCP;

    public boolean isHttp() {
      return this == HTTP || this == HTTPS || this == MESOS_HTTP || this == MESOS_HTTPS;
    }
  }

  public record Command(String value) {
  }

  public HealthCheck {
    protocol = protocol == null ? Protocol.HTTP : protocol;
    if (path == null && protocol.isHttp()) {
      path = "/";
    }
    if (portIndex == null && port == null && protocol != Protocol.COMMAND) {
      portIndex = 0;
    }
    gracePeriodSeconds = gracePeriodSeconds == null ? 300 : gracePeriodSeconds;
    intervalSeconds = intervalSeconds == null ? 60 : intervalSeconds;
    timeoutSeconds = timeoutSeconds == null ? 20 : timeoutSeconds;
    maxConsecutiveFailures = maxConsecutiveFailures == null ? 3 : maxConsecutiveFailures;
    delaySeconds = delaySeconds == null ? 15 : delaySeconds;
    ignoreHttp1xx = ignoreHttp1xx == null ? Boolean.FALSE : ignoreHttp1xx;
  }

  public static HealthCheck http(String path) {
    return new HealthCheck(Protocol.HTTP, path, null, null, null, null, null, null, null, null, null);
  }
}
