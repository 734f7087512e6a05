package io.mezzo.mesos.client.cluster;

import io.vertx.core.Future;
import io.vertx.core.Handler;

/**
 * Where a verticle learns the cluster state. Handlers are called on the verticle's context: first a
 * full state, then events; a new full state (after a reconnect) replaces everything.
 */
public interface ClusterStateSource {

  Future<Void> start(Handler<ClusterState> onState, Handler<TaskEvent> onEvent);

  default Future<Void> stop() {
    return Future.succeededFuture();
  }

  /**
   * This source, with {@code first} delivered at once on start (e.g. an empty state to serve until the
   * master's first snapshot arrives).
   */
  default ClusterStateSource startingWith(ClusterState first) {
    ClusterStateSource self = this;
    return new ClusterStateSource() {
      @Override
      public Future<Void> start(Handler<ClusterState> onState, Handler<TaskEvent> onEvent) {
        onState.handle(first);
        return self.start(onState, onEvent);
      }

      @Override
      public Future<Void> stop() {
        return self.stop();
      }
    };
  }

  /** A source that delivers one fixed state and nothing after it. */
  static ClusterStateSource fixed(ClusterState state) {
    return (onState, onEvent) -> {
      onState.handle(state);
      return Future.succeededFuture();
    };
  }
}
