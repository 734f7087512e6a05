package io.mezzo.marathon.model;

import java.util.List;

/** A readiness check; a deployment step waits until new instances are ready and healthy. */
public record ReadinessCheck(String name, String protocol, String path, String portName, Integer intervalSeconds,
                             Integer timeoutSeconds, List<Integer> httpStatusCodesForReady,
                             Boolean preserveLastResponse) {

  public ReadinessCheck {
    name = name == null ? "readinessCheck" : name;
    protocol = protocol == null ? "HTTP" : protocol;
    path = path == null ? "/" : path;
    portName = portName == null ? "http-api" : portName;
    intervalSeconds = intervalSeconds == null ? 30 : intervalSeconds;
    timeoutSeconds = timeoutSeconds == null ? 10 : timeoutSeconds;
    httpStatusCodesForReady = httpStatusCodesForReady == null ? List.of(200) : List.copyOf(httpStatusCodesForReady);
    preserveLastResponse = preserveLastResponse == null ? Boolean.FALSE : preserveLastResponse;
  }
}
