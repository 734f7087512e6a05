package io.mezzo.dns.state;

import io.mezzo.mesos.client.MasterDetector;
import io.mezzo.mesos.client.OperatorClient;
import io.reactivex.rxjava3.disposables.Disposable;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.logging.Logger;
import org.apache.mesos.v1.master.Protos.Call;
import org.apache.mesos.v1.master.Protos.Event;

/**
 * Follows the leading master's operator SUBSCRIBE stream: every SUBSCRIBED (the first, and the one
 * after each reconnect) replaces the whole state; TASK_*, FRAMEWORK_* and AGENT_* events change it.
 * The leader's MasterInfo is asked with GET_MASTER after each SUBSCRIBED and arrives as a
 * LeaderChanged event. Handlers run on the context that called {@link #start}, in stream order.
 */
public final class MasterStreamSource implements ClusterStateSource {
  private static final Logger LOG = Logger.getLogger(MasterStreamSource.class.getName());

  private final MasterDetector detector;
  private OperatorClient client;
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
    client = OperatorClient.builder().detector(detector).build();
    stream = client.subscribe().subscribe(event -> {
      if (event.getType() == Event.Type.SUBSCRIBED) {
        // the snapshot first, in stream order; the leader's MasterInfo follows as an event
        ClusterState state = OperatorState.fromSnapshot(event.getSubscribed().getGetState(), null);
        context.runOnContext(v -> onState.handle(state));
        client.call(Call.Type.GET_MASTER).subscribe(
            master -> context.runOnContext(v -> onEvent.handle(
                new TaskEvent.LeaderChanged(OperatorState.master(master.getGetMaster().getMasterInfo())))),
            error -> LOG.warning("GET_MASTER failed: " + error));
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
