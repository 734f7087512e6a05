package io.mezzo.marathon.mesos;

import io.mezzo.marathon.placement.AttributeValue;
import io.mezzo.marathon.placement.OfferView;
import io.mezzo.marathon.placement.PortRange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;

/**
 * What is left of one offer while instances are placed on it. {@link #view()} is what the matcher sees;
 * {@link #take} removes resources and returns them as they must appear in the TaskInfo (same role, reservations and
 * allocation info as offered). Scalars use Mesos' three-decimal fixed point. Not thread-safe.
 */
final class OfferResources {
  private final Offer offer;
  private final List<Resource> left;
  private final Map<String, AttributeValue> attributes = new LinkedHashMap<>();

  OfferResources(Offer offer) {
    this.offer = offer;
    this.left = new ArrayList<>(offer.getResourcesList());
    for (Attribute a : offer.getAttributesList()) {
      if (a.getType() == Value.Type.SCALAR) {
        attributes.put(a.getName(), AttributeValue.scalar(a.getScalar().getValue()));
      } else if (a.getType() == Value.Type.TEXT) {
        attributes.put(a.getName(), AttributeValue.text(a.getText().getValue()));
      }
    }
  }

  Offer offer() {
    return offer;
  }

  OfferView view() {
    List<PortRange> ports = new ArrayList<>();
    for (Resource r : left) {
      if (r.getName().equals("ports") && r.hasRanges()) {
        r.getRanges().getRangeList().forEach(x -> ports.add(new PortRange((int) x.getBegin(), (int) x.getEnd())));
      }
    }
    String region = offer.hasDomain() && offer.getDomain().getFaultDomain().hasRegion()
        ? offer.getDomain().getFaultDomain().getRegion().getName() : null;
    String zone = offer.hasDomain() && offer.getDomain().getFaultDomain().hasZone()
        ? offer.getDomain().getFaultDomain().getZone().getName() : null;
    return new OfferView(offer.getAgentId().getValue(), offer.getHostname(), attributes, scalar("cpus"),
        scalar("mem"), scalar("disk"), (int) scalar("gpus"), ports, role(), region, zone);
  }

  /** The reservation role when the cpus on offer are reserved, else {@code *}. */
  private String role() {
    for (Resource r : left) {
      if (r.getName().equals("cpus")) {
        if (r.getReservationsCount() > 0) {
          return r.getReservations(r.getReservationsCount() - 1).getRole();
        }
        return r.hasRole() ? r.getRole() : "*";
      }
    }
    return "*";
  }

  private double scalar(String name) {
    long milli = 0;
    for (Resource r : left) {
      if (r.getName().equals(name) && r.hasScalar()) {
        milli += toMilli(r.getScalar().getValue());
      }
    }
    return milli / 1000.0;
  }

  /** Takes these amounts and exactly these host ports; the caller has checked that they are on offer. */
  List<Resource> take(double cpus, double mem, double disk, int gpus, List<Integer> ports) {
    List<Resource> out = new ArrayList<>();
    takeScalar("cpus", cpus, out);
    takeScalar("mem", mem, out);
    takeScalar("disk", disk, out);
    takeScalar("gpus", gpus, out);
    for (int port : ports) {
      takePort(port, out);
    }
    return out;
  }

  private void takeScalar(String name, double amount, List<Resource> out) {
    long want = toMilli(amount);
    for (int i = 0; i < left.size() && want > 0; i++) {
      Resource r = left.get(i);
      if (!r.getName().equals(name) || !r.hasScalar()) {
        continue;
      }
      long have = toMilli(r.getScalar().getValue());
      long used = Math.min(have, want);
      if (used <= 0) {
        continue;
      }
      want -= used;
      out.add(r.toBuilder().setScalar(Value.Scalar.newBuilder().setValue(used / 1000.0)).build());
      left.set(i, r.toBuilder().setScalar(Value.Scalar.newBuilder().setValue((have - used) / 1000.0)).build());
    }
    if (want > 0) {
      throw new IllegalStateException("Offer '" + offer.getId().getValue() + "' has too little " + name);
    }
  }

  private void takePort(int port, List<Resource> out) {
    for (int i = 0; i < left.size(); i++) {
      Resource r = left.get(i);
      if (!r.getName().equals("ports") || !r.hasRanges()) {
        continue;
      }
      Value.Ranges.Builder rest = Value.Ranges.newBuilder();
      boolean found = false;
      for (Value.Range range : r.getRanges().getRangeList()) {
        if (!found && range.getBegin() <= port && port <= range.getEnd()) {
          found = true;
          if (range.getBegin() < port) {
            rest.addRange(Value.Range.newBuilder().setBegin(range.getBegin()).setEnd(port - 1L));
          }
          if (port < range.getEnd()) {
            rest.addRange(Value.Range.newBuilder().setBegin(port + 1L).setEnd(range.getEnd()));
          }
        } else {
          rest.addRange(range);
        }
      }
      if (found) {
        left.set(i, r.toBuilder().setRanges(rest).build());
        merge(out, r.toBuilder().setRanges(Value.Ranges.newBuilder()
            .addRange(Value.Range.newBuilder().setBegin(port).setEnd(port))).build());
        return;
      }
    }
    throw new IllegalStateException("Offer '" + offer.getId().getValue() + "' has no port " + port);
  }

  /** Adds a one-port resource to an existing ports resource of the same origin, if any, keeping ranges sorted. */
  private static void merge(List<Resource> out, Resource port) {
    for (int i = 0; i < out.size(); i++) {
      Resource r = out.get(i);
      if (r.getName().equals("ports") && r.toBuilder().clearRanges().build().equals(port.toBuilder().clearRanges().build())) {
        List<Value.Range> ranges = new ArrayList<>(r.getRanges().getRangeList());
        ranges.addAll(port.getRanges().getRangeList());
        out.set(i, r.toBuilder().setRanges(coalesce(ranges)).build());
        return;
      }
    }
    out.add(port);
  }

  private static Value.Ranges coalesce(List<Value.Range> ranges) {
    List<Value.Range> sorted = new ArrayList<>(ranges);
    sorted.sort(java.util.Comparator.comparingLong(Value.Range::getBegin));
    Value.Ranges.Builder out = Value.Ranges.newBuilder();
    long begin = -1;
    long end = -1;
    for (Value.Range r : sorted) {
      if (begin >= 0 && r.getBegin() <= end + 1) {
        end = Math.max(end, r.getEnd());
        continue;
      }
      if (begin >= 0) {
        out.addRange(Value.Range.newBuilder().setBegin(begin).setEnd(end));
      }
      begin = r.getBegin();
      end = r.getEnd();
    }
    if (begin >= 0) {
      out.addRange(Value.Range.newBuilder().setBegin(begin).setEnd(end));
    }
    return out.build();
  }

  private static long toMilli(double value) {
    return Math.round(value * 1000);
  }
}
