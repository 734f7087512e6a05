package io.mezzo.state;

/** Told when this participant wins or loses leadership. Called on the owning verticle's context. */
public interface LeaderListener {

  /** This participant is now the leader. */
  void elected();

  /** This participant is no longer the leader (lost the ZooKeeper session, or closed). */
  void revoked();
}
