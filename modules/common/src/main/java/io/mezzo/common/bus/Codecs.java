package io.mezzo.common.bus;

import io.mezzo.common.health.HealthReport;
import io.mezzo.common.health.NodeHealth;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/** Registers the default codecs of every record sent over the event bus. Call once per Vert.x instance. */
public final class Codecs {
  private static final List<Class<?>> RECORDS = List.of(HealthReport.class, NodeHealth.class);

  private Codecs() {
  }

  public static void registerAll(EventBus bus) {
    for (Class<?> type : RECORDS) {
      register(bus, type);
    }
  }

  private static <T> void register(EventBus bus, Class<T> type) {
    bus.registerDefaultCodec(type, new JsonCodec<>(type));
  }
}
