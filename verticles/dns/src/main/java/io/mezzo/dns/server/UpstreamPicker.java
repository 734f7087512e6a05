package io.mezzo.dns.server;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Chooses the upstreams a query goes to, like dcos-dns: with fewer than three, all of them; with
 * three or more, two, taken from those with the fewest recent failures (ties broken at random).
 * A success clears an upstream's failure count. Not thread-safe: use it on one context.
 */
public final class UpstreamPicker {
  private final List<Upstream> upstreams;
  private final Random random;
  private final Map<Upstream, Integer> failures = new HashMap<>();

  public UpstreamPicker(List<Upstream> upstreams, Random random) {
    this.upstreams = List.copyOf(upstreams);
    this.random = random;
  }

  public List<Upstream> pick() {
    if (upstreams.size() < 3) {
      return upstreams;
    }
    List<Upstream> shuffled = new ArrayList<>(upstreams);
    Collections.shuffle(shuffled, random);
    shuffled.sort(Comparator.comparingInt(u -> failures.getOrDefault(u, 0)));
    return List.copyOf(shuffled.subList(0, 2));
  }

  public void failed(Upstream upstream) {
    failures.merge(upstream, 1, Integer::sum);
  }

  public void succeeded(Upstream upstream) {
    failures.remove(upstream);
  }

  public int failures(Upstream upstream) {
    return failures.getOrDefault(upstream, 0);
  }
}
