package io.mezzo.metronome.mesos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;

/**
 * What is left of one offer's scalar resources while tasks are packed into it. Taking an amount takes it from
 * the offer's resources of that name in their order (e.g. first the role's reservation, then {@code *}), keeping
 * each piece's role, reservations and allocation info, as Mesos requires of a LAUNCH. Not thread-safe.
 */
public final class ResourcePool {
  private static final double EPSILON = 1e-6;
  private final List<Resource.Builder> scalars = new ArrayList<>();

  public ResourcePool(Offer offer) {
    for (Resource r : offer.getResourcesList()) {
      if (r.getType() == Value.Type.SCALAR && !r.hasDisk() && !r.hasRevocable()) {
        scalars.add(r.toBuilder());
      }
    }
  }

  /** The amount left of a resource. */
  public double available(String name) {
    double sum = 0;
    for (Resource.Builder r : scalars) {
      if (r.getName().equals(name)) {
        sum += r.getScalar().getValue();
      }
    }
    return sum;
  }

  /** Whether every wanted amount (zero amounts are ignored) is left. */
  public boolean fits(Map<String, Double> wanted) {
    for (Map.Entry<String, Double> w : wanted.entrySet()) {
      if (w.getValue() > EPSILON && available(w.getKey()) + EPSILON < w.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Takes the wanted amounts; call only after {@link #fits}. */
  public List<Resource> take(Map<String, Double> wanted) {
    List<Resource> out = new ArrayList<>();
    for (Map.Entry<String, Double> w : wanted.entrySet()) {
      double left = w.getValue();
      for (Resource.Builder r : scalars) {
        if (left <= EPSILON) {
          break;
        }
        if (!r.getName().equals(w.getKey()) || r.getScalar().getValue() <= EPSILON) {
          continue;
        }
        double part = Math.min(left, r.getScalar().getValue());
        out.add(r.build().toBuilder().setScalar(Value.Scalar.newBuilder().setValue(round(part))).build());
        r.setScalar(Value.Scalar.newBuilder().setValue(round(r.getScalar().getValue() - part)));
        left -= part;
      }
    }
    return out;
  }

  /** Mesos keeps scalars at three decimals. */
  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** cpus, mem, disk and gpus of a run, in that order. */
  public static Map<String, Double> wanted(double cpus, double mem, double disk, double gpus) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("cpus", cpus);
    m.put("mem", mem);
    m.put("disk", disk);
    m.put("gpus", gpus);
    return m;
  }
}
