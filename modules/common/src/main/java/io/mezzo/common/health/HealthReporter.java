package io.mezzo.common.health;

import io.mezzo.common.bus.Addresses;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Publishes a component's health on {@code mezzo.health.report} now and then every interval, and a
 * final unhealthy report when closed. Create it in a verticle's {@code start()}, close it in {@code stop()}.
 */
public final class HealthReporter implements AutoCloseable {
  /** How often components report; the registry treats three missed reports as unhealthy. */
  public static final long INTERVAL_MS = 5_000;

  /** The state of a component at one moment. */
  public record Status(boolean healthy, String output) {
    public static Status ok() {
      return new Status(true, "");
    }
  }

  private final Vertx vertx;
  private final HealthReport template;
  private final Supplier<Status> status;
  private final long timer;

  public HealthReporter(Vertx vertx, String component, String title, String nodeId, String host, String role,
                        Supplier<Status> status) {
    this.vertx = vertx;
    this.template = new HealthReport(component, title, nodeId, host, role, true, "", 0);
    this.status = status;
    publish(status.get());
    this.timer = vertx.setPeriodic(INTERVAL_MS, id -> publish(status.get()));
  }

  private void publish(Status s) {
    vertx.eventBus().publish(Addresses.HEALTH_REPORT, new HealthReport(template.component(), template.title(),
        template.nodeId(), template.host(), template.role(), s.healthy(), s.output(), System.currentTimeMillis()));
  }

  /** Sends a report now, e.g. right after the component's state changed. */
  public void reportNow() {
    publish(status.get());
  }

  @Override
  public void close() {
    vertx.cancelTimer(timer);
    publish(new Status(false, "stopped"));
  }
}
