package io.mezzo.mesos.client.cluster;

import io.mezzo.common.component.ComponentContext;
import io.mezzo.mesos.client.MasterDetector;
import io.mezzo.mesos.client.OperatorClient;
import io.mezzo.mesos.client.StaticMasterDetector;
import io.mezzo.mesos.client.ZooKeeperMasterDetector;
import io.reactivex.rxjava3.disposables.Disposable;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.List;
import java.util.logging.Logger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.mesos.v1.master.Protos.Call;
import org.apache.mesos.v1.master.Protos.Event;

/**
 * Follows the leading master's operator SUBSCRIBE stream: every SUBSCRIBED (the first, and the one
 * after each reconnect) replaces the whole state; TASK_*, FRAMEWORK_* and AGENT_* events change it.
 * With {@code askLeader}, the leader's MasterInfo is asked with GET_MASTER after each SUBSCRIBED and
 * arrives as a {@link TaskEvent.LeaderChanged}. Handlers run on the context that called
 * {@link #start}, in stream order. {@link #stop} also closes the detector.
 */
public final class MasterStreamSource implements ClusterStateSource {
  private static final Logger LOG = Logger.getLogger(MasterStreamSource.class.getName());

  private final MasterDetector detector;
  private final boolean askLeader;
  private Disposable stream;

  public MasterStreamSource(MasterDetector detector, boolean askLeader) {
    this.detector = detector;
    this.askLeader = askLeader;
  }

  /**
   * The masters a component follows: its configured master URLs, else the leader the masters publish
   * in ZooKeeper under {@code masterZkPath}, through the node's ZooKeeper client.
   *
   * @param component the component's name, also its config section (for the error when neither is there)
   */
  public static MasterDetector detector(ComponentContext node, List<String> masterUrls, String masterZkPath,
                                        String component) {
    if (!masterUrls.isEmpty()) {
      return new StaticMasterDetector(masterUrls.stream().map(URI::create).toList());
    }
    CuratorFramework curator = node.service(CuratorFramework.class).orElseThrow(() -> new IllegalStateException(
        component + " needs the node's ZooKeeper client or " + component + ".master_urls"));
    return new ZooKeeperMasterDetector(curator, masterZkPath);
  }

  @Override
  public Future<Void> start(Handler<ClusterState> onState, Handler<TaskEvent> onEvent) {
    Context context = Vertx.currentContext();
    if (context == null) {
      return Future.failedFuture(new IllegalStateException("start the master stream on a Vert.x context"));
    }
    OperatorClient client = OperatorClient.builder().detector(detector).build();
    stream = client.subscribe().subscribe(event -> {
      if (event.getType() == Event.Type.SUBSCRIBED) {
        // the snapshot first, in stream order; the leader's MasterInfo follows as an event
        ClusterState state = OperatorState.fromSnapshot(event.getSubscribed().getGetState(), null);
        context.runOnContext(v -> onState.handle(state));
        if (askLeader) {
          client.call(Call.Type.GET_MASTER).subscribe(
              master -> context.runOnContext(v -> onEvent.handle(
                  new TaskEvent.LeaderChanged(OperatorState.master(master.getGetMaster().getMasterInfo())))),
              error -> LOG.warning("GET_MASTER failed: " + error));
        }
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
