package io.mezzo.l4lb.state;

import io.vertx.core.Future;
import io.vertx.core.Handler;

/**
 * Where the load balancer learns the cluster state: the port a Mesos master SUBSCRIBE client will
 * implement. Handlers are called on the verticle's context: first a full state, then events; a new
 * full state (after a reconnect) replaces everything.
 */
public interface ClusterStateSource {

  Future<Void> start(Handler<ClusterState> onState, Handler<TaskEvent> onEvent);

  default Future<Void> stop() {
    return Future.succeededFuture();
  }

  /** A source that delivers one fixed state and nothing after it. */
  static ClusterStateSource fixed(ClusterState state) {
    return (onState, onEvent) -> {
      onState.handle(state);
      return Future.succeededFuture();
    };
  }
}
