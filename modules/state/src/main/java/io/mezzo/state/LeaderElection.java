package io.mezzo.state;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.Participant;

/**
 * Leader election for one group (e.g. {@code /mesos-master/leader}) with Curator's LeaderLatch. Each
 * participant carries an id such as {@code host:port}, so others can find the leader to redirect to.
 * Listeners run on the context that created the election.
 */
public final class LeaderElection implements AutoCloseable {
  private final Vertx vertx;
  private final Context context;
  private final LeaderLatch latch;
  private final String participantId;
  private final List<LeaderListener> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean leader;

  public LeaderElection(Vertx vertx, CuratorFramework curator, String path, String participantId) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.participantId = participantId;
    this.latch = new LeaderLatch(curator, path, participantId, LeaderLatch.CloseMode.NOTIFY_LEADER);
    latch.addListener(new LeaderLatchListener() {
      @Override
      public void isLeader() {
        context.runOnContext(v -> {
          leader = true;
          listeners.forEach(LeaderListener::elected);
        });
      }

      @Override
      public void notLeader() {
        context.runOnContext(v -> {
          if (leader) {
            leader = false;
            listeners.forEach(LeaderListener::revoked);
          }
        });
      }
    });
  }

  public LeaderElection addListener(LeaderListener listener) {
    listeners.add(listener);
    return this;
  }

  /** Joins the election; leadership is announced to the listeners when won. */
  public Future<Void> start() {
    return vertx.executeBlocking(() -> {
      latch.start();
      return null;
    }, false);
  }

  /** Whether this participant leads, as last announced to the listeners. */
  public boolean isLeader() {
    return leader;
  }

  public String participantId() {
    return participantId;
  }

  /** The current leader's participant id, asked of ZooKeeper; empty when there is none. */
  public Future<Optional<String>> leaderId() {
    return vertx.executeBlocking(() -> {
      Participant p = latch.getLeader();
      return p.isLeader() && !p.getId().isEmpty() ? Optional.of(p.getId()) : Optional.<String>empty();
    }, false);
  }

  /** Leaves the election; a leader hands over and its listeners hear {@code revoked}. */
  public Future<Void> stop() {
    return vertx.executeBlocking(() -> {
      close();
      return null;
    }, false);
  }

  @Override
  public void close() {
    try {
      if (latch.getState() == LeaderLatch.State.STARTED) {
        latch.close();
      }
    } catch (Exception e) {
      // the session may already be gone; ZooKeeper then drops our ephemeral node by itself
    }
  }
}
