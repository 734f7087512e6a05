package io.mezzo.mesos.proto;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;

/**
 * An immutable multiset of resources keyed by name and role, with the arithmetic an allocator needs.
 * Scalars are kept as fixed-point thousandths (Mesos rounds to 3 decimals), so {@code 0.1 + 0.2}
 * is exactly {@code 0.3}; ranges are kept sorted and coalesced; sets as sorted items.
 *
 * <p>Only name, role, type and value are tracked: disk info, revocable, shared, provider and
 * allocation info are not. Keep such resources out of a bag, or track them next to it.
 */
public final class ResourceBag {

  /** Largest scalar one resource may carry (10^12, an exabyte of MB); sums may grow beyond it. */
  static final BigDecimal MAX_SCALAR = BigDecimal.TEN.pow(12);
  private static final long MAX_MILLIS = MAX_SCALAR.movePointRight(3).longValueExact();

  public static final ResourceBag EMPTY = new ResourceBag(new TreeMap<>(), new TreeMap<>(), new TreeMap<>());

  private record Key(String name, String role) implements Comparable<Key> {
    private static final Comparator<Key> ORDER = Comparator.comparing(Key::name).thenComparing(Key::role);

    @Override
    public int compareTo(Key o) {
      return ORDER.compare(this, o);
    }
  }

  private final TreeMap<Key, Long> scalars;
  private final TreeMap<Key, List<long[]>> ranges;
  private final TreeMap<Key, SortedSet<String>> sets;

  private ResourceBag(TreeMap<Key, Long> scalars, TreeMap<Key, List<long[]>> ranges, TreeMap<Key, SortedSet<String>> sets) {
    this.scalars = scalars;
    this.ranges = ranges;
    this.sets = sets;
  }

  /**
   * A bag of {@code resources}, summing entries with the same name and role.
   *
   * @throws IllegalArgumentException for a negative, non-finite or too large scalar, a range that
   *     begins after it ends, or an unsupported value type
   */
  public static ResourceBag of(Iterable<Resource> resources) {
    ResourceBag bag = EMPTY;
    for (Resource r : resources) {
      bag = bag.add(single(r));
    }
    return bag;
  }

  /** {@code of(Resources.parse(text, defaultRole))}. */
  public static ResourceBag parse(String text, String defaultRole) {
    return of(Resources.parse(text, defaultRole));
  }

