package io.mezzo.mesos.client;

import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.schedulers.Schedulers;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** Runs a blocking HTTP exchange on an I/O thread as a cold, cancellable Rx source. */
final class Calls {
  private Calls() {
  }

  interface Exchange<T> {
    T run(Consumer<okhttp3.Call> cancelHandle) throws Exception;
  }

  interface VoidExchange {
    void run(Consumer<okhttp3.Call> cancelHandle) throws Exception;
  }

  static <T> Single<T> single(Exchange<T> exchange) {
    return single(Schedulers.io(), exchange);
  }

  /** As {@link #single(Exchange)}, on {@code scheduler} (e.g. a bounded pool, so bursts queue instead of spawning). */
  static <T> Single<T> single(io.reactivex.rxjava3.core.Scheduler scheduler, Exchange<T> exchange) {
    return Single.<T>create(emitter -> {
      AtomicReference<okhttp3.Call> current = new AtomicReference<>();
      emitter.setCancellable(() -> {
        okhttp3.Call c = current.get();
        if (c != null) {
          c.cancel();
        }
      });
      try {
        emitter.onSuccess(exchange.run(c -> {
          current.set(c);
          if (emitter.isDisposed()) {
            c.cancel();
          }
        }));
      } catch (Exception e) {
        emitter.tryOnError(e);
      }
    }).subscribeOn(scheduler);
  }

  static Completable completable(VoidExchange exchange) {
    return completable(Schedulers.io(), exchange);
  }

  static Completable completable(io.reactivex.rxjava3.core.Scheduler scheduler, VoidExchange exchange) {
    return single(scheduler, cancel -> {
      exchange.run(cancel);
      return Boolean.TRUE;
    }).ignoreElement();
  }
}
