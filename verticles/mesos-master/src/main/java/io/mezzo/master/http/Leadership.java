package io.mezzo.master.http;

import io.mezzo.master.core.Master;
import java.util.Optional;

/** What the HTTP handlers need to know about this master's place in the election. */
public interface Leadership {

  /** The master logic when this process leads and has recovered its registry; empty otherwise. */
  Optional<Master> leading();

  /** Whether this process won the election but is still recovering. */
  boolean recovering();

  /** The leader's {@code host:port}, when one is known. */
  Optional<String> leaderAddress();
}
