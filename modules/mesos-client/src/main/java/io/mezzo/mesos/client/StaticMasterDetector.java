package io.mezzo.mesos.client;

import io.reactivex.rxjava3.core.Single;
import java.net.URI;
import java.util.List;

/**
 * A fixed list of masters: answers the current one and moves to the next (round robin) when told it
 * is unreachable. Any master of a Mesos cluster redirects to the leader, so the list need not start
 * with it.
 */
public final class StaticMasterDetector implements MasterDetector {
  private final List<URI> masters;
  private int current;

  public StaticMasterDetector(List<URI> masters) {
    if (masters.isEmpty()) {
      throw new IllegalArgumentException("At least one master URL is required");
    }
    for (URI m : masters) {
      String scheme = m.getScheme();
      if (!"http".equals(scheme) && !"https".equals(scheme) || m.getHost() == null) {
        throw new IllegalArgumentException("Master URL '" + m + "' is not an http(s)://host:port URL");
      }
    }
    this.masters = List.copyOf(masters);
  }

  @Override
  public synchronized Single<URI> leader() {
    return Single.just(masters.get(current));
  }

  @Override
  public synchronized void unreachable(URI master) {
    if (masters.get(current).equals(master)) {
      current = (current + 1) % masters.size();
    }
  }

  /** The candidates, in order. */
  public List<URI> masters() {
    return masters;
  }
}
