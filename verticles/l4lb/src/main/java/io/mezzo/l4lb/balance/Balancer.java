package io.mezzo.l4lb.balance;

import io.mezzo.l4lb.vip.Backend;
import io.mezzo.l4lb.vip.BackendAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Chooses backends: least connections with power-of-two choices, plus a down list with backoff.
 *
 * <p>A pick considers the backends with weight above 0 that are not down and not excluded by the
 * caller. It draws two distinct ones at random and takes the one with fewer active connections;
 * on a tie, the one picked less recently (so a fresh backend is tried soon). With one candidate it
 * takes that one. When every weighted backend is down it takes the one whose retry time comes
 * first, so a VIP never refuses service because of stale down marks.
 *
 * <p>A failed connect marks the backend down for {@code initialBackoff}, doubling with each
 * consecutive failure up to {@code maxBackoff}; after that time it is a candidate again, and one
 * successful connect clears the mark. Active connections and down marks are per backend address,
 * shared by every VIP that has it.
 *
 * <p>Thread-safe: the proxy verticles of every event loop share one instance, so that active
 * connection counts and down marks are the node's, not one event loop's. Calls are short and
 * uncontended at the rates one node sees.
 */
public final class Balancer {

  private static final class Book {
    int active;
    int failures;
    long downUntil;
    long lastPick = Long.MIN_VALUE;
  }

  private final Clock clock;
  private final Random random;
  private final long initialBackoffMs;
  private final long maxBackoffMs;
  private final Map<BackendAddress, Book> books = new HashMap<>();
  private long picks;

  public Balancer(Clock clock, Random random, Duration initialBackoff, Duration maxBackoff) {
    this.clock = clock;
    this.random = random;
    this.initialBackoffMs = initialBackoff.toMillis();
    this.maxBackoffMs = maxBackoff.toMillis();
  }

  /** A backend for a new connection, or empty when none has weight above 0 outside {@code excluded}. */
  public synchronized Optional<BackendAddress> pick(List<Backend> backends, Set<BackendAddress> excluded) {
    long now = clock.millis();
    List<BackendAddress> up = new ArrayList<>();
    BackendAddress soonest = null;
    long soonestAt = Long.MAX_VALUE;
    for (Backend b : backends) {
      if (b.weight() <= 0 || excluded.contains(b.address())) {
        continue;
      }
      Book book = books.get(b.address());
      if (book == null || book.downUntil <= now) {
        up.add(b.address());
      } else if (book.downUntil < soonestAt) {
        soonestAt = book.downUntil;
        soonest = b.address();
      }
    }
    BackendAddress chosen;
    if (up.isEmpty()) {
      chosen = soonest;
    } else if (up.size() == 1) {
      chosen = up.get(0);
    } else {
      int i = random.nextInt(up.size());
      int j = random.nextInt(up.size() - 1);
      if (j >= i) {
        j++;
      }
      chosen = better(up.get(i), up.get(j));
    }
    if (chosen != null) {
      book(chosen).lastPick = picks++;
    }
    return Optional.ofNullable(chosen);
  }

  private BackendAddress better(BackendAddress a, BackendAddress b) {
    Book x = books.get(a);
    Book y = books.get(b);
    int activeA = x == null ? 0 : x.active;
    int activeB = y == null ? 0 : y.active;
    if (activeA != activeB) {
      return activeA < activeB ? a : b;
    }
    long lastA = x == null ? Long.MIN_VALUE : x.lastPick;
    long lastB = y == null ? Long.MIN_VALUE : y.lastPick;
    return lastA <= lastB ? a : b;
  }

  /** A connection to the backend succeeded: it is no longer down, and one more connection is active. */
  public synchronized void connected(BackendAddress backend) {
    Book book = book(backend);
    book.failures = 0;
    book.downUntil = 0;
    book.active++;
  }

  /** A connection to the backend ended. */
  public synchronized void closed(BackendAddress backend) {
    Book book = books.get(backend);
    if (book != null && book.active > 0) {
      book.active--;
    }
  }

  /** A connect failed: the backend is down for the next backoff step. */
  public synchronized void failed(BackendAddress backend) {
    Book book = book(backend);
    long backoff = initialBackoffMs << Math.min(book.failures, 30);
    book.failures++;
    book.downUntil = clock.millis() + Math.min(backoff, maxBackoffMs);
  }

  public synchronized int active(BackendAddress backend) {
    Book book = books.get(backend);
    return book == null ? 0 : book.active;
  }

  public synchronized boolean down(BackendAddress backend) {
    Book book = books.get(backend);
    return book != null && book.downUntil > clock.millis();
  }

  /** Forgets backends outside {@code live} that carry no connection any more. */
  public synchronized void retain(Set<BackendAddress> live) {
    books.entrySet().removeIf(e -> !live.contains(e.getKey()) && e.getValue().active == 0);
  }

  private Book book(BackendAddress backend) {
    return books.computeIfAbsent(backend, k -> new Book());
  }
}
