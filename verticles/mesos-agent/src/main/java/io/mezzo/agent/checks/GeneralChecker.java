package io.mezzo.agent.checks;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.mesos.v1.Protos.CheckInfo;
import org.apache.mesos.v1.Protos.CheckStatusInfo;

/**
 * Runs one task's general check ({@code TaskInfo.check}) with Vert.x timers, as Mesos's executors
 * do: the first attempt after {@code delay_seconds} (15), each next one {@code interval_seconds}
 * (10) after the previous ended, each bounded by {@code timeout_seconds} (20; 0 = none). Unlike a
 * health check it never kills: every attempt yields a {@link CheckStatusInfo} (an exit code, an
 * HTTP status or whether a TCP connection succeeded; empty when the attempt failed or timed out),
 * and the listener hears of each result that differs from the one before.
 */
public final class GeneralChecker {
  private final Vertx vertx;
  private final CheckInfo check;
  private final Function<Duration, Future<CheckStatusInfo>> attempt;
  private final Consumer<CheckStatusInfo> changed;
  private CheckStatusInfo last;
  private long timer = -1;
  private boolean stopped;

  public GeneralChecker(Vertx vertx, CheckInfo check, Function<Duration, Future<CheckStatusInfo>> attempt,
                        Consumer<CheckStatusInfo> changed) {
    this.vertx = vertx;
    this.check = check;
    this.attempt = attempt;
    this.changed = changed;
  }

  /** Why the check cannot run, or null when it is valid. */
  public static String invalid(CheckInfo check) {
    if (!check.hasType()) {
      return "Check must specify 'type'";
    }
    for (double d : new double[] {check.getDelaySeconds(), check.getIntervalSeconds(), check.getTimeoutSeconds()}) {
      if (d < 0 || Double.isNaN(d)) {
        return "Check durations must be non-negative";
      }
    }
    return switch (check.getType()) {
      case COMMAND -> !check.hasCommand() || !check.getCommand().hasCommand() || !check.getCommand().getCommand().hasValue()
          ? "Command check must have a 'command' with a value" : null;
      case HTTP -> !check.hasHttp() || check.getHttp().getPort() <= 0 || check.getHttp().getPort() > 65535
          ? "HTTP check must have 'http' with a port in 1..65535" : null;
      case TCP -> !check.hasTcp() || check.getTcp().getPort() <= 0 || check.getTcp().getPort() > 65535
          ? "TCP check must have 'tcp' with a port in 1..65535" : null;
      default -> "Check type " + check.getType() + " is not supported";
    };
  }

  /** The status before any attempt: the type only, as in the first TASK_RUNNING of a checked task. */
  public static CheckStatusInfo initial(CheckInfo check) {
    CheckStatusInfo.Builder b = CheckStatusInfo.newBuilder().setType(check.getType());
    switch (check.getType()) {
      case COMMAND -> b.setCommand(CheckStatusInfo.Command.getDefaultInstance());
      case HTTP -> b.setHttp(CheckStatusInfo.Http.getDefaultInstance());
      case TCP -> b.setTcp(CheckStatusInfo.Tcp.getDefaultInstance());
      default -> {
      }
    }
    return b.build();
  }

  public void start() {
    last = initial(check);
    schedule(Checks.duration(check.hasDelaySeconds() ? check.getDelaySeconds() : 15));
  }

  public void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  private void schedule(Duration after) {
    if (stopped) {
      return;
    }
    timer = vertx.setTimer(Math.max(1, after.toMillis()), id -> {
      timer = -1;
      run();
    });
  }

  private void run() {
    if (stopped) {
      return;
    }
    Duration timeout = Checks.duration(check.hasTimeoutSeconds() ? check.getTimeoutSeconds() : 20);
    attempt.apply(timeout).otherwise(e -> initial(check)).onComplete(ar -> {
      if (stopped) {
        return;
      }
      CheckStatusInfo result = ar.result();
      if (!result.equals(last)) {
        last = result;
        changed.accept(result);
      }
      schedule(Checks.duration(check.hasIntervalSeconds() ? check.getIntervalSeconds() : 10));
    });
  }
}
