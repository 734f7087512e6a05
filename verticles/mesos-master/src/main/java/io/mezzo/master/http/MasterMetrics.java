package io.mezzo.master.http;

import io.mezzo.master.core.Master;
import io.mezzo.master.core.MetricsView;
import java.util.Map;

/** Metrics and times for the HTTP views. */
final class MasterMetrics {
  private MasterMetrics() {
  }

  static Map<String, Double> snapshot(Master master) {
    return MetricsView.snapshot(master);
  }

  static double startSeconds(Master master) {
    return master.startTime().toEpochMilli() / 1000.0;
  }

  static double electedSeconds(Master master) {
    return master.electedTime().toEpochMilli() / 1000.0;
  }
}
