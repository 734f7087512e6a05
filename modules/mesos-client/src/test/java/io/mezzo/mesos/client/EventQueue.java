package io.mezzo.mesos.client;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.disposables.Disposable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/** Buffers a stream's events so a test can wait for the next one matching a predicate; others stay queued. */
final class EventQueue<E> implements AutoCloseable {
  private final BlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
  private final List<E> unmatched = new ArrayList<>();
  private final Disposable subscription;
  private final Function<E, Object> describe;
  private volatile boolean done;
  private volatile Throwable error;

  EventQueue(Flowable<E> events, Function<E, Object> describe) {
    this.describe = describe;
    this.subscription = events.subscribe(arrived::add, e -> {
      error = e;
      done = true;
    }, () -> done = true);
  }

  @SuppressWarnings("unchecked")
  E next(Predicate<E> wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (Iterator<E> it = unmatched.iterator(); it.hasNext(); ) {
        E e = it.next();
        if (wanted.test(e)) {
          it.remove();
          return e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no matching event within " + timeout + "; unmatched: "
            + unmatched.stream().map(describe).toList() + (error != null ? "; stream failed: " + error : done ? "; stream ended" : ""));
      }
      Object e = arrived.poll(20, TimeUnit.MILLISECONDS);
      if (e != null) {
        unmatched.add((E) e);
      }
    }
  }

  boolean done() {
    return done;
  }

  Throwable error() {
    return error;
  }

  @Override
  public void close() {
    subscription.dispose();
  }
}
