package io.mezzo.agent.checks;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.HealthCheck;

/** Validation of {@code TaskInfo.health_check} and the network probes (MESOS_HTTP, MESOS_TCP) next to the task. */
public final class Checks {
  static final String LOCALHOST = "127.0.0.1";

  private Checks() {
  }

  static Duration duration(double seconds) {
    return Duration.ofNanos((long) (Math.max(0, seconds) * 1e9));
  }

  /** Why the health check cannot run, or null when it is valid. */
  public static String invalid(HealthCheck check) {
    if (!check.hasType()) {
      return "Health check must specify 'type'";
    }
    for (double d : new double[] {check.getDelaySeconds(), check.getIntervalSeconds(), check.getTimeoutSeconds(),
        check.getGracePeriodSeconds()}) {
      if (d < 0 || Double.isNaN(d)) {
        return "Health check durations must be non-negative";
      }
    }
    return switch (check.getType()) {
      case COMMAND -> !check.hasCommand() || !check.getCommand().hasValue() ? "Command health check must have a 'command' with a value" : null;
      case HTTP -> !check.hasHttp() ? "HTTP health check must have 'http'"
          : check.getHttp().getPort() <= 0 || check.getHttp().getPort() > 65535 ? "HTTP health check port must be in 1..65535"
          : !check.getHttp().getScheme().isEmpty() && !check.getHttp().getScheme().matches("https?")
              ? "HTTP health check scheme must be 'http' or 'https'" : null;
      case TCP -> !check.hasTcp() ? "TCP health check must have 'tcp'"
          : check.getTcp().getPort() <= 0 || check.getTcp().getPort() > 65535 ? "TCP health check port must be in 1..65535" : null;
      default -> "Health check type " + check.getType() + " is not supported";
    };
  }

  static <T> Future<T> bounded(Future<T> f, Duration timeout) {
    return timeout.isZero() ? f : f.timeout(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
  }

  /** GET {@code <scheme>://127.0.0.1:<port><path>}; a 2xx or 3xx answer is healthy, as Mesos's curl check. */
  public static Probe http(HttpClient client, HealthCheck.HTTPCheckInfo info) {
    String path = info.getPath().startsWith("/") ? info.getPath() : "/" + info.getPath();
    boolean ssl = "https".equals(info.getScheme());
    return timeout -> {
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(LOCALHOST).setPort(info.getPort())
          .setURI(path).setSsl(ssl).setFollowRedirects(false);
      if (!timeout.isZero()) {
        options.setTimeout(Math.max(1, timeout.toMillis()));
      }
      return bounded(client.request(options).compose(req -> req.send()).compose(resp -> resp.body().map(b -> resp.statusCode())),
          timeout).compose(code -> code >= 200 && code < 400 ? Future.succeededFuture()
              : Future.failedFuture("Unexpected HTTP response code '" + code + "'"));
    };
  }

  /** Connects to {@code 127.0.0.1:<port>}; an established connection is healthy and is closed at once. */
  public static Probe tcp(NetClient client, HealthCheck.TCPCheckInfo info) {
    return timeout -> bounded(client.connect(info.getPort(), LOCALHOST), timeout)
        .compose(socket -> socket.close().otherwiseEmpty()).mapEmpty();
  }
}
