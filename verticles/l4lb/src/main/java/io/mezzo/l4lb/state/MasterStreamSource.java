package io.mezzo.l4lb.state;

import io.mezzo.mesos.client.MasterDetector;
import io.mezzo.mesos.client.OperatorClient;
import io.reactivex.rxjava3.disposables.Disposable;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.logging.Logger;
import org.apache.mesos.v1.master.Protos.Event;

/**
 * Follows the leading master's operator SUBSCRIBE stream: each SUBSCRIBED (first, and after every
 * reconnect) replaces the state, later events change it. Handlers run on the context that called
 * {@link #start}.
 */
public final class MasterStreamSource implements ClusterStateSource {
  private static final Logger LOG = Logger.getLogger(MasterStreamSource.class.getName());

  private final MasterDetector detector;
  private Disposable stream;

  public MasterStreamSource(MasterDetector detector) {
    this.detector = detector;
  }

  @Override
  public Future<Void> start(Handler<ClusterState> onState, Handler<TaskEvent> onEvent) {
    Context context = Vertx.currentContext();
    if (context == null) {
      return Future.failedFuture(new IllegalStateException("start the master stream on a Vert.x context"));
    }
    // the first state arrives later: serve an empty table until then
    onState.handle(ClusterState.EMPTY);
    stream = OperatorClient.builder().detector(detector).build().subscribe().subscribe(event -> {
      if (event.getType() == Event.Type.SUBSCRIBED) {
        ClusterState state = OperatorState.fromSnapshot(event.getSubscribed().getGetState());
        context.runOnContext(v -> onState.handle(state));
      } else {
        OperatorState.fromEvent(event).ifPresent(change -> context.runOnContext(v -> onEvent.handle(change)));
      }
    }, error -> LOG.warning("Master stream ended: " + error));
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    if (stream != null) {
      stream.dispose();
    }
    try {
      detector.close();
    } catch (Exception e) {
      LOG.fine("closing the detector failed: " + e);
    }
    return Future.succeededFuture();
  }
}