  private static ResourceBag single(Resource r) {
    Key key = new Key(r.getName(), Resources.roleOf(r));
    ResourceBag bag = new ResourceBag(new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
    switch (r.getType()) {
      case SCALAR: {
        BigDecimal fixed = Resources.toFixed(r.getScalar().getValue(), "'" + r.getName() + "'");
        if (fixed.signum() < 0 || fixed.compareTo(BigDecimal.valueOf(MAX_MILLIS)) > 0) {
          throw new IllegalArgumentException("Scalar '" + r.getName() + "' is out of range: " + r.getScalar().getValue());
        }
        if (fixed.signum() > 0) {
          bag.scalars.put(key, fixed.longValueExact());
        }
        break;
      }
      case RANGES: {
        List<long[]> list = new ArrayList<>();
        for (Value.Range range : r.getRanges().getRangeList()) {
          if (range.getBegin() < 0 || range.getBegin() > range.getEnd()) {
            throw new IllegalArgumentException("Range '" + r.getName() + "' ["
                + Long.toUnsignedString(range.getBegin()) + "-" + Long.toUnsignedString(range.getEnd()) + "] is invalid");
          }
          list.add(new long[] {range.getBegin(), range.getEnd()});
        }
        if (!list.isEmpty()) {
          bag.ranges.put(key, coalesce(list));
        }
        break;
      }
      case SET:
        if (r.getSet().getItemCount() > 0) {
          bag.sets.put(key, Collections.unmodifiableSortedSet(new TreeSet<>(r.getSet().getItemList())));
        }
        break;
      default:
        throw new IllegalArgumentException("Resource '" + r.getName() + "' has unsupported type " + r.getType());
    }
    return bag;
  }

  /** The sum of both bags. */
  public ResourceBag add(ResourceBag other) {
    TreeMap<Key, Long> s = new TreeMap<>(scalars);
    other.scalars.forEach((k, v) -> s.merge(k, v, (a, b) -> {
      try {
        return Math.addExact(a, b);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("Scalar '" + k.name() + "' overflows", e);
      }
    }));
    TreeMap<Key, List<long[]>> r = new TreeMap<>(ranges);
    other.ranges.forEach((k, v) -> r.merge(k, v, (a, b) -> {
      List<long[]> all = new ArrayList<>(a);
      all.addAll(b);
      return coalesce(all);
    }));
    TreeMap<Key, SortedSet<String>> t = new TreeMap<>(sets);
    other.sets.forEach((k, v) -> t.merge(k, v, (a, b) -> {
      TreeSet<String> all = new TreeSet<>(a);
      all.addAll(b);
      return Collections.unmodifiableSortedSet(all);
    }));
    return new ResourceBag(s, r, t);
  }

  /**
   * This bag minus {@code other}. Saturating, like Mesos: what {@code other} holds beyond this bag
   * is ignored (a scalar never goes below zero). Check {@link #contains} first to detect that.
   */
  public ResourceBag subtract(ResourceBag other) {
    TreeMap<Key, Long> s = new TreeMap<>(scalars);
    other.scalars.forEach((k, v) -> s.computeIfPresent(k, (key, a) -> a - v > 0 ? a - v : null));
    TreeMap<Key, List<long[]>> r = new TreeMap<>(ranges);
    other.ranges.forEach((k, v) -> r.computeIfPresent(k, (key, a) -> {
      List<long[]> left = minus(a, v);
      return left.isEmpty() ? null : left;
    }));
    TreeMap<Key, SortedSet<String>> t = new TreeMap<>(sets);
    other.sets.forEach((k, v) -> t.computeIfPresent(k, (key, a) -> {
      TreeSet<String> left = new TreeSet<>(a);
      left.removeAll(v);
      return left.isEmpty() ? null : Collections.unmodifiableSortedSet(left);
    }));
    return new ResourceBag(s, r, t);
  }

  /** True when this bag covers {@code other}: every scalar at least as large, every range and set item present. */
  public boolean contains(ResourceBag other) {
    for (Map.Entry<Key, Long> e : other.scalars.entrySet()) {
      if (scalars.getOrDefault(e.getKey(), 0L) < e.getValue()) {
        return false;
      }
    }
    for (Map.Entry<Key, List<long[]>> e : other.ranges.entrySet()) {
      List<long[]> mine = ranges.getOrDefault(e.getKey(), List.of());
      for (long[] need : e.getValue()) {
        if (mine.stream().noneMatch(have -> have[0] <= need[0] && need[1] <= have[1])) {
          return false;
        }
      }
    }
    for (Map.Entry<Key, SortedSet<String>> e : other.sets.entrySet()) {
      if (!sets.getOrDefault(e.getKey(), Collections.emptySortedSet()).containsAll(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  public boolean isEmpty() {
    return scalars.isEmpty() && ranges.isEmpty() && sets.isEmpty();
  }

  /** Total scalar {@code name} over all roles (0 if absent), exact to 3 decimals. */
  public double scalar(String name) {
    long sum = 0;
    for (Map.Entry<Key, Long> e : scalars.entrySet()) {
      if (e.getKey().name().equals(name)) {
        sum += e.getValue();
      }
    }
    return BigDecimal.valueOf(sum, 3).doubleValue();
  }

  /** Scalar {@code name} reserved to {@code role} ({@code *} for unreserved), 0 if absent. */
  public double scalar(String name, String role) {
    return BigDecimal.valueOf(scalars.getOrDefault(new Key(name, role), 0L), 3).doubleValue();
  }

  /** The part of this bag reserved to {@code role} ({@code *} for the unreserved part). */
  public ResourceBag forRole(String role) {
    ResourceBag bag = new ResourceBag(new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
    scalars.forEach((k, v) -> { if (k.role().equals(role)) bag.scalars.put(k, v); });
    ranges.forEach((k, v) -> { if (k.role().equals(role)) bag.ranges.put(k, v); });
    sets.forEach((k, v) -> { if (k.role().equals(role)) bag.sets.put(k, v); });
    return bag;
  }

  /** The bag as Mesos resources (STATIC reservations for roles other than {@code *}), sorted by name and role. */
  public List<Resource> toResources() {
    TreeMap<Key, List<Resource>> byKey = new TreeMap<>();
    scalars.forEach((k, v) -> byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(resource(k)
        .setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(BigDecimal.valueOf(v, 3).doubleValue()))
        .build()));
    ranges.forEach((k, v) -> {
      Value.Ranges.Builder b = Value.Ranges.newBuilder();
      v.forEach(range -> b.addRange(Value.Range.newBuilder().setBegin(range[0]).setEnd(range[1])));
      byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(resource(k).setType(Value.Type.RANGES).setRanges(b).build());
    });
    sets.forEach((k, v) -> byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(resource(k)
        .setType(Value.Type.SET)
        .setSet(Value.Set.newBuilder().addAllItem(v))
        .build()));
    List<Resource> out = new ArrayList<>();
    byKey.values().forEach(out::addAll);
    return out;
  }

  private static Resource.Builder resource(Key k) {
    Resource.Builder b = Resource.newBuilder().setName(k.name());
    if (!Resources.UNRESERVED.equals(k.role())) {
      b.addReservations(Resource.ReservationInfo.newBuilder()
          .setType(Resource.ReservationInfo.Type.STATIC)
          .setRole(k.role()));
    }
    return b;
  }

  /** Sorts and merges overlapping and adjacent ranges ({@code [1-2,3-4]} becomes {@code [1-4]}). */
  static List<long[]> coalesce(List<long[]> input) {
    List<long[]> sorted = new ArrayList<>(input);
    sorted.sort(Comparator.comparingLong((long[] r) -> r[0]));
    List<long[]> out = new ArrayList<>();
    for (long[] r : sorted) {
      long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && r[0] <= last[1] + 1) {
        if (r[1] > last[1]) {
          out.set(out.size() - 1, new long[] {last[0], r[1]});
        }
      } else {
        out.add(new long[] {r[0], r[1]});
      }
    }
    return Collections.unmodifiableList(out);
  }

  private static List<long[]> minus(List<long[]> have, List<long[]> take) {
    List<long[]> out = new ArrayList<>();
    for (long[] h : have) {
      long begin = h[0];
      long end = h[1];
      for (long[] t : take) {
        if (t[1] < begin || t[0] > end) {
          continue;
        }
        if (t[0] > begin) {
          out.add(new long[] {begin, t[0] - 1});
        }
        begin = t[1] + 1;
        if (begin > end || t[1] == Long.MAX_VALUE) {
          begin = Long.MAX_VALUE;
          end = Long.MIN_VALUE;
          break;
        }
      }
      if (begin <= end) {
        out.add(new long[] {begin, end});
      }
    }
    return Collections.unmodifiableList(out);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ResourceBag other)) {
      return false;
    }
    return scalars.equals(other.scalars) && sets.equals(other.sets) && rangesEqual(ranges, other.ranges);
  }

  private static boolean rangesEqual(TreeMap<Key, List<long[]>> a, TreeMap<Key, List<long[]>> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (Map.Entry<Key, List<long[]>> e : a.entrySet()) {
      List<long[]> mine = e.getValue();
      List<long[]> theirs = b.get(e.getKey());
      if (theirs == null || theirs.size() != mine.size()) {
        return false;
      }
      for (int i = 0; i < mine.size(); i++) {
        if (!Arrays.equals(mine.get(i), theirs.get(i))) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = Objects.hash(scalars, sets);
    for (Map.Entry<Key, List<long[]>> e : ranges.entrySet()) {
      h = 31 * h + e.getKey().hashCode();
      for (long[] r : e.getValue()) {
        h = 31 * h + Arrays.hashCode(r);
      }
    }
    return h;
  }

  /** The bag in resource text syntax, e.g. {@code cpus:1.5;mem(web):128;ports:[31000-31009]}. */
  @Override
  public String toString() {
    return Resources.format(toResources());
  }
}
